// Helpers for the torch function table: registering one rule under several names, deriving in-place
// (`_`) variants, reading tensor arguments, and dtype names.

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

// In-place variants (`x.floor_()`, `x.addcmul_(a, b)`, `F.relu_(x)`, `torch.sigmoid_(x)`) are derived
// from the out-of-place rule, so each op is written once and its `_` form never goes missing.

/** In-place ops that do change the tensor's shape: their result is the out-of-place result. */
const RESHAPING = new Set(["squeeze", "unsqueeze", "transpose", "t", "swapaxes", "swapdims", "resize", "as_strided"]);

/**
 * Runs the out-of-place rule for its shape checks and MACs (`addmm_`, `baddbmm_` multiply), then
 * returns the tensor written to: an in-place op keeps its target's shape and dtype.
 */
function inplaceOf(base: FunctionSpec, name: string, target: "self" | "input"): FunctionSpec {
  if (RESHAPING.has(name)) return base;
  return {
    signature: base.signature,
    apply(a: Args) {
      const r = base.apply(a);
      const t = a[target] as Arg;
      return {
        output: isTensor(t) ? { tensor: t.tensor ? [...t.tensor] : null, dtype: t.dtype } : r.output,
        macs: r.macs,
      };
    },
  };
}

/** Adds `Tensor.<op>_`, `torch.<op>_` and `F.<op>_` wherever `<op>` has a rule and its `_` form has none. */
export function registerInplace(table: FunctionTable): void {
  for (const key of Object.keys(table)) {
    const dot = key.lastIndexOf(".");
    const prefix = key.slice(0, dot);
    const name = key.slice(dot + 1);
    if (name.endsWith("_") || name.startsWith("_")) continue;
    const spec = table[key]!;
    if (prefix === "Tensor") {
      if (!table[`${key}_`]) table[`${key}_`] = inplaceOf(spec, name, "self");
      // torch.relu_(x), torch.sigmoid_(x): the function form of a method's in-place variant.
      if (!table[`torch.${name}_`] && table[`torch.${name}`])
        table[`torch.${name}_`] = inplaceOf(table[`torch.${name}`]!, name, "input");
    } else if (prefix === "torch.nn.functional" && !table[`${key}_`]) {
      table[`${key}_`] = inplaceOf(spec, name, "input");
    }
  }
}
