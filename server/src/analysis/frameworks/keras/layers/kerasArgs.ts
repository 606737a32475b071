// Typed readers over bound Keras layer arguments and per-sample shape helpers; each error names
// the layer and the argument so the hover can say what was not resolved.

import {
  ArgError,
  type Dim,
  isLayerRef,
  type KArg,
  type KArgs,
  type LayerRef,
  type Shape,
  ShapeError,
  UNKNOWN,
} from "../kerasLayerSpec";

function describe(v: unknown): string {
  if (v === UNKNOWN) return "unknown";
  if (isLayerRef(v)) return `a ${v.kerasLayer} layer`;
  return JSON.stringify(v) ?? String(v);
}

export function rawArg(a: KArgs, name: string): KArg {
  const v = a[name];
  return v === undefined ? UNKNOWN : (v as KArg);
}

function fail(owner: string, name: string, v: unknown, what: string): never {
  throw new ArgError(`${owner}: ${name} is ${v === UNKNOWN ? "unknown" : `not ${what} (${describe(v)})`}`);
}

export function intArg(a: KArgs, name: string, owner: string): number {
  const v = rawArg(a, name);
  if (typeof v === "number" && Number.isInteger(v)) return v;
  return fail(owner, name, v, "an int");
}

/** A positive size (units, filters, input_dim). */
export function sizeArg(a: KArgs, name: string, owner: string): number {
  const n = intArg(a, name, owner);
  if (n <= 0) throw new ArgError(`${owner}: ${name} must be positive, got ${n}`);
  return n;
}

export function optSizeArg(a: KArgs, name: string, owner: string): number | null {
  return rawArg(a, name) === null ? null : sizeArg(a, name, owner);
}

export function boolArg(a: KArgs, name: string, owner: string): boolean {
  const v = rawArg(a, name);
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  if (v === null) return false;
  return fail(owner, name, v, "a bool");
}

export function strArg(a: KArgs, name: string, owner: string): string {
  const v = rawArg(a, name);
  if (typeof v === "string") return v.toLowerCase();
  return fail(owner, name, v, "a string");
}

/** `padding`: "valid" | "same" | "causal". */
export function paddingArg(a: KArgs, owner: string, allowed: readonly string[] = ["valid", "same"]): string {
  const p = strArg(a, "padding", owner);
  if (!allowed.includes(p)) throw new ArgError(`${owner}: padding must be one of ${allowed.join("/")}, got "${p}"`);
  return p;
}

/** Keras' conv_utils.normalize_tuple: `3` → `[3, 3]`, a tuple must have n ints. */
export function tupleArg(a: KArgs, name: string, owner: string, n: number): number[] {
  const v = rawArg(a, name);
  if (typeof v === "number" && Number.isInteger(v)) return Array<number>(n).fill(v);
  if (Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isInteger(x))) {
    if (v.length === 1) return Array<number>(n).fill(v[0] as number);
    if (v.length !== n) throw new ArgError(`${owner}: ${name} needs ${n} values, got ${v.length}`);
    return v as number[];
  }
  return fail(owner, name, v, "an int or a tuple of ints");
}

/** Strides default to the pool size when None (pooling layers). */
export function tupleOrArg(a: KArgs, name: string, fallback: string, owner: string, n: number): number[] {
  return rawArg(a, name) === null ? tupleArg(a, fallback, owner, n) : tupleArg(a, name, owner, n);
}

/** An int list argument as written (axis lists, dims, target_shape). */
export function intListArg(a: KArgs, name: string, owner: string): number[] {
  const v = rawArg(a, name);
  if (typeof v === "number" && Number.isInteger(v)) return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isInteger(x))) return v as number[];
  return fail(owner, name, v, "an int or a list of ints");
}

export function layerArg(a: KArgs, name: string, owner: string): LayerRef {
  const v = rawArg(a, name);
  if (isLayerRef(v)) return v;
  return fail(owner, name, v, "a layer");
}

/** "channels_last" (Keras' default, `image_data_format()`) or "channels_first". */
export function channelsFirst(a: KArgs, owner: string): boolean {
  const v = rawArg(a, "data_format");
  if (v === null) return false;
  if (v === "channels_first") return true;
  if (v === "channels_last") return false;
  return fail(owner, "data_format", v, '"channels_last" or "channels_first"');
}

/** The only input shape of a single-input layer. */
export function single(inputShapes: readonly Shape[], owner: string): Shape {
  const s = inputShapes[0];
  if (s === undefined) throw new ShapeError(`${owner}: expected an input, got none`);
  return s;
}

export function expectRank(s: Shape, rank: number, owner: string): void {
  if (s.length !== rank) {
    throw new ShapeError(`${owner}: expected a ${rank + 1}-d input (batch included), got ${showShape(s)} per sample`);
  }
}

/** An axis that must be known to size weights ("Dense needs the last axis"). */
export function knownDim(d: Dim | undefined, owner: string, what: string): number {
  if (typeof d !== "number") throw new ShapeError(`${owner}: the ${what} axis is unknown (None); weights need it`);
  return d;
}

/** Product of dims; null when any is None. */
export function prodDims(dims: readonly Dim[]): number | null {
  let p = 1;
  for (const d of dims) {
    if (d === null) return null;
    p *= d;
  }
  return p;
}

/** Product of factors where any null makes the whole product unknown. */
export function mul(...xs: Array<number | null>): number | null {
  let p = 1;
  for (const x of xs) {
    if (x === null) return null;
    p *= x;
  }
  return p;
}

export function addMacs(...xs: Array<number | null>): number | null {
  let s = 0;
  for (const x of xs) {
    if (x === null) return null;
    s += x;
  }
  return s;
}

/** Normalises a possibly negative axis for a per-sample shape (Keras axes count the batch as 0). */
export function sampleAxis(axis: number, rank: number, owner: string): number {
  // Keras axis -1 is the last axis; a positive axis counts the batch, so subtract one.
  const i = axis < 0 ? rank + axis : axis - 1;
  if (i < 0 || i >= rank) throw new ShapeError(`${owner}: axis ${axis} is out of range for a ${rank + 1}-d input`);
  return i;
}

export function showShape(s: readonly Dim[]): string {
  return `(None, ${s.map((d) => (d === null ? "None" : String(d))).join(", ")})`;
}

export function noWeights(): { weights: Record<string, number[]>; trainable: Record<string, boolean> } {
  return { weights: {}, trainable: {} };
}

/** Shorthand for a build result where every weight has the same trainability. */
export function weightsOf(weights: Record<string, number[]>, trainable = true) {
  const t: Record<string, boolean> = {};
  for (const k of Object.keys(weights)) t[k] = trainable;
  return { weights, trainable: t };
}
