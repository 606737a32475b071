// Elementwise torch ops (0 MACs): activations, math, dropout, dtype casts, broadcasting arithmetic,
// comparisons, where/masked_fill, tril/triu, softmax-style ops along a dim.

import { type Arg, ArgError, type Args, REQUIRED, type Signature, UNKNOWN } from "../layerSpec";
import { intArg, isTensor, raw, tensor } from "../layers/argUtils";
import { broadcastShapes, normalizeDim } from "../layers/shapeUtils";
import { dtypeArg, dtypeName, type FunctionTable, register, shapeOf, shapeOrScalar } from "./fnUtils";
import { UNARY } from "./unaryOps";

const REST: Signature = [
  ["input", REQUIRED],
  ["*args", []],
  ["**kwargs", null],
];

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

const COMPARISONS = [
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
  "logical_and",
  "logical_or",
  "logical_xor",
  "greater",
  "greater_equal",
  "less",
  "less_equal",
  "not_equal",
  "isclose",
];
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
  // Aliases and the rarer binary math (numpy names, bit ops on masks, numerically safe forms).
  "multiply",
  "divide",
  "subtract",
  "arctan2",
  "fmax",
  "fmin",
  "hypot",
  "logaddexp",
  "logaddexp2",
  "xlogy",
  "copysign",
  "heaviside",
  "float_power",
  "nextafter",
  "ldexp",
  "bitwise_and",
  "bitwise_or",
  "bitwise_xor",
  "bitwise_left_shift",
  "bitwise_right_shift",
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
  // An UNKNOWN operand is taken as a Python scalar, as in the interpreter's operators (operators.ts).
  const shapes = names.map((n) => (a[n] === UNKNOWN ? [] : shapeOrScalar(a[n])));
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
  // input + value * t1 ⊙ t2 (or ÷), input + w * (end - input): elementwise, all three broadcast.
  for (const name of ["addcmul", "addcdiv"]) {
    const sig: Signature = [
      ["input", REQUIRED],
      ["tensor1", REQUIRED],
      ["tensor2", REQUIRED],
      ["**kwargs", null],
    ];
    register(t, { torch: [name], method: [name] }, sig, (a) => broadcast(a, name, ["input", "tensor1", "tensor2"]));
  }
  const lerp: Signature = [
    ["input", REQUIRED],
    ["end", REQUIRED],
    ["weight", REQUIRED],
  ];
  register(t, { torch: ["lerp"], method: ["lerp"] }, lerp, (a) => broadcast(a, "lerp", ["input", "end", "weight"]));
  register(
    t,
    { torch: ["where"] },
    [
      ["condition", REQUIRED],
      ["input", null],
      ["other", null],
    ],
    (a) => {
      // where(condition) alone is nonzero(as_tuple=True): how many indices it returns depends on the
      // values (the tokens a mixture-of-experts router sends to each expert).
      if (a.input === null && a.other === null)
        throw new ArgError(
          "torch.where(condition): the output size depends on the tensor's values, so its shape is unknown",
        );
      if (a.input === null || a.other === null) throw new ArgError("torch.where: needs both input and other");
      return broadcast(a, "torch.where", ["condition", "input", "other"], undefined, ["input", "other"]);
    },
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
