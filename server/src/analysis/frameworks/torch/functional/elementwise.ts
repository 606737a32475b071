// Elementwise torch ops (0 MACs): activations, math, dropout, dtype casts, broadcasting arithmetic,
// comparisons, where/masked_fill, tril/triu, softmax-style ops along a dim.

import { type Arg, type Args, REQUIRED, type Signature } from "../layerSpec";
import { intArg, isTensor, raw, tensor } from "../layers/argUtils";
import { broadcastShapes, normalizeDim } from "../layers/shapeUtils";
import { dtypeArg, dtypeName, type FunctionTable, register, shapeOf, shapeOrScalar } from "./fnUtils";

const REST: Signature = [
  ["input", REQUIRED],
  ["*args", []],
  ["**kwargs", null],
];

/** Ops whose output has the input's shape whatever their extra arguments. */
const UNARY: Record<string, { F?: boolean; torch?: boolean; method?: boolean }> = {
  relu: { F: true, torch: true, method: true },
  relu6: { F: true },
  gelu: { F: true },
  silu: { F: true },
  mish: { F: true },
  hardswish: { F: true },
  hardsigmoid: { F: true },
  hardtanh: { F: true },
  leaky_relu: { F: true },
  elu: { F: true },
  selu: { F: true, torch: true },
  celu: { F: true, torch: true },
  prelu: { F: true, torch: true },
  rrelu: { F: true, torch: true },
  softplus: { F: true },
  softsign: { F: true },
  logsigmoid: { F: true },
  tanhshrink: { F: true },
  softshrink: { F: true },
  hardshrink: { F: true },
  threshold: { F: true, torch: true },
  sigmoid: { F: true, torch: true, method: true },
  tanh: { F: true, torch: true, method: true },
  dropout: { F: true, torch: true },
  dropout1d: { F: true },
  dropout2d: { F: true },
  dropout3d: { F: true },
  alpha_dropout: { F: true, torch: true },
  feature_alpha_dropout: { F: true, torch: true },
  exp: { torch: true, method: true },
  log: { torch: true, method: true },
  log1p: { torch: true, method: true },
  sqrt: { torch: true, method: true },
  rsqrt: { torch: true, method: true },
  abs: { torch: true, method: true },
  neg: { torch: true, method: true },
  sin: { torch: true, method: true },
  cos: { torch: true, method: true },
  erf: { torch: true, method: true },
  square: { torch: true, method: true },
  sign: { torch: true, method: true },
  floor: { torch: true, method: true },
  ceil: { torch: true, method: true },
  round: { torch: true, method: true },
  clamp: { torch: true, method: true },
  clip: { torch: true, method: true },
  clamp_: { method: true },
  relu_: { torch: true, method: true },
  sigmoid_: { method: true },
  tril: { torch: true, method: true },
  triu: { torch: true, method: true },
  clone: { torch: true, method: true },
  detach: { torch: true, method: true },
  cpu: { method: true },
  cuda: { method: true },
  requires_grad_: { method: true },
  zero_: { method: true },
  fill_: { method: true },
  normal_: { method: true },
  uniform_: { method: true },
  masked_fill_: { method: true },
  mul_: { method: true },
  add_: { method: true },
  div_: { method: true },
  sub_: { method: true },
  pow_: { method: true },
  normalize: { F: true },
  gumbel_softmax: { F: true },
};

/** Casts: `x.half()` etc. set a dtype; `x.to(...)` reads one from its arguments if any is a dtype. */
const CASTS: Record<string, string> = {
  float: "float32",
  half: "float16",
  double: "float64",
  bfloat16: "bfloat16",
  long: "int64",
  int: "int32",
  bool: "bool",
};

const COMPARISONS = ["eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor"];
const ARITHMETIC = [
  "add",
  "sub",
  "mul",
  "div",
  "pow",
  "maximum",
  "minimum",
  "remainder",
  "fmod",
  "true_divide",
  "floor_divide",
  "atan2",
];
const DUNDERS: Record<string, string> = {
  __add__: "add",
  __radd__: "add",
  __sub__: "sub",
  __rsub__: "sub",
  __mul__: "mul",
  __rmul__: "mul",
  __truediv__: "div",
  __rtruediv__: "div",
  __floordiv__: "floor_divide",
  __pow__: "pow",
  __rpow__: "pow",
  __mod__: "remainder",
  __eq__: "eq",
  __ne__: "ne",
  __lt__: "lt",
  __le__: "le",
  __gt__: "gt",
  __ge__: "ge",
  __and__: "logical_and",
  __or__: "logical_or",
  __iadd__: "add",
  __isub__: "sub",
  __imul__: "mul",
  __itruediv__: "div",
};

function same(a: Args, dtype?: string) {
  const x = shapeOf(a, "input", "elementwise");
  return { output: tensor(x === null ? null : [...x], dtype ?? dtypeArg(a, "input")), macs: 0 };
}

/** Result dtype of a binary op: comparisons give bool; otherwise the tensor operand's dtype. */
function broadcast(a: Args, owner: string, names: string[], dtype?: string, dtypeFrom = names) {
  const shapes = names.map((n) => shapeOrScalar(a[n]));
  const tensorArg = dtypeFrom.map((n) => a[n]).find((v) => isTensor(v));
  const dt = dtype ?? (isTensor(tensorArg) ? tensorArg.dtype : undefined);
  if (shapes.some((s) => s === null)) return { output: tensor(null, dt), macs: 0 };
  const out = (shapes as number[][]).reduce((x, y) => broadcastShapes(x, y, owner));
  return { output: tensor(out, dt), macs: 0 };
}

function castTarget(a: Args): string | undefined {
  const kw = a["**kwargs"];
  const fromKw = kw && typeof kw === "object" && !Array.isArray(kw) ? (kw as Record<string, Arg>).dtype : undefined;
  for (const v of [fromKw, ...((a["*args"] as Arg[]) ?? [])]) {
    if (isTensor(v) && v.dtype) return v.dtype;
    const d = dtypeName(v);
    if (d) return d;
  }
  return undefined;
}

export function registerElementwise(t: FunctionTable): void {
  for (const [name, where] of Object.entries(UNARY)) {
    const names = { F: where.F ? [name] : [], torch: where.torch ? [name] : [], method: where.method ? [name] : [] };
    register(t, names, REST, (a) => same(a));
  }
  for (const [name, dtype] of Object.entries(CASTS)) register(t, { method: [name] }, REST, (a) => same(a, dtype));
  for (const name of ["isnan", "isinf", "isfinite", "logical_not", "signbit"]) {
    register(t, { torch: [name], method: [name] }, REST, (a) => same(a, "bool"));
  }
  register(t, { method: ["to", "type"] }, REST, (a) => same(a, castTarget(a)));
  register(
    t,
    { method: ["type_as"] },
    [
      ["input", REQUIRED],
      ["other", REQUIRED],
    ],
    (a) => same(a, dtypeArg(a, "other")),
  );
  const binary: Signature = [
    ["input", REQUIRED],
    ["other", REQUIRED],
    ["*args", []],
    ["**kwargs", null],
  ];
  for (const name of ARITHMETIC)
    register(t, { torch: [name], method: [name] }, binary, (a) => broadcast(a, name, ["input", "other"]));
  for (const name of COMPARISONS) {
    register(t, { torch: [name], method: [name] }, binary, (a) => broadcast(a, name, ["input", "other"], "bool"));
  }
  for (const [dunder, op] of Object.entries(DUNDERS)) {
    const dt = COMPARISONS.includes(op) ? "bool" : undefined;
    register(t, { method: [dunder] }, binary, (a) => broadcast(a, op, ["input", "other"], dt));
  }
  register(
    t,
    { torch: ["where"] },
    [
      ["condition", REQUIRED],
      ["input", REQUIRED],
      ["other", REQUIRED],
    ],
    (a) => broadcast(a, "torch.where", ["condition", "input", "other"], undefined, ["input", "other"]),
  );
  register(
    t,
    { torch: ["masked_fill"], method: ["masked_fill"] },
    [
      ["input", REQUIRED],
      ["mask", REQUIRED],
      ["value", REQUIRED],
    ],
    (a) => {
      const x = shapeOf(a, "input", "masked_fill");
      const m = shapeOrScalar(a.mask);
      // The mask broadcasts to the input; the input keeps its shape.
      if (x !== null && m !== null) broadcastShapes(x, m, "masked_fill");
      return same(a);
    },
  );
  const alongDim: Signature = [
    ["input", REQUIRED],
    ["dim", null],
    ["*args", []],
    ["**kwargs", null],
  ];
  for (const name of ["softmax", "log_softmax", "softmin"]) {
    register(
      t,
      { F: [name], torch: name === "softmin" ? [] : [name], method: name === "softmin" ? [] : [name] },
      alongDim,
      (a) => {
        const x = shapeOf(a, "input", name);
        if (x !== null && raw(a, "dim") !== null) normalizeDim(intArg(a, "dim", name), x.length, name);
        const kw = a["**kwargs"] as Record<string, Arg> | null;
        return same(a, dtypeName(kw?.dtype));
      },
    );
  }
  register(
    t,
    { F: ["glu"] },
    [
      ["input", REQUIRED],
      ["dim", -1],
    ],
    (a) => {
      const x = shapeOf(a, "input", "F.glu");
      if (x === null) return same(a);
      const d = normalizeDim(intArg(a, "dim", "F.glu"), x.length, "F.glu");
      const out = [...x];
      out[d] = x[d]! / 2;
      return { output: tensor(out, dtypeArg(a, "input")), macs: 0 };
    },
  );
}
