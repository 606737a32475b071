// Tensor methods with interpreter meaning rather than a shape rule: backward (a trace event),
// item/tolist (scalars leave the symbolic world), requires_grad_ on parameters, and device/dtype
// moves that keep the tensor's identity (its origin as a model input, its parameter).
import { setRequiresGrad } from "./requiresGrad";
import type { Node } from "web-tree-sitter";
import type { Interp } from "../../evaluate/interp";
import {
  bool,
  builtin,
  float,
  int,
  list,
  NONE,
  scalarValue,
  type TensorV,
  tensor,
  unknown,
  type Value,
  vectorValues,
} from "../../evaluate/values";
import { numpyDtype } from "../keras/runtime/numpyArrays";
import { precisionOfDtype } from "./events";

const SAME_TENSOR = new Set([
  "to",
  "cuda",
  "cpu",
  "contiguous",
  "detach",
  "clone",
  "requires_grad_",
  "pin_memory",
  "float",
  "half",
  "double",
  "bfloat16",
  "type",
  "share_memory_",
  "retain_grad",
]);

const DTYPE_OF_METHOD: Record<string, string> = {
  float: "float32",
  half: "float16",
  double: "float64",
  bfloat16: "bfloat16",
};

function isIntDtype(dtype: string): boolean {
  return /^(u?int\d+|bool)$/.test(dtype);
}

/** A tensor element as Python sees it after .item(): an int for integer dtypes, else a float. */
export function numberOf(v: number, dtype: string): Value {
  return isIntDtype(dtype) ? int(Math.trunc(v)) : float(v);
}

export function tensorMethod(ip: Interp, t: TensorV, name: string, node: Node | null): Value | undefined {
  if (name === "detach" && ip.forwardStats && t.producer) {
    // `self.encoder(x).detach()` in a forward: that call of the encoder gets no gradient, as under
    // no_grad (counted once per output; cost/modelCost.ts prices modules never given one as frozen).
    const st = ip.forwardStats.get(t.producer);
    if (st) st.noGradCalls = (st.noGradCalls ?? 0) + 1;
    t.producer = undefined;
  }
  if (name === "backward") {
    return builtin("Tensor.backward", (ip2, _args, _kw, n) => {
      ip2.event({ kind: "backward" }, n ?? node);
      return NONE;
    });
  }
  if (name === "item")
    return builtin("Tensor.item", (_ip, _a, _kw, n) => {
      const v = scalarValue(t);
      return v === null ? unknown("a tensor's value at run time", n ?? node) : numberOf(v, t.dtype);
    });
  if (name === "tolist") {
    return builtin("Tensor.tolist", (_ip, _a, _kw, n) => {
      const vs = vectorValues(t);
      return vs ? list(vs.map((v) => numberOf(v, t.dtype))) : unknown("a tensor's values at run time", n ?? node);
    });
  }
  if (name === "numpy")
    return builtin("Tensor.numpy", (_ip, _a, _kw, n) => unknown("a tensor's values at run time", n ?? node));
  // numpy's astype (Keras data preparation): same array, new dtype.
  if (name === "astype")
    return builtin("ndarray.astype", (_ip, [d]) => {
      const dtype = numpyDtype(d) ?? t.dtype;
      const values = t.values && isIntDtype(dtype) ? t.values.map(Math.trunc) : t.values;
      return { ...t, dtype, param: null, ...(values ? { values } : {}) };
    });
  // dtype and layout queries that model code branches on (`if x.is_floating_point():`).
  if (name === "is_floating_point" || name === "is_complex")
    return builtin(`Tensor.${name}`, () =>
      bool(name === "is_complex" ? t.dtype.startsWith("complex") : /^(float|bfloat)/.test(t.dtype)),
    );
  if (name === "is_contiguous") return builtin("Tensor.is_contiguous", () => bool(true));
  if (!SAME_TENSOR.has(name)) return undefined;
  return builtin(`Tensor.${name}`, (ip2, args, kw, n) => {
    let dtype = DTYPE_OF_METHOD[name] ?? t.dtype;
    if (name === "to" || name === "type") {
      for (const a of [...args, kw.get("dtype")]) {
        if (a && precisionOfDtype(a))
          dtype = (a as { v: string }).v
            .replace(/^torch\./, "")
            .replace("double", "float64")
            .replace("half", "float16")
            .replace(/^float$/, "float32");
        if (a?.k === "tensor") dtype = a.dtype;
      }
    }
    if (name === "requires_grad_" && t.param) setRequiresGrad(ip, t.param, args[0] ?? kw.get("requires_grad"));
    if (name === "float" && t.shape && t.shape.length === 0) return float(scalarValue(t) ?? 0);
    // A cast to float64 here (not a model's .double()): FP150's fix converts it with the model.
    if (dtype === "float64" && t.dtype !== "float64")
      ip2.event({ kind: "tensorFloat64", how: (n ?? node)?.text ?? `.${name}()` }, n ?? node);
    return dtype === t.dtype ? t : { ...t, dtype };
  });
}

/**
 * `x.prod()` / `x.sum()` of a small 1-d array of known values (`np.array(space.shape).prod()`, an
 * observation size): a 0-d value that layer sizes read like an int (a 0-d int tensor indexes, as a
 * numpy scalar does). Null when the call has arguments or the values are unknown.
 */
export function knownReduction(t: TensorV, name: string): TensorV | null {
  if ((name !== "prod" && name !== "sum") || t.shape?.length !== 1) return null;
  const vs = vectorValues(t);
  if (!vs) return null;
  const v = name === "prod" ? vs.reduce((a, b) => a * b, 1) : vs.reduce((a, b) => a + b, 0);
  const dtype = isIntDtype(t.dtype) || t.dtype === "bool" ? "int64" : t.dtype;
  return { ...tensor([], dtype), values: [v] };
}
