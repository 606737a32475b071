// Glue between interpreter values and the torch function table (functional/): converts
// Values to the table's plain Args and back, calls `torch.*` / `F.*` / `Tensor.*` entries,
// charges their MACs to the module whose forward is running, and serves tensor attributes.
import { setRequiresGrad } from "./requiresGrad";
import type { Node } from "web-tree-sitter";
import { BudgetExhausted } from "../../evaluate/budget";
import type { Interp } from "../../evaluate/interp";
import {
  builtin,
  float,
  int,
  type Kw,
  NONE,
  str,
  type TensorV,
  tensor,
  tuple,
  unknown,
  type Value,
  scalarValue,
} from "../../evaluate/values";
import { TORCH_FUNCTIONS } from "./functional";
import { type Arg, type Args, UNKNOWN } from "./layerSpec";
import { bindArgs } from "./layers/bindArgs";
import { isTensor } from "./layers/argUtils";
import type { ModuleState } from "./moduleState";
import { allWeightOnly, keepsWeightOnly, markWeightOnly } from "./weightOnly";
import { knownReduction, tensorMethod } from "./tensorMethods";

export function toArg(v: Value): Arg {
  switch (v.k) {
    case "num":
      return v.v;
    case "bool":
      return v.v;
    case "str":
      return v.v;
    case "none":
      return null;
    case "tuple":
    case "list":
      return v.items.map(toArg);
    case "tensor": {
      // A 0-d int tensor of known value is an index (`__index__`): layer sizes take it as an int.
      const x = scalarValue(v);
      if (x !== null && v.shape?.length === 0 && Number.isInteger(x) && /int/.test(v.dtype))
        return { tensor: v.shape, dtype: v.dtype, value: x };
      return v.dtype ? { tensor: v.shape, dtype: v.dtype } : { tensor: v.shape };
    }
    case "native":
      if (v.type === "device") return String(v.data.kind ?? "cpu");
      if (v.type === "ellipsis") return "...";
      return UNKNOWN;
    default:
      return UNKNOWN;
  }
}

export function kwToArgs(kw: Kw): Record<string, Arg> {
  const out: Record<string, Arg> = {};
  for (const [k, v] of kw) out[k] = toArg(v);
  return out;
}

export function fromArg(a: Arg | Record<string, Arg>): Value {
  if (a === UNKNOWN) return unknown("result of a torch operation is unknown", null);
  if (a === null) return NONE;
  if (typeof a === "number") return Number.isInteger(a) ? int(a) : float(a);
  if (typeof a === "boolean") return { k: "bool", v: a };
  if (typeof a === "string") return str(a);
  if (Array.isArray(a)) return tuple(a.map(fromArg));
  if (isTensor(a)) return tensor(a.tensor ? [...a.tensor] : null, a.dtype ?? "float32");
  return unknown("result of a torch operation is unknown", null);
}

/**
 * Adds MACs of one operation to the running forward trace (own MACs of the innermost module, or of
 * `mod`); `convMacs` of them run as convolutions. `perCall`: the operands are weight-only, so the op
 * runs once per forward call and its MACs are kept apart from the per-sample ones.
 */
export function chargeMacs(ip: Interp, macs: number, convMacs = 0, mod?: ModuleState, perCall = false): void {
  if (!ip.forwardStats || !(macs > 0)) return;
  if (perCall) {
    ip.perCallMacs += macs;
    const top = mod ?? ip.moduleStack[ip.moduleStack.length - 1];
    const st = top ? ip.forwardStats.get(top) : undefined;
    if (st) st.perCallMacs = (st.perCallMacs ?? 0) + macs;
    return;
  }
  ip.forwardMacs += macs;
  if (ip.checkpointDepth > 0) ip.recomputeMacs += macs;
  const top = mod ?? ip.moduleStack[ip.moduleStack.length - 1];
  const st = top ? ip.forwardStats.get(top) : undefined;
  if (!st) return;
  st.macs += macs;
  if (convMacs > 0) st.convMacs = (st.convMacs ?? 0) + convMacs;
}

export function hasTorchFunction(name: string): boolean {
  return Object.hasOwn(TORCH_FUNCTIONS, name);
}

/** A tensor argument whose shape the interpreter lost (or a value it could not resolve at all). */
export function shapeUnknown(a: Arg | undefined): boolean {
  return a === UNKNOWN || (isTensor(a) && a.tensor === null);
}

/** Ops that multiply-accumulate (the counting convention's products and convolutions). */
const MAC_OPS = new Set([
  "matmul",
  "__matmul__",
  "__rmatmul__",
  "mm",
  "bmm",
  "addmm",
  "addbmm",
  "baddbmm",
  "mv",
  "addmv",
  "dot",
  "einsum",
  "linear",
  "bilinear",
  "conv1d",
  "conv2d",
  "conv3d",
  "conv_transpose1d",
  "conv_transpose2d",
  "conv_transpose3d",
  "scaled_dot_product_attention",
  "_scaled_dot_product_attention",
  "tensordot",
]);

/** During the cost trace, remembers the first product op whose operands' shapes were lost. */
function checkShapeLost(ip: Interp, name: string, lost: boolean): void {
  if (!lost || ip.forwardShapeLost || !ip.forwardStats) return;
  if (!MAC_OPS.has(name.slice(name.lastIndexOf(".") + 1))) return;
  ip.forwardShapeLost = { mod: ip.moduleStack[ip.moduleStack.length - 1] ?? null, op: name };
}

/** Calls a torch table entry; a missing entry or a failed rule gives Unknown with the reason noted. */
export function callTorchFunction(ip: Interp, name: string, args: Value[], kw: Kw, node: Node | null): Value {
  const spec = TORCH_FUNCTIONS[name];
  const anyTensor = args.some((a) => a.k === "tensor");
  if (!spec) {
    ip.note(`${name} is not in the torch function table: its output shape and cost are unknown`, node);
    checkShapeLost(ip, name, true);
    return anyTensor ? tensor(null) : unknown(`${name} is not modelled`, node);
  }
  try {
    const plain = args.map(toArg);
    const bound: Args = bindArgs(name, spec.signature, plain, kwToArgs(kw));
    const r = spec.apply(bound);
    const weightOnly = keepsWeightOnly(name) && allWeightOnly(args, kw);
    chargeMacs(ip, r.macs, r.conv ? r.macs : 0, undefined, weightOnly);
    if (ip.forwardStats) checkShapeLost(ip, name, r.macs === 0 && plain.some(shapeUnknown));
    const out = fromArg(r.output);
    return weightOnly ? markWeightOnly(out) : out;
  } catch (err) {
    if (err instanceof BudgetExhausted) throw err;
    ip.note(err instanceof Error ? err.message : String(err), node);
    checkShapeLost(ip, name, true);
    return anyTensor ? tensor(null) : unknown(`${name} failed`, node);
  }
}

/** torch/numpy broadcasting; null when the shapes do not broadcast. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Attributes that are not methods (`x.shape`, `x.T`); everything else is looked up as a method. */
export function getTensorAttr(ip: Interp, t: TensorV, name: string, node: Node | null): Value {
  switch (name) {
    case "shape":
      return t.shape ? tuple(t.shape.map(int)) : unknown("tensor shape is unknown", node);
    case "ndim":
      return t.shape ? int(t.shape.length) : unknown("tensor rank is unknown", node);
    case "dtype":
      return str(`torch.${t.dtype}`);
    case "requires_grad":
      return { k: "bool", v: t.param ? t.param.requiresGrad : false };
    case "data":
      return t;
    case "grad":
      return tensor(t.shape, t.dtype);
    case "T":
    case "mT":
    case "real":
    case "imag":
      return callTorchFunction(ip, `Tensor.${name}`, [t], new Map(), node);
    case "device":
      return { k: "native", type: "device", data: { kind: "unknown" }, getattr: () => undefined };
    case "is_cuda":
      return unknown("tensor device", node);
  }
  const special = tensorMethod(ip, t, name, node);
  if (special) return special;
  const candidates = [`Tensor.${name}`, `torch.${name}`, `torch.nn.functional.${name}`];
  const qual = candidates.find(hasTorchFunction);
  return builtin(`Tensor.${name}`, (ip2, args, kw, n) => {
    const known = args.length === 0 && kw.size === 0 ? knownReduction(t, name) : null;
    return known ?? callTorchFunction(ip2, qual ?? `Tensor.${name}`, [t, ...args], kw, n ?? node);
  });
}

export function setTensorAttr(ip: Interp, t: TensorV, name: string, v: Value): void {
  if (name === "requires_grad" && t.param) setRequiresGrad(ip, t.param, v);
}
