// keras.layers core: Dense, Embedding, activations (PReLU owns weights), dropout/noise and
// pass-through layers — weights from the input shape, output shapes and MACs.

import { type KerasLayerSpec, REQUIRED, ShapeError } from "../kerasLayerSpec";
import {
  boolArg,
  intListArg,
  knownDim,
  mul,
  noWeights,
  prodDims,
  rawArg,
  showShape,
  single,
  sizeArg,
  weightsOf,
} from "./kerasArgs";

const Dense: KerasLayerSpec = {
  signature: [
    ["units", REQUIRED],
    ["activation", null],
    ["use_bias", true],
    ["kernel_initializer", "glorot_uniform"],
    ["bias_initializer", "zeros"],
    ["**kwargs", null],
  ],
  build(a, inputs) {
    // Keras' Dense acts on the last axis of an input of any rank: kernel (last, units).
    const s = single(inputs, "Dense");
    if (s.length === 0) throw new ShapeError("Dense: expected an input with at least 2 axes (batch included)");
    const inDim = knownDim(s[s.length - 1], "Dense", "last");
    const units = sizeArg(a, "units", "Dense");
    return weightsOf(
      boolArg(a, "use_bias", "Dense") ? { kernel: [inDim, units], bias: [units] } : { kernel: [inDim, units] },
    );
  },
  call(a, inputs) {
    const s = single(inputs, "Dense");
    if (s.length === 0) throw new ShapeError("Dense: expected an input with at least 2 axes (batch included)");
    const units = sizeArg(a, "units", "Dense");
    const last = s[s.length - 1]!;
    return { outputs: [[...s.slice(0, -1), units]], macs: mul(prodDims(s.slice(0, -1)), last, units) };
  },
};

const Embedding: KerasLayerSpec = {
  signature: [
    ["input_dim", REQUIRED],
    ["output_dim", REQUIRED],
    ["embeddings_initializer", "uniform"],
    ["embeddings_regularizer", null],
    ["embeddings_constraint", null],
    ["mask_zero", false],
    ["**kwargs", null],
  ],
  build(a) {
    return weightsOf({ embeddings: [sizeArg(a, "input_dim", "Embedding"), sizeArg(a, "output_dim", "Embedding")] });
  },
  call(a, inputs) {
    // A lookup: no multiply-accumulates.
    return { outputs: [[...single(inputs, "Embedding"), sizeArg(a, "output_dim", "Embedding")]], macs: 0 };
  },
};

const PReLU: KerasLayerSpec = {
  signature: [
    ["alpha_initializer", "Zeros"],
    ["alpha_regularizer", null],
    ["alpha_constraint", null],
    ["shared_axes", null],
    ["**kwargs", null],
  ],
  build(a, inputs) {
    // One slope per input element, except along shared_axes (1-based, batch = 0) where it is 1.
    const s = single(inputs, "PReLU");
    const shape = s.map((d) => knownDim(d, "PReLU", "input"));
    if (rawArg(a, "shared_axes") !== null) {
      for (const ax of intListArg(a, "shared_axes", "PReLU")) {
        if (ax < 1 || ax > shape.length)
          throw new ShapeError(`PReLU: shared axis ${ax} is out of range for ${showShape(s)}`);
        shape[ax - 1] = 1;
      }
    }
    return weightsOf({ alpha: shape });
  },
  call(_a, inputs) {
    return { outputs: [single(inputs, "PReLU")], macs: 0 };
  },
};

/** A layer with no weights whose output has the input's shape. */
function passThrough(name: string, signature: KerasLayerSpec["signature"]): KerasLayerSpec {
  return {
    signature: [...signature, ["**kwargs", null]],
    build: () => noWeights(),
    call: (_a, inputs) => ({ outputs: [single(inputs, name)], macs: 0 }),
  };
}

export const CORE_LAYERS: Record<string, KerasLayerSpec> = {
  Dense,
  Embedding,
  PReLU,
  Activation: passThrough("Activation", [["activation", REQUIRED]]),
  ReLU: passThrough("ReLU", [
    ["max_value", null],
    ["negative_slope", 0.0],
    ["threshold", 0.0],
  ]),
  LeakyReLU: passThrough("LeakyReLU", [["negative_slope", 0.3]]),
  ELU: passThrough("ELU", [["alpha", 1.0]]),
  Softmax: passThrough("Softmax", [["axis", -1]]),
  ThresholdedReLU: passThrough("ThresholdedReLU", [["theta", 1.0]]),
  Dropout: passThrough("Dropout", [
    ["rate", REQUIRED],
    ["noise_shape", null],
    ["seed", null],
  ]),
  SpatialDropout1D: passThrough("SpatialDropout1D", [
    ["rate", REQUIRED],
    ["seed", null],
  ]),
  SpatialDropout2D: passThrough("SpatialDropout2D", [
    ["rate", REQUIRED],
    ["data_format", null],
    ["seed", null],
  ]),
  SpatialDropout3D: passThrough("SpatialDropout3D", [
    ["rate", REQUIRED],
    ["data_format", null],
    ["seed", null],
  ]),
  AlphaDropout: passThrough("AlphaDropout", [
    ["rate", REQUIRED],
    ["noise_shape", null],
    ["seed", null],
  ]),
  GaussianDropout: passThrough("GaussianDropout", [
    ["rate", REQUIRED],
    ["seed", null],
  ]),
  GaussianNoise: passThrough("GaussianNoise", [
    ["stddev", REQUIRED],
    ["seed", null],
  ]),
  ActivityRegularization: passThrough("ActivityRegularization", [
    ["l1", 0.0],
    ["l2", 0.0],
  ]),
  Masking: passThrough("Masking", [["mask_value", 0.0]]),
  Identity: passThrough("Identity", []),
  UnitNormalization: passThrough("UnitNormalization", [["axis", -1]]),
};
