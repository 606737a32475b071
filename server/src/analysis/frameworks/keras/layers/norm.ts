// keras.layers normalization: BatchNormalization (moving stats are non-trainable weights, counted
// in Total params), LayerNormalization, GroupNormalization, RMSNormalization — 0 MACs by convention.

import { ArgError, type KArgs, type KerasLayerSpec, type Shape } from "../kerasLayerSpec";
import { boolArg, intListArg, knownDim, rawArg, sampleAxis, single, sizeArg } from "./kerasArgs";

/** The weight shape over the `axis` argument (an int or a list), from a per-sample input. */
function axisShape(a: KArgs, s: Shape, owner: string): number[] {
  const axes = intListArg(a, "axis", owner).map((ax) => sampleAxis(ax, s.length, owner));
  return [...axes].sort((x, y) => x - y).map((i) => knownDim(s[i], owner, `axis ${i + 1}`));
}

const sameShape =
  (owner: string): KerasLayerSpec["call"] =>
  (_a, inputs) => ({ outputs: [single(inputs, owner)], macs: 0 });

const BatchNormalization: KerasLayerSpec = {
  signature: [
    ["axis", -1],
    ["momentum", 0.99],
    ["epsilon", 1e-3],
    ["center", true],
    ["scale", true],
    ["**kwargs", null],
  ],
  build(a, inputs) {
    const shape = axisShape(a, single(inputs, "BatchNormalization"), "BatchNormalization");
    const weights: Record<string, number[]> = {};
    const trainable: Record<string, boolean> = {};
    if (boolArg(a, "scale", "BatchNormalization")) [weights.gamma, trainable.gamma] = [shape, true];
    if (boolArg(a, "center", "BatchNormalization")) [weights.beta, trainable.beta] = [shape, true];
    weights.moving_mean = shape;
    weights.moving_variance = shape;
    trainable.moving_mean = false;
    trainable.moving_variance = false;
    const kw = a["**kwargs"] as Record<string, unknown> | undefined;
    if (kw?.renorm === true) {
      // renorm=True adds moving_stddev, renorm_mean and renorm_stddev, all non-trainable.
      for (const n of ["moving_stddev", "renorm_mean", "renorm_stddev"]) [weights[n], trainable[n]] = [shape, false];
    }
    return { weights, trainable };
  },
  call: sameShape("BatchNormalization"),
};

const LayerNormalization: KerasLayerSpec = {
  signature: [
    ["axis", -1],
    ["epsilon", 1e-3],
    ["center", true],
    ["scale", true],
    ["**kwargs", null],
  ],
  build(a, inputs) {
    const shape = axisShape(a, single(inputs, "LayerNormalization"), "LayerNormalization");
    const kw = a["**kwargs"] as Record<string, unknown> | undefined;
    const rms = kw?.rms_scaling === true;
    const weights: Record<string, number[]> = {};
    if (boolArg(a, "scale", "LayerNormalization") || rms) weights.gamma = shape;
    if (boolArg(a, "center", "LayerNormalization") && !rms) weights.beta = shape;
    return { weights, trainable: Object.fromEntries(Object.keys(weights).map((k) => [k, true])) };
  },
  call: sameShape("LayerNormalization"),
};

const GroupNormalization: KerasLayerSpec = {
  signature: [
    ["groups", 32],
    ["axis", -1],
    ["epsilon", 1e-3],
    ["center", true],
    ["scale", true],
    ["**kwargs", null],
  ],
  build(a, inputs) {
    const s = single(inputs, "GroupNormalization");
    const dim = knownDim(
      s[sampleAxis(intListArg(a, "axis", "GroupNormalization")[0]!, s.length, "GroupNormalization")],
      "GroupNormalization",
      "channel",
    );
    const groups = rawArg(a, "groups") === -1 ? dim : sizeArg(a, "groups", "GroupNormalization");
    if (dim % groups !== 0)
      throw new ArgError(`GroupNormalization: ${dim} channels are not divisible into ${groups} groups`);
    const weights: Record<string, number[]> = {};
    if (boolArg(a, "scale", "GroupNormalization")) weights.gamma = [dim];
    if (boolArg(a, "center", "GroupNormalization")) weights.beta = [dim];
    return { weights, trainable: Object.fromEntries(Object.keys(weights).map((k) => [k, true])) };
  },
  call: sameShape("GroupNormalization"),
};

const RMSNormalization: KerasLayerSpec = {
  signature: [
    ["axis", -1],
    ["epsilon", 1e-6],
    ["**kwargs", null],
  ],
  build(a, inputs) {
    return {
      weights: { scale: axisShape(a, single(inputs, "RMSNormalization"), "RMSNormalization") },
      trainable: { scale: true },
    };
  },
  call: sameShape("RMSNormalization"),
};

export const NORM_LAYERS: Record<string, KerasLayerSpec> = {
  BatchNormalization,
  LayerNormalization,
  GroupNormalization,
  RMSNormalization,
};
