// keras.layers merging: Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum, Dot —
// no weights; elementwise merges broadcast, Concatenate sums one axis, Dot contracts one axis.

import { type Dim, type KerasLayerSpec, REQUIRED, type Shape, ShapeError } from "../kerasLayerSpec";
import { boolArg, intArg, intListArg, mul, noWeights, prodDims, sampleAxis, showShape } from "./kerasArgs";

function needTwo(inputs: readonly Shape[], owner: string): void {
  if (inputs.length < 2) throw new ShapeError(`${owner}: expected a list of at least 2 inputs, got ${inputs.length}`);
}

/** Numpy-style broadcast of per-sample shapes (Keras merge layers allow it). */
function broadcast(inputs: readonly Shape[], owner: string): Shape {
  const rank = Math.max(...inputs.map((s) => s.length));
  const out: Shape = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim = 1;
    for (const s of inputs) {
      const x = s[s.length - rank + i] ?? 1;
      if (x === 1) continue;
      if (d === 1 || d === x || d === null) d = x === null ? d : x;
      else if (x !== null)
        throw new ShapeError(`${owner}: shapes ${inputs.map(showShape).join(" and ")} do not broadcast`);
    }
    out.push(d);
  }
  return out;
}

function elementwise(owner: string, exactlyTwo = false): KerasLayerSpec {
  return {
    signature: [["**kwargs", null]],
    build: () => noWeights(),
    call(_a, inputs) {
      needTwo(inputs, owner);
      if (exactlyTwo && inputs.length !== 2) throw new ShapeError(`${owner}: expected exactly 2 inputs`);
      return { outputs: [broadcast(inputs, owner)], macs: 0 };
    },
  };
}

const Concatenate: KerasLayerSpec = {
  signature: [
    ["axis", -1],
    ["**kwargs", null],
  ],
  build: () => noWeights(),
  call(a, inputs) {
    needTwo(inputs, "Concatenate");
    const rank = inputs[0]!.length;
    const ax = sampleAxis(intArg(a, "axis", "Concatenate"), rank, "Concatenate");
    const out = [...inputs[0]!];
    let total: Dim = 0;
    for (const s of inputs) {
      if (s.length !== rank || s.some((d, i) => i !== ax && d !== null && out[i] !== null && d !== out[i])) {
        throw new ShapeError(`Concatenate: shapes ${inputs.map(showShape).join(", ")} differ off axis ${ax + 1}`);
      }
      total = total === null || s[ax] === null ? null : total + s[ax]!;
    }
    out[ax] = total;
    return { outputs: [out], macs: 0 };
  },
};

const Dot: KerasLayerSpec = {
  signature: [
    ["axes", REQUIRED],
    ["normalize", false],
    ["**kwargs", null],
  ],
  build: () => noWeights(),
  call(a, inputs) {
    if (inputs.length !== 2) throw new ShapeError("Dot: expected exactly 2 inputs");
    const [x, y] = inputs as [Shape, Shape];
    const axes = intListArg(a, "axes", "Dot");
    const ax = sampleAxis(axes[0]!, x.length, "Dot");
    const ay = sampleAxis(axes[1] ?? axes[0]!, y.length, "Dot");
    boolArg(a, "normalize", "Dot");
    const out = [...x.filter((_, i) => i !== ax), ...y.filter((_, i) => i !== ay)];
    // A batched contraction: every output element is a dot product over the contracted axis.
    return { outputs: [out.length === 0 ? [1] : out], macs: mul(prodDims(out), x[ax]!) };
  },
};

export const MERGE_LAYERS: Record<string, KerasLayerSpec> = {
  Concatenate,
  Dot,
  Add: elementwise("Add"),
  Subtract: elementwise("Subtract", true),
  Multiply: elementwise("Multiply"),
  Average: elementwise("Average"),
  Maximum: elementwise("Maximum"),
  Minimum: elementwise("Minimum"),
};

/** keras.layers.concatenate / add / ... functional helpers: name → layer class they instantiate. */
export const MERGE_FUNCTIONS: Record<string, string> = {
  concatenate: "Concatenate",
  add: "Add",
  subtract: "Subtract",
  multiply: "Multiply",
  average: "Average",
  maximum: "Maximum",
  minimum: "Minimum",
  dot: "Dot",
};
