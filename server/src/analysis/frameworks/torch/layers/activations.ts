// torch.nn activations and dropouts: shape-preserving, parameter-free (PReLU aside), 0 MACs.

import { type Arg, type LayerSpec, REQUIRED, type Signature, ShapeError } from "../layerSpec";
import { dtypeOf, expectRank, inputShape, intArg, sizeArg, tensor, unknownResult } from "./argUtils";
import { normalizeDim, showShape } from "./shapeUtils";

/** A module whose forward returns a tensor of its input's shape and owns no parameters. */
export function shapePreserving(owner: string, signature: Signature, ranks?: readonly number[]): LayerSpec {
  return {
    signature,
    params: () => ({}),
    forward(_a, inputs) {
      const x = inputShape(inputs, 0, owner);
      if (x === null) return unknownResult(dtypeOf(inputs[0]));
      if (ranks) expectRank(x, ranks, owner);
      return { output: tensor([...x], dtypeOf(inputs[0])), macs: 0 };
    },
  };
}

const INPLACE: Signature = [["inplace", false]];
const NONE: Signature = [];
const SOFTMAX_DIM: Signature = [["dim", null]];
const DROPOUT: Signature = [
  ["p", 0.5],
  ["inplace", false],
];

const signatures: Record<string, Signature> = {
  ReLU: INPLACE,
  ReLU6: INPLACE,
  SiLU: INPLACE,
  Mish: INPLACE,
  Hardswish: INPLACE,
  Hardsigmoid: INPLACE,
  SELU: INPLACE,
  Sigmoid: NONE,
  Tanh: NONE,
  Softsign: NONE,
  Tanhshrink: NONE,
  LogSigmoid: NONE,
  Softmax: SOFTMAX_DIM,
  LogSoftmax: SOFTMAX_DIM,
  Softmin: SOFTMAX_DIM,
  LeakyReLU: [
    ["negative_slope", 0.01],
    ["inplace", false],
  ],
  GELU: [["approximate", "none"]],
  ELU: [
    ["alpha", 1.0],
    ["inplace", false],
  ],
  CELU: [
    ["alpha", 1.0],
    ["inplace", false],
  ],
  Softplus: [
    ["beta", 1],
    ["threshold", 20],
  ],
  Softshrink: [["lambd", 0.5]],
  Hardshrink: [["lambd", 0.5]],
  Hardtanh: [
    ["min_val", -1.0],
    ["max_val", 1.0],
    ["inplace", false],
    ["min_value", null],
    ["max_value", null],
  ],
  Threshold: [
    ["threshold", REQUIRED],
    ["value", REQUIRED],
    ["inplace", false],
  ],
  RReLU: [
    ["lower", 1 / 8],
    ["upper", 1 / 3],
    ["inplace", false],
  ],
  Dropout: DROPOUT,
  Dropout1d: DROPOUT,
  Dropout2d: DROPOUT,
  Dropout3d: DROPOUT,
  AlphaDropout: DROPOUT,
  FeatureAlphaDropout: DROPOUT,
};

const built: Record<string, LayerSpec> = {};
for (const [name, sig] of Object.entries(signatures)) built[name] = shapePreserving(name, sig);

/** Softmax over channels of a (C, H, W) or (N, C, H, W) input. */
built.Softmax2d = shapePreserving("Softmax2d", NONE, [3, 4]);

built.GLU = {
  signature: [["dim", -1]],
  params: () => ({}),
  forward(a, inputs) {
    const x = inputShape(inputs, 0, "GLU");
    if (x === null) return unknownResult(dtypeOf(inputs[0]));
    const d = normalizeDim(intArg(a, "dim", "GLU"), x.length, "GLU");
    // GLU splits the dim in two halves (value, gate): the output has half of it.
    if (x[d]! % 2 !== 0) throw new ShapeError(`GLU: dim ${d} of ${showShape(x)} must have an even size`);
    const out = [...x];
    out[d] = x[d]! / 2;
    return { output: tensor(out, dtypeOf(inputs[0])), macs: 0 };
  },
};

built.PReLU = {
  signature: [
    ["num_parameters", 1],
    ["init", 0.25],
    ["device", null],
    ["dtype", null],
  ],
  params: (a) => ({ weight: [sizeArg(a, "num_parameters", "PReLU")] }),
  forward(a, inputs) {
    const n = sizeArg(a, "num_parameters", "PReLU");
    const x = inputShape(inputs, 0, "PReLU");
    if (x === null) return unknownResult(dtypeOf(inputs[0]));
    // One slope per channel (dim 1, or dim 0 of a 1-d input) when num_parameters > 1.
    const channels: Arg = x.length >= 2 ? x[1]! : (x[0] ?? 1);
    if (n > 1 && channels !== n) {
      throw new ShapeError(`PReLU(num_parameters=${n}) expected ${n} channels, got ${showShape(x)}`);
    }
    return { output: tensor([...x], dtypeOf(inputs[0])), macs: 0 };
  },
};

export const ACTIVATION_LAYERS: Record<string, LayerSpec> = built;
