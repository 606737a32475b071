// Typed readers over bound layer/function arguments: each names the owner and argument when a value is unknown.

import { type Arg, ArgError, type Args, type ForwardResult, ShapeError, type TensorArg, UNKNOWN } from "../layerSpec";

/** True for a symbolic tensor value (`{ tensor: [...] | null }`). */
export function isTensor(v: unknown): v is TensorArg {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "tensor" in v;
}

function describe(v: unknown): string {
  if (v === UNKNOWN) return "unknown";
  if (isTensor(v)) return "a tensor";
  return JSON.stringify(v) ?? String(v);
}

/** Reads an argument as it was bound (UNKNOWN when the signature lacks it). */
export function raw(a: Args, name: string): Arg {
  const v = a[name];
  return v === undefined ? UNKNOWN : (v as Arg);
}

export function intArg(a: Args, name: string, owner: string): number {
  const v = raw(a, name);
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  const i = indexInt(v);
  if (i !== null) return i;
  throw new ArgError(`${owner}: ${name} is ${v === UNKNOWN ? "unknown" : `not an int (${describe(v)})`}`);
}

/** A positive size (features, channels, hidden units). */
export function sizeArg(a: Args, name: string, owner: string): number {
  const n = intArg(a, name, owner);
  if (n <= 0) throw new ArgError(`${owner}: ${name} must be positive, got ${n}`);
  return n;
}

/** An int, or null when the argument is None. */
export function optIntArg(a: Args, name: string, owner: string): number | null {
  return raw(a, name) === null ? null : intArg(a, name, owner);
}

export function boolArg(a: Args, name: string, owner: string): boolean {
  const v = raw(a, name);
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  // Python truthiness for None, as torch's `if bias:` reads it.
  if (v === null) return false;
  throw new ArgError(`${owner}: ${name} is ${v === UNKNOWN ? "unknown" : `not a bool (${describe(v)})`}`);
}

export function stringArg(a: Args, name: string, owner: string): string {
  const v = raw(a, name);
  if (typeof v === "string") return v;
  throw new ArgError(`${owner}: ${name} is ${v === UNKNOWN ? "unknown" : `not a string (${describe(v)})`}`);
}

/** Reads an int or a list/tuple of ints (`kernel_size=3` or `(3, 5)`), as a list. */
export function intListArg(a: Args, name: string, owner: string): number[] {
  return toIntList(raw(a, name), name, owner);
}

/** An int, or a 0-d int tensor of known value (it indexes, like a numpy scalar); else null. */
function indexInt(x: Arg): number | null {
  if (typeof x === "number" && Number.isInteger(x)) return x;
  return isTensor(x) && x.value !== undefined ? x.value : null;
}

export function toIntList(v: Arg | Record<string, Arg>, name: string, owner: string): number[] {
  if (typeof v === "number" && Number.isInteger(v)) return [v];
  if (isTensor(v) && v.value !== undefined) return [v.value];
  if (Array.isArray(v) && v.every((x) => indexInt(x) !== null)) return v.map((x) => indexInt(x) as number);
  throw new ArgError(
    `${owner}: ${name} is ${v === UNKNOWN ? "unknown" : `not an int or a tuple of ints (${describe(v)})`}`,
  );
}

/** Expands `3` to `[3, 3]` (n = 2) and checks a tuple has n entries: torch's _pair/_triple. */
export function tupleArg(a: Args, name: string, owner: string, n: number): number[] {
  return expandTuple(raw(a, name), name, owner, n);
}

export function expandTuple(v: Arg | Record<string, Arg>, name: string, owner: string, n: number): number[] {
  const list = toIntList(v, name, owner);
  if (!Array.isArray(v)) return Array<number>(n).fill(list[0]!);
  if (list.length === 1) return Array<number>(n).fill(list[0]!);
  if (list.length !== n) throw new ArgError(`${owner}: ${name} needs ${n} values, got ${list.length}`);
  return list;
}

/**
 * Reads input `index` as a tensor shape: null when the shape is unknown (UNKNOWN or `{tensor: null}`),
 * so callers propagate an unknown output instead of failing.
 */
export function inputShape(inputs: readonly Arg[], index: number, owner: string): number[] | null {
  const v = inputs[index];
  if (v === undefined) throw new ShapeError(`${owner}: expected an input tensor at position ${index}, got none`);
  if (v === UNKNOWN) return null;
  if (isTensor(v)) return v.tensor;
  throw new ShapeError(`${owner}: expected a tensor at position ${index}, got ${describe(v)}`);
}

/** The dtype of a tensor argument, if it carries one. */
export function dtypeOf(v: Arg | undefined): string | undefined {
  return isTensor(v) ? v.dtype : undefined;
}

/** A tensor result carrying the input's dtype. */
export function tensor(shape: number[] | null, dtype?: string): TensorArg {
  return dtype === undefined ? { tensor: shape } : { tensor: shape, dtype };
}

/** Result for an input whose shape is unknown: unknown output, no MACs counted. */
export function unknownResult(dtype?: string): ForwardResult {
  return { output: tensor(null, dtype), macs: 0 };
}

/** Checks the input rank is one of `ranks` ("Conv2d expects a 3-d or 4-d input, got [..]"). */
export function expectRank(shape: readonly number[], ranks: readonly number[], owner: string): void {
  if (!ranks.includes(shape.length)) {
    const want = ranks.map((r) => `${r}-d`).join(" or ");
    throw new ShapeError(`${owner}: expected a ${want} input, got [${shape.join(", ")}]`);
  }
}

/** `{weight}` or `{weight, bias}`, in torch's registration order. */
export function weightAndBias(weight: number[], bias: number[] | null): Record<string, number[]> {
  return bias === null ? { weight } : { weight, bias };
}
