// Torch reductions along dims (sum, mean, max/min with indices, amax, argmax, std, norm, logsumexp...): 0 MACs.

import { type Arg, type Args, REQUIRED, type Signature } from "../layerSpec";
import { boolArg, isTensor, raw, tensor, toIntList } from "../layers/argUtils";
import { broadcastShapes, normalizeDim } from "../layers/shapeUtils";
import { dtypeArg, dtypeName, type FunctionTable, register, shapeOf } from "./fnUtils";

/** Shape after reducing `dim` (None → all dims), keeping size-1 dims when keepdim. */
export function reducedShape(x: number[], dim: Arg, keepdim: boolean, owner: string): number[] {
  if (dim === null) return keepdim ? x.map(() => 1) : [];
  const dims = toIntList(dim, "dim", owner).map((d) => normalizeDim(d, x.length, owner));
  if (x.length === 0) return [];
  return keepdim ? x.map((s, i) => (dims.includes(i) ? 1 : s)) : x.filter((_, i) => !dims.includes(i));
}

/** sum/prod of bools or ints accumulate in int64, as torch promotes them. */
const PROMOTES_TO_INT64 = new Set(["sum", "prod", "nansum"]);

function reduce(a: Args, owner: string, dtype?: string) {
  const x = shapeOf(a, "input", owner);
  const kw = a["**kwargs"] as Record<string, Arg> | null | undefined;
  const inDt = dtypeArg(a, "input");
  const promoted = PROMOTES_TO_INT64.has(owner) && inDt && /^(bool|u?int\d+)$/.test(inDt) ? "int64" : inDt;
  const dt = dtype ?? dtypeName(kw?.dtype) ?? promoted;
  if (x === null) return { output: tensor(null, dt), macs: 0 };
  return { output: tensor(reducedShape(x, raw(a, "dim"), boolArg(a, "keepdim", owner), owner), dt), macs: 0 };
}

export function registerReductions(t: FunctionTable): void {
  const sig: Signature = [
    ["input", REQUIRED],
    ["dim", null],
    ["keepdim", false],
    ["**kwargs", null],
  ];
  for (const name of ["sum", "mean", "amax", "amin", "prod", "nansum", "nanmean", "logsumexp", "all", "any"]) {
    const dtype = name === "all" || name === "any" ? "bool" : undefined;
    register(t, { torch: [name], method: [name] }, sig, (a) => reduce(a, name, dtype));
  }
  for (const name of ["argmax", "argmin", "count_nonzero"]) {
    register(t, { torch: [name], method: [name] }, sig, (a) => reduce(a, name, "int64"));
  }
  const stat: Signature = [
    ["input", REQUIRED],
    ["dim", null],
    ["unbiased", true],
    ["keepdim", false],
    ["**kwargs", null],
  ];
  for (const name of ["std", "var"]) register(t, { torch: [name], method: [name] }, stat, (a) => reduce(a, name));
  const norm: Signature = [
    ["input", REQUIRED],
    ["p", "fro"],
    ["dim", null],
    ["keepdim", false],
    ["**kwargs", null],
  ];
  register(t, { torch: ["norm"], method: ["norm"] }, norm, (a) => reduce(a, "norm"));
  // max/min: no dim → a 0-d tensor; a dim → (values, indices); a tensor → elementwise maximum.
  for (const name of ["max", "min", "median", "mode"]) {
    register(t, { torch: [name], method: [name] }, sig, (a) => {
      const dim = raw(a, "dim");
      const x = shapeOf(a, "input", name);
      const dt = dtypeArg(a, "input");
      if (isTensor(dim)) {
        const out = x === null || dim.tensor === null ? null : broadcastShapes(x, dim.tensor, name);
        return { output: tensor(out, dt), macs: 0 };
      }
      if (dim === null) return { output: tensor(x === null ? null : [], dt), macs: 0 };
      const values = reduce(a, name).output;
      const shape = isTensor(values) ? values.tensor : null;
      return { output: [tensor(shape, dt), tensor(shape === null ? null : [...shape], "int64")], macs: 0 };
    });
  }
}
