// torch.nn normalisation layers: BatchNorm, LayerNorm, GroupNorm, InstanceNorm, LocalResponseNorm (0 MACs).

import { ArgError, type Args, type LayerSpec, REQUIRED, ShapeError, UNKNOWN } from "../layerSpec";
import { boolArg, dtypeOf, expectRank, inputShape, intListArg, sizeArg, tensor, unknownResult } from "./argUtils";
import { showShape } from "./shapeUtils";

function affineParams(affine: boolean, shape: number[], withBias = true): Record<string, number[]> {
  if (!affine) return {};
  return withBias ? { weight: [...shape], bias: [...shape] } : { weight: [...shape] };
}

/** BatchNorm/InstanceNorm: running stats are buffers, so only weight/bias (when affine) are parameters. */
function makeChannelNorm(owner: string, ranks: number[], affineDefault: boolean, trackDefault: boolean): LayerSpec {
  const checkChannels = (a: Args, x: number[]): void => {
    const c = sizeArg(a, "num_features", owner);
    // Instance norm on an unbatched input has channels first; BatchNorm always has them at dim 1.
    const unbatched = owner.startsWith("Instance") && x.length === ranks[0];
    const got = unbatched ? x[0] : x[1];
    if (got !== c) throw new ShapeError(`${owner}(${c}) expected ${c} channels, got ${showShape(x)}`);
  };
  return {
    signature: [
      ["num_features", REQUIRED],
      ["eps", 1e-5],
      ["momentum", 0.1],
      ["affine", affineDefault],
      ["track_running_stats", trackDefault],
      ["device", null],
      ["dtype", null],
    ],
    // Without affine there is nothing to size, so an unknown num_features does not matter.
    params: (a) => (boolArg(a, "affine", owner) ? affineParams(true, [sizeArg(a, "num_features", owner)]) : {}),
    forward(a, inputs) {
      const x = inputShape(inputs, 0, owner);
      if (x === null) return unknownResult(dtypeOf(inputs[0]));
      expectRank(x, ranks, owner);
      // InstanceNorm only checks channels when it has per-channel affine parameters.
      if (!owner.startsWith("Instance") || boolArg(a, "affine", owner)) checkChannels(a, x);
      return { output: tensor([...x], dtypeOf(inputs[0])), macs: 0 };
    },
  };
}

const LayerNorm: LayerSpec = {
  signature: [
    ["normalized_shape", REQUIRED],
    ["eps", 1e-5],
    ["elementwise_affine", true],
    // `bias` arrived in torch 2.1; with 1.13 semantics it is always True.
    ["bias", true],
    ["device", null],
    ["dtype", null],
  ],
  params(a) {
    if (!boolArg(a, "elementwise_affine", "LayerNorm")) return {};
    return affineParams(true, intListArg(a, "normalized_shape", "LayerNorm"), boolArg(a, "bias", "LayerNorm"));
  },
  forward(a, inputs) {
    const shape = intListArg(a, "normalized_shape", "LayerNorm");
    const x = inputShape(inputs, 0, "LayerNorm");
    if (x === null) return unknownResult(dtypeOf(inputs[0]));
    const tail = x.slice(x.length - shape.length);
    if (x.length < shape.length || tail.some((d, i) => d !== shape[i])) {
      throw new ShapeError(`LayerNorm expected trailing dims ${showShape(shape)}, got ${showShape(x)}`);
    }
    return { output: tensor([...x], dtypeOf(inputs[0])), macs: 0 };
  },
};

const GroupNorm: LayerSpec = {
  signature: [
    ["num_groups", REQUIRED],
    ["num_channels", REQUIRED],
    ["eps", 1e-5],
    ["affine", true],
    ["device", null],
    ["dtype", null],
  ],
  params(a) {
    // Without affine there is nothing to size; the divisibility check needs both counts known.
    if (!boolArg(a, "affine", "GroupNorm") && (a.num_channels === UNKNOWN || a.num_groups === UNKNOWN)) return {};
    const groups = sizeArg(a, "num_groups", "GroupNorm");
    const channels = sizeArg(a, "num_channels", "GroupNorm");
    if (channels % groups !== 0) {
      throw new ArgError(`GroupNorm: num_channels ${channels} is not divisible by num_groups ${groups}`);
    }
    return affineParams(boolArg(a, "affine", "GroupNorm"), [channels]);
  },
  forward(a, inputs) {
    const channels = sizeArg(a, "num_channels", "GroupNorm");
    const x = inputShape(inputs, 0, "GroupNorm");
    if (x === null) return unknownResult(dtypeOf(inputs[0]));
    if (x.length < 2 || x[1] !== channels) {
      throw new ShapeError(`GroupNorm expected ${channels} channels at dim 1, got ${showShape(x)}`);
    }
    return { output: tensor([...x], dtypeOf(inputs[0])), macs: 0 };
  },
};

const LocalResponseNorm: LayerSpec = {
  signature: [
    ["size", REQUIRED],
    ["alpha", 1e-4],
    ["beta", 0.75],
    ["k", 1.0],
  ],
  params: () => ({}),
  forward(_a, inputs) {
    const x = inputShape(inputs, 0, "LocalResponseNorm");
    if (x === null) return unknownResult(dtypeOf(inputs[0]));
    if (x.length < 3) throw new ShapeError(`LocalResponseNorm expected a 3-d or larger input, got ${showShape(x)}`);
    return { output: tensor([...x], dtypeOf(inputs[0])), macs: 0 };
  },
};

/** RMSNorm (torch 2.4): a LayerNorm without the mean or bias, so only `weight`. */
const RMSNorm: LayerSpec = {
  signature: [
    ["normalized_shape", REQUIRED],
    ["eps", null],
    ["elementwise_affine", true],
    ["device", null],
    ["dtype", null],
  ],
  params(a) {
    const shape = intListArg(a, "normalized_shape", "RMSNorm");
    return affineParams(boolArg(a, "elementwise_affine", "RMSNorm"), shape, false);
  },
  forward: (a, inputs, kwargs) => LayerNorm.forward!(a, inputs, kwargs),
};

export const NORM_LAYERS: Record<string, LayerSpec> = {
  BatchNorm1d: makeChannelNorm("BatchNorm1d", [2, 3], true, true),
  BatchNorm2d: makeChannelNorm("BatchNorm2d", [4], true, true),
  BatchNorm3d: makeChannelNorm("BatchNorm3d", [5], true, true),
  InstanceNorm1d: makeChannelNorm("InstanceNorm1d", [2, 3], false, false),
  InstanceNorm2d: makeChannelNorm("InstanceNorm2d", [3, 4], false, false),
  InstanceNorm3d: makeChannelNorm("InstanceNorm3d", [4, 5], false, false),
  // SyncBatchNorm has BatchNorm's parameters and accepts any (N, C, *) input.
  SyncBatchNorm: {
    ...makeChannelNorm("SyncBatchNorm", [2, 3, 4, 5], true, true),
    signature: [
      ...makeChannelNorm("SyncBatchNorm", [2], true, true).signature.slice(0, 5),
      ["process_group", null],
      ["device", null],
      ["dtype", null],
    ],
  },
  LayerNorm,
  RMSNorm,
  GroupNorm,
  LocalResponseNorm,
};
