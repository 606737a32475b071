// Tensor factories (torch.randn/zeros/ones/empty/full/rand/randint/arange/tensor/*_like) and
// nn.Parameter. A tensor made here and fed to a model is the script's dummy input, so it
// remembers its origin ("dummy input torch.randn(1, 3, 224, 224)").
import type { Node } from "web-tree-sitter";
import type { Interp } from "../../evaluate/interp";
import {
  asInt,
  asNumber,
  type Kw,
  type NativeFn,
  scalarValue,
  smallValues,
  type TensorV,
  tensor,
  truthy,
  type Value,
} from "../../evaluate/values";
import { makeParam } from "./moduleState";

function dtypeOf(kw: Kw, dflt: string): string {
  const d = kw.get("dtype");
  return d?.k === "str"
    ? d.v
        .replace(/^torch\./, "")
        .replace(/^float$/, "float32")
        .replace(/^long$/, "int64")
    : dflt;
}

/** Sizes from `f(2, 3)` or `f((2, 3))` / `f([2, 3])` / `f(size=(2, 3))`; null when any is unknown. */
function sizes(args: Value[], kw: Kw): number[] | null {
  const first = kw.get("size") ?? args[0];
  const list = first && (first.k === "tuple" || first.k === "list") ? first.items : args;
  const out: number[] = [];
  for (const v of list) {
    // A 0-d int tensor of known value indexes like an int (`np.array(space.shape).prod()`).
    const x = v.k === "tensor" && v.shape?.length === 0 && /int/.test(v.dtype) ? scalarValue(v) : null;
    const n = x !== null && Number.isInteger(x) ? x : asInt(v);
    if (n === null) return null;
    out.push(n);
  }
  return out;
}

function made(shape: number[] | null, dtype: string, node: Node | null, ip?: Interp): TensorV {
  const t = tensor(shape, dtype);
  if (node) t.origin = `dummy input ${node.text.length <= 60 ? node.text : `${node.text.slice(0, 57)}...`}`;
  // FP150's fix must convert every float64 tensor along with a float64 model, or the fixed script
  // feeds float64 batches to float32 layers, which PyTorch rejects.
  if (ip && dtype === "float64") ip.event({ kind: "tensorFloat64", how: node?.text ?? "float64 tensor" }, node);
  return t;
}

/**
 * torch.tensor / as_tensor / from_numpy keep the dtype of an array or tensor they are given. An
 * array the interpreter cannot see (np.loadtxt, a DataFrame's .values) may be float64, which
 * FP150's fix has to know: it is recorded as a possible float64 tensor.
 */
function dataDtype(ip: Interp, data: Value | undefined, kw: Kw, node: Node | null): string {
  if (data?.k === "tensor" || kw.has("dtype")) return dtypeOf(kw, data?.k === "tensor" ? data.dtype : "float32");
  const python = data && (data.k === "list" || data.k === "tuple" || data.k === "num" || data.k === "bool");
  if (!python) ip.event({ kind: "tensorFloat64", how: node?.text ?? "tensor", maybe: true }, node);
  return "float32";
}

function nestedShape(v: Value): number[] | null {
  if (v.k === "tensor") return v.shape;
  if (v.k !== "list" && v.k !== "tuple") return asNumber(v) !== null || v.k === "bool" ? [] : null;
  if (v.items.length === 0) return [0];
  const inner = nestedShape(v.items[0]);
  return inner ? [v.items.length, ...inner] : null;
}

const factory =
  (dflt: string): NativeFn =>
  (ip, args, kw, node) =>
    made(sizes(args, kw), dtypeOf(kw, dflt), node, ip);
/**
 * The legacy constructors `torch.Tensor(2, 3)` (sizes) and `torch.Tensor(data)`: one sequence or
 * array argument is data, copied into a tensor of that shape (`torch.Tensor(next_obs)` in RL loops,
 * `torch.Tensor((2, 3))` is the 2-element tensor [2., 3.], not a 2×3 one).
 */
const legacy =
  (dtype: string): NativeFn =>
  (ip, args, kw, node) => {
    const [d] = args;
    if (args.length === 1 && d && (d.k === "tensor" || d.k === "list" || d.k === "tuple"))
      return made(nestedShape(d), dtype, node, ip);
    return made(sizes(args, kw), dtype, node, ip);
  };
const like: NativeFn = (ip, [x], kw, node) =>
  made(x?.k === "tensor" ? x.shape : null, dtypeOf(kw, x?.k === "tensor" ? x.dtype : "float32"), node, ip);

export const CREATION: Record<string, NativeFn> = {
  randn: factory("float32"),
  rand: factory("float32"),
  zeros: factory("float32"),
  ones: factory("float32"),
  empty: factory("float32"),
  Tensor: legacy("float32"),
  FloatTensor: legacy("float32"),
  LongTensor: legacy("int64"),
  full: (_ip, [size, _fill], kw, node) => made(sizes(size ? [size] : [], kw), dtypeOf(kw, "float32"), node),
  randint(_ip, args, kw, node) {
    const sizeArg = kw.get("size") ?? args.find((a) => a.k === "tuple" || a.k === "list");
    return made(sizeArg ? sizes([sizeArg], new Map()) : null, dtypeOf(kw, "int64"), node);
  },
  randperm: (_ip, [n], kw, node) => made(asInt(n) !== null ? [asInt(n)!] : null, dtypeOf(kw, "int64"), node),
  arange(_ip, args, kw, node) {
    const n = args.map(asNumber);
    if (n.length === 0 || n.some((x) => x === null)) return made(null, dtypeOf(kw, "int64"), node);
    const [a, b, c] = n as number[];
    const [start, stop, step] = args.length === 1 ? [0, a, 1] : [a, b, c ?? 1];
    const len = step === 0 ? 0 : Math.max(0, Math.ceil((stop - start) / step));
    const ints = args.every((x) => x.k !== "num" || x.int);
    const t = made([len], dtypeOf(kw, ints ? "int64" : "float32"), node);
    t.values = smallValues(len, (i) => start + i * step);
    return t;
  },
  linspace(_ip, [start, end, steps], kw, node) {
    const n = asInt(kw.get("steps") ?? steps);
    const t = made(n !== null ? [n] : null, dtypeOf(kw, "float32"), node);
    const [a, b] = [asNumber(kw.get("start") ?? start), asNumber(kw.get("end") ?? end)];
    // torch.linspace(0, rate, depth): the per-block drop-path rates timm/ConvNeXt/Swin read back.
    if (n !== null && a !== null && b !== null)
      t.values = smallValues(n, (i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1)));
    return t;
  },
  eye: (_ip, [n, m], kw, node) =>
    made(asInt(n) !== null ? [asInt(n)!, asInt(m) ?? asInt(n)!] : null, dtypeOf(kw, "float32"), node),
  tensor(ip, [data], kw, node) {
    const t = made(data ? nestedShape(data) : null, dataDtype(ip, data, kw, node), node, ip);
    const n = asNumber(data);
    if (n !== null) t.values = [n];
    else if (data && (data.k === "list" || data.k === "tuple") && t.shape?.length === 1) {
      const ns = data.items.map(asNumber);
      if (ns.every((x) => x !== null)) t.values = ns as number[];
    }
    return t;
  },
  as_tensor: (ip, [data], kw, node) => made(data ? nestedShape(data) : null, dataDtype(ip, data, kw, node), node, ip),
  // numpy arrays the interpreter models are tensors: the shape and dtype carry over.
  from_numpy: (ip, [x], _kw, node) =>
    made(x?.k === "tensor" ? x.shape : null, dataDtype(ip, x, new Map(), node), node, ip),
  zeros_like: like,
  ones_like: like,
  randn_like: like,
  rand_like: like,
  empty_like: like,
  full_like: like,
};

/** nn.Parameter(data, requires_grad=True): a tensor that registers as a parameter when assigned to a module. */
export const makeParameter: NativeFn = (_ip: Interp, [data, rg], kw) => {
  const flag = kw.get("requires_grad") ?? rg;
  const requiresGrad = flag ? truthy(flag) !== false : true;
  if (data?.k === "tensor" && data.shape)
    return { ...tensor(data.shape, data.dtype), param: makeParam(data.shape, requiresGrad) };
  const p = makeParam([], requiresGrad);
  p.numel = 0;
  p.unknownShape = "nn.Parameter with an unknown shape: not counted";
  return { ...tensor(null), param: p };
};
