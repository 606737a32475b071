// keras.layers preprocessing and augmentation: Rescaling, Normalization (adapt() statistics are
// non-trainable weights), Resizing/CenterCrop/RandomCrop (change H×W), Random* augmentations.

import { type KArgs, type KerasLayerSpec, REQUIRED, type Shape } from "../kerasLayerSpec";
import {
  channelsFirst,
  expectRank,
  intListArg,
  knownDim,
  noWeights,
  rawArg,
  sampleAxis,
  single,
  sizeArg,
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
