// numpy array shaping as Keras scripts use it to prepare data (np.expand_dims, reshape, concatenate,
// zeros, np.random.normal(size=...), np.array): arrays are symbolic tensors whose shape is known, so
// `x_train.shape[1:]` can give a model its input shape and fit() its sample count. Values are never
// computed; the dataset origin a tensor carries is kept through each reshaping.

import type { Node } from "web-tree-sitter";
import type { Interp } from "../../../evaluate/interp";
import { fn, nativeModule } from "../../../evaluate/nativeHelpers";
import { iterate } from "../../../evaluate/iteration";
import {
  asInt,
  asNumber,
  asString,
  float,
  NONE,
  type TensorV,
  tensor,
  unknown,
  type Value,
} from "../../../evaluate/values";

type Dims = number[];

function dimsOf(ip: Interp, v: Value | undefined): Dims | null {
  if (!v) return null;
  const one = asInt(v);
  if (one !== null) return [one];
  if (v.k !== "tuple" && v.k !== "list") return null;
  const ds = v.items.map(asInt);
  void ip;
  return ds.every((d): d is number => d !== null) ? ds : null;
}

function like(t: TensorV, shape: Dims | null, dtype = t.dtype): TensorV {
  return { ...t, shape, dtype, param: null };
}

/** A dtype argument as numpy spells it ("float32", np.float32, "uint8"); null when not a dtype. */
export function numpyDtype(v: Value | undefined): string | null {
  const s = asString(v);
  if (s) return s;
  if (v?.k === "module" && /(^|\.)(u?int\d+|float\d+|bool_?)$/.test(v.name)) return v.name.split(".").pop()!;
  if (v?.k === "builtin" && /^(int|float|bool)$/.test(v.name)) return v.name === "float" ? "float64" : v.name;
  return null;
}

/** Shape of nested Python lists of numbers ([[1, 2], [3, 4]] → [2, 2]); null when ragged or unknown. */
function listShape(ip: Interp, v: Value): Dims | null {
  // A number is 0-d and an array its own shape (np.array(list of arrays) stacks them); anything else
  // (an Unknown read at run time) has no shape to give: before, np.array(unknown) was a 0-d array.
  if (v.k === "tensor") return v.shape ? [...v.shape] : null;
  if (v.k === "num" || v.k === "bool") return [];
  if (v.k !== "list" && v.k !== "tuple") return null;
  const inner = v.items.map((x) => listShape(ip, x));
  if (inner.some((s) => s === null)) return null;
  const first = JSON.stringify(inner[0] ?? []);
  if (!inner.every((s) => JSON.stringify(s) === first)) return null;
  return [v.items.length, ...((inner[0] as Dims | undefined) ?? [])];
}

function axisOf(v: Value | undefined, rank: number, fallback: number): number | null {
  const a = v === undefined ? fallback : asInt(v);
  if (a === null) return null;
  return a < 0 ? a + rank : a;
}

/** numpy's reshape rule: one -1 takes what the others leave. */
export function reshapeDims(from: Dims, to: Dims): Dims | null {
  const total = from.reduce((a, b) => a * b, 1);
  const known = to.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const free = to.filter((d) => d === -1).length;
  if (free > 1 || known === 0) return null;
  if (free === 0) return known === total ? to : null;
  return total % known === 0 ? to.map((d) => (d === -1 ? total / known : d)) : null;
}

function tensors(ip: Interp, v: Value | undefined): TensorV[] | null {
  const items = v ? iterate(ip, v, null) : null;
  if (!items || items.length === 0 || items.some((t) => t.k !== "tensor" || !t.shape)) return null;
  return items as TensorV[];
}

function elementwise(name: string, f: (v: number) => number): Value {
  return fn(`numpy.${name}`, (_ip, [x], _kw, node) => {
    if (x?.k === "tensor") return like(x, x.shape);
    const v = asNumber(x);
    return v === null ? unknown(`np.${name} of an unknown value`, node) : float(f(v));
  });
}

function creation(name: string, dtype: string) {
  return fn(`numpy.${name}`, (ip, [shape], kw) =>
    tensor(dimsOf(ip, kw.get("shape") ?? shape), numpyDtype(kw.get("dtype")) ?? dtype),
  );
}

/** np.random.*: sized by `size=` (or rand/randn's positional dimensions). */
function randomModule(): Value {
  const sized = (name: string, sizeAt: number, dtype = "float64") =>
    fn(`numpy.random.${name}`, (ip, args, kw) => tensor(dimsOf(ip, kw.get("size") ?? args[sizeAt]) ?? null, dtype));
  const dims = (name: string) =>
    fn(`numpy.random.${name}`, (ip, args) => tensor(dimsOf(ip, { k: "tuple", items: args }), "float64"));
  return nativeModule("numpy.random", {
    normal: sized("normal", 2),
    uniform: sized("uniform", 2),
    randint: sized("randint", 2, "int64"),
    random: sized("random", 0),
    random_sample: sized("random_sample", 0),
    rand: dims("rand"),
    randn: dims("randn"),
    seed: fn("numpy.random.seed", () => ({ k: "none" })),
    // Index lists for subsets and samplers: permutation(n) or of an array (its length); choice(a, size).
    permutation: fn("numpy.random.permutation", (_ip, [x]) => {
      const n = asInt(x);
      if (n !== null) return tensor([n], "int64");
      return x?.k === "tensor" ? tensor(x.shape, x.dtype) : tensor(null, "int64");
    }),
    choice: sized("choice", 1, "int64"),
  });
}

/** The array functions, merged into the `numpy` module (evaluate/stdlib.ts). */
export function numpyArrayFunctions(): Record<string, Value> {
  return {
    zeros: creation("zeros", "float64"),
    ones: creation("ones", "float64"),
    empty: creation("empty", "float64"),
    full: creation("full", "float64"),
    zeros_like: fn("numpy.zeros_like", (_ip, [x]) => (x?.k === "tensor" ? like(x, x.shape) : tensor(null))),
    ones_like: fn("numpy.ones_like", (_ip, [x]) => (x?.k === "tensor" ? like(x, x.shape) : tensor(null))),
    // np.memmap(filename, dtype=uint8, mode, offset, shape=None): a flat array of the file's length
    // (known at run time) unless a shape is given (numpy.memmap docs).
    memmap: fn("numpy.memmap", (ip, args, kw, node) => {
      const dtype = numpyDtype(kw.get("dtype") ?? args[1]) ?? "uint8";
      const shape = kw.get("shape") ?? args[4];
      if (shape && shape.k !== "none") {
        const dims = (shape.k === "tuple" || shape.k === "list" ? shape.items : [shape]).map(asInt);
        return tensor(dims.some((d) => d === null) ? null : (dims as number[]), dtype);
      }
      // Windows drawn from it (`data[i : i + block_size]`) have known shapes; its length does not.
      ip.note(
        "np.memmap: the token file's length is read at run time, so how many passes over the data a step-priced run makes (its epochs) stays unknown",
        node,
      );
      return { ...tensor(null, dtype), flat: true as const };
    }),
    array: fn("numpy.array", (ip, [x], kw) => asArray(ip, x, kw.get("dtype"))),
    asarray: fn("numpy.asarray", (ip, [x], kw) => asArray(ip, x, kw.get("dtype"))),
    expand_dims: fn("numpy.expand_dims", (ip, [x, axis], kw, node) => {
      if (x?.k !== "tensor" || !x.shape) return lostArray(ip, "np.expand_dims of an unknown array", node);
      const a = axisOf(kw.get("axis") ?? axis, x.shape.length + 1, 0);
      if (a === null) return unknown("np.expand_dims: axis unknown", node);
      return like(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
    }),
    reshape: fn("numpy.reshape", (ip, [x, shape], kw, node) => {
      const to = dimsOf(ip, kw.get("newshape") ?? shape);
      const dims = x?.k === "tensor" && x.shape && to ? reshapeDims(x.shape, to) : null;
      return x?.k === "tensor" && dims ? like(x, dims) : lostArray(ip, "np.reshape of an unknown array", node);
    }),
    concatenate: fn("numpy.concatenate", (ip, [xs, axis], kw, node) => {
      const ts = tensors(ip, xs);
      if (!ts) return lostArray(ip, "np.concatenate of unknown arrays", node);
      const rank = ts[0]!.shape!.length;
      const a = axisOf(kw.get("axis") ?? axis, rank, 0);
      if (a === null || ts.some((t) => t.shape!.length !== rank))
        return lostArray(ip, "np.concatenate: shapes differ", node);
      const shape = [...ts[0]!.shape!];
      shape[a] = ts.reduce((s, t) => s + t.shape![a]!, 0);
      return like(ts[0]!, shape);
    }),
    stack: fn("numpy.stack", (ip, [xs, axis], kw, node) => {
      const ts = tensors(ip, xs);
      if (!ts) return lostArray(ip, "np.stack of unknown arrays", node);
      const a = axisOf(kw.get("axis") ?? axis, ts[0]!.shape!.length + 1, 0) ?? 0;
      const s = ts[0]!.shape!;
      return like(ts[0]!, [...s.slice(0, a), ts.length, ...s.slice(a)]);
    }),
    // Elementwise maps keep the array's shape (noise clipped back to [0, 1], magnitudes): the
    // sample count survives to fit(); on plain numbers they compute, as numpy does on scalars.
    clip: fn("numpy.clip", (_ip, [x, lo, hi], kw, node) => {
      if (x?.k === "tensor") return like(x, x.shape);
      const [v, a, b] = [asNumber(x), asNumber(kw.get("a_min") ?? lo), asNumber(kw.get("a_max") ?? hi)];
      if (v === null) return unknown("np.clip of an unknown value", node);
      return float(Math.min(b ?? Number.POSITIVE_INFINITY, Math.max(a ?? Number.NEGATIVE_INFINITY, v)));
    }),
    abs: elementwise("abs", Math.abs),
    square: elementwise("square", (v) => v * v),
    random: randomModule(),
    float32: nativeModule("numpy.float32", {}),
    float64: nativeModule("numpy.float64", {}),
    float16: nativeModule("numpy.float16", {}),
    int32: nativeModule("numpy.int32", {}),
    int64: nativeModule("numpy.int64", {}),
    uint8: nativeModule("numpy.uint8", {}),
    // `x[..., np.newaxis]`: numpy's alias of None, a new axis of 1 as `x[..., None]` gives.
    newaxis: NONE,
  };
}

/**
 * What an array function returns when it cannot size its result: still an array, of unknown shape.
 * An Unknown here was read as a Python scalar by the operators (`unknown * np.random.uniform(size=3)`
 * gave [3]), so a point cloud read from HDF5 became a model input of shape [3]; the reason is noted.
 */
function lostArray(ip: Interp, why: string, node: Node | null): Value {
  ip.note(why, node);
  return tensor(null);
}

function asArray(ip: Interp, x: Value | undefined, dtype: Value | undefined): Value {
  if (!x) return tensor(null);
  const dt = numpyDtype(dtype);
  if (x.k === "tensor") return dt ? like(x, x.shape, dt) : x;
  // A short tuple of ints (a space's shape: `np.array(env.observation_space.shape).prod()`) keeps its
  // values, so sizes computed from it stay known; numpy makes Python ints int64.
  if ((x.k === "tuple" || x.k === "list") && x.items.length <= 64 && x.items.every((v) => v.k === "num")) {
    const ints = x.items.every((v) => v.k === "num" && v.int);
    const t = tensor([x.items.length], dt ?? (ints ? "int64" : "float64"));
    t.values = x.items.map((v) => (v.k === "num" ? v.v : 0));
    return t;
  }
  return tensor(listShape(ip, x), dt ?? "float64");
}
