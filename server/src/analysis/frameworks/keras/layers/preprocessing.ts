// keras.layers preprocessing and augmentation: Rescaling, Normalization (adapt() statistics are
// non-trainable weights), TextVectorization (int ids), CategoryEncoding, Resizing/CenterCrop/
// RandomCrop (change H×W), Random* augmentations.

import { ArgError, type KArgs, type KerasLayerSpec, REQUIRED, type Shape } from "../kerasLayerSpec";
import {
  channelsFirst,
  expectRank,
  intListArg,
  knownDim,
  noWeights,
  optSizeArg,
  rawArg,
  sampleAxis,
  single,
  sizeArg,
  strArg,
} from "./kerasArgs";

const Normalization: KerasLayerSpec = {
  signature: [
    ["axis", -1],
    ["mean", null],
    ["variance", null],
    ["invert", false],
    ["**kwargs", null],
  ],
  build(a, inputs) {
    // With mean/variance given there are no weights; otherwise adapt() fills mean, variance over the
    // kept axes and a scalar count, all non-trainable (keras/src/layers/preprocessing/normalization.py).
    if (rawArg(a, "mean") !== null) return noWeights();
    const s = single(inputs, "Normalization");
    const axes = rawArg(a, "axis") === null ? [] : intListArg(a, "axis", "Normalization");
    const shape = axes.map((ax) => sampleAxis(ax, s.length, "Normalization")).sort((x, y) => x - y);
    const kept = shape.map((i) => knownDim(s[i], "Normalization", `axis ${i + 1}`));
    return {
      weights: { mean: kept, variance: kept, count: [] },
      trainable: { mean: false, variance: false, count: false },
    };
  },
  call: (_a, inputs) => ({ outputs: [single(inputs, "Normalization")], macs: 0 }),
};

/**
 * TextVectorization: strings → token ids. Its vocabulary is a lookup table, not a weight (real Keras
 * 3.15: model.summary() counts 0 for it, test/fixtures/keras/textvec_conv1d_reviews.py). In
 * output_mode "int" each sample becomes (output_sequence_length,) ids, (None,) without one
 * (keras/src/layers/preprocessing/text_vectorization.py `compute_output_shape`). The other modes are
 * as wide as the adapted vocabulary (pad_to_max_tokens=False by default), which only adapt() knows.
 */
const TextVectorization: KerasLayerSpec = {
  signature: [
    ["max_tokens", null],
    ["standardize", "lower_and_strip_punctuation"],
    ["split", "whitespace"],
    ["ngrams", null],
    ["output_mode", "int"],
    ["output_sequence_length", null],
    ["pad_to_max_tokens", false],
    ["vocabulary", null],
    ["idf_weights", null],
    ["**kwargs", null],
  ],
  build: () => noWeights(),
  call(a) {
    const mode = strArg(a, "output_mode", "TextVectorization");
    if (mode !== "int")
      throw new ArgError(
        `TextVectorization: output_mode "${mode}" is as wide as the adapted vocabulary, which only adapt() knows`,
      );
    return { outputs: [[optSizeArg(a, "output_sequence_length", "TextVectorization")]], macs: 0 };
  },
};

/**
 * CategoryEncoding(num_tokens, output_mode): integer ids → one-hot / multi-hot / count vectors, no
 * weights. "one_hot" adds a num_tokens axis, replacing a last axis of 1; "multi_hot" and "count"
 * replace the last axis (keras/src/layers/preprocessing/category_encoding.py `compute_output_shape`;
 * checked in real Keras 3.15.1: (1,) → (12), (3,) → (3, 12) one-hot and (12) multi-hot, (2, 1) → (2, 12)).
 */
const CategoryEncoding: KerasLayerSpec = {
  signature: [
    ["num_tokens", null],
    ["output_mode", "multi_hot"],
    ["sparse", false],
    ["**kwargs", null],
  ],
  build: () => noWeights(),
  call(a, inputs) {
    const n = sizeArg(a, "num_tokens", "CategoryEncoding");
    const s = single(inputs, "CategoryEncoding");
    const mode = strArg(a, "output_mode", "CategoryEncoding");
    if (s.length === 0) return { outputs: [[n]], macs: 0 };
    if (mode === "one_hot" && s[s.length - 1] !== 1) return { outputs: [[...s, n]], macs: 0 };
    return { outputs: [[...s.slice(0, -1), n]], macs: 0 };
  },
};

/** A layer that sets the image's height and width (`Resizing(h, w)`, `CenterCrop(h, w)`). */
function resizeTo(owner: string, extra: KerasLayerSpec["signature"]): KerasLayerSpec {
  const out = (a: KArgs, s: Shape): Shape => {
    expectRank(s, 3, owner);
    const h = sizeArg(a, "height", owner);
    const w = sizeArg(a, "width", owner);
    return channelsFirst(a, owner) ? [s[0]!, h, w] : [h, w, s[2]!];
  };
  return {
    signature: [["height", REQUIRED], ["width", REQUIRED], ...extra, ["data_format", null], ["**kwargs", null]],
    build: () => noWeights(),
    call: (a, inputs) => ({ outputs: [out(a, single(inputs, owner))], macs: 0 }),
  };
}

function passThrough(owner: string, signature: KerasLayerSpec["signature"]): KerasLayerSpec {
  return {
    signature: [...signature, ["**kwargs", null]],
    build: () => noWeights(),
    call: (_a, inputs) => ({ outputs: [single(inputs, owner)], macs: 0 }),
  };
}

export const PREPROCESSING_LAYERS: Record<string, KerasLayerSpec> = {
  Normalization,
  TextVectorization,
  CategoryEncoding,
  Rescaling: passThrough("Rescaling", [
    ["scale", REQUIRED],
    ["offset", 0.0],
  ]),
  Resizing: resizeTo("Resizing", [["interpolation", "bilinear"]]),
  CenterCrop: resizeTo("CenterCrop", []),
  // Keras 3's RandomCrop outputs (height, width) at inference too (compute_output_shape).
  RandomCrop: resizeTo("RandomCrop", [["seed", null]]),
  RandomFlip: passThrough("RandomFlip", [
    ["mode", "horizontal_and_vertical"],
    ["seed", null],
  ]),
  RandomRotation: passThrough("RandomRotation", [["factor", REQUIRED]]),
  RandomZoom: passThrough("RandomZoom", [
    ["height_factor", REQUIRED],
    ["width_factor", null],
  ]),
  RandomTranslation: passThrough("RandomTranslation", [
    ["height_factor", REQUIRED],
    ["width_factor", REQUIRED],
  ]),
  RandomContrast: passThrough("RandomContrast", [["factor", REQUIRED]]),
  RandomBrightness: passThrough("RandomBrightness", [["factor", REQUIRED]]),
};
