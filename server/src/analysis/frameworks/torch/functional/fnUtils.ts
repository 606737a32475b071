// Helpers for the torch function table: registering one rule under several names, reading tensor
// arguments, and dtype names.

import { type Arg, type Args, type FunctionSpec, REQUIRED, type Signature, UNKNOWN } from "../layerSpec";
import { inputShape, isTensor } from "../layers/argUtils";

export type FunctionTable = Record<string, FunctionSpec>;

/** Where a rule is exposed: `torch.<n>`, `torch.nn.functional.<n>`, `Tensor.<n>`. */
export interface Names {
  torch?: string[];
  F?: string[];
  method?: string[];
}

/**
 * Registers a rule written against a first parameter called "input": torch.* and F.* get the signature
 * as is; Tensor methods get "self" in its place, and `apply` sees it as "input".
 */
export function register(table: FunctionTable, names: Names, signature: Signature, apply: FunctionSpec["apply"]): void {
  const spec: FunctionSpec = { signature, apply };
  for (const n of names.torch ?? []) table[`torch.${n}`] = spec;
  for (const n of names.F ?? []) table[`torch.nn.functional.${n}`] = spec;
  if (names.method?.length) {
    const [first, ...rest] = signature;
    const methodSig: Signature = first && first[0] === "input" ? [["self", REQUIRED], ...rest] : signature;
    const method: FunctionSpec = {
      signature: methodSig,
      apply: (a) => apply("self" in a ? { ...a, input: a.self as Arg } : a),
    };
    for (const n of names.method) table[`Tensor.${n}`] = method;
  }
}

/** The shape of tensor argument `name` (null when unknown), or a ShapeError when it is not a tensor. */
export function shapeOf(a: Args, name: string, owner: string): number[] | null {
  const v = a[name];
  if (typeof v === "number") return [];
  return inputShape([(v ?? UNKNOWN) as Arg], 0, `${owner} (${name})`);
}

/** A Python scalar counts as a 0-d tensor in elementwise ops. */
export function shapeOrScalar(v: Arg | Record<string, Arg> | undefined): number[] | null {
  if (typeof v === "number" || typeof v === "boolean") return [];
  if (isTensor(v)) return v.tensor;
  return null;
}

export function dtypeArg(a: Args, name: string): string | undefined {
  const v = a[name];
  return isTensor(v) ? v.dtype : undefined;
}

const DTYPE_ALIASES: Record<string, string> = {
  float: "float32",
  float32: "float32",
  half: "float16",
  float16: "float16",
  bfloat16: "bfloat16",
  double: "float64",
  float64: "float64",
  long: "int64",
  int64: "int64",
  int: "int32",
  int32: "int32",
  short: "int16",
  int16: "int16",
  int8: "int8",
  uint8: "uint8",
  bool: "bool",
  complex64: "complex64",
  cfloat: "complex64",
  complex128: "complex128",
};

/** Canonical dtype name ("torch.half" → "float16"), or undefined for devices and other strings. */
export function dtypeName(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  return DTYPE_ALIASES[v.startsWith("torch.") ? v.slice(6) : v];
}
