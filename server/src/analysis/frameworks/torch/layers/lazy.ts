// torch.nn Lazy* layers: in_channels/num_features come from the first input, so their parameters are
// unknown until a forward call, while the forward shape and MACs follow the ordinary layer's rule.

import { ArgError, type LayerSpec, REQUIRED, type Signature } from "../layerSpec";
import { dtypeOf, inputShape, unknownResult } from "./argUtils";
import { CONV_LAYERS } from "./conv";
import { NORM_LAYERS } from "./norm";

/** Wraps `base` so the inferred argument is read from the input's channel dim (dim 1, or 0 unbatched). */
function lazy(owner: string, base: LayerSpec, signature: Signature, inferred: string, batchedRank: number): LayerSpec {
  return {
    signature,
    params() {
      throw new ArgError(`${owner}: ${inferred} is only known after the first forward call; parameters are unknown`);
    },
    forward(a, inputs, kwargs) {
      const x = inputShape(inputs, 0, owner);
      if (x === null) return unknownResult(dtypeOf(inputs[0]));
      const channels = x.length >= batchedRank ? x[1] : x[0];
      return base.forward!({ ...a, [inferred]: channels ?? null }, inputs, kwargs);
    },
    materialize(a, inputs) {
      const x = inputShape(inputs, 0, owner);
      const channels = x === null ? undefined : x.length >= batchedRank ? x[1] : x[0];
      return typeof channels === "number" ? base.params({ ...a, [inferred]: channels }) : null;
    },
  };
}

const convTail = [
  ["stride", 1],
  ["padding", 0],
] as const;
const tail = [
  ["padding_mode", "zeros"],
  ["device", null],
  ["dtype", null],
] as const;
const CONV_SIG: Signature = [
  ["out_channels", REQUIRED],
  ["kernel_size", REQUIRED],
  ...convTail,
  ["dilation", 1],
  ["groups", 1],
  ["bias", true],
  ...tail,
];
const CONV_T_SIG: Signature = [
  ["out_channels", REQUIRED],
  ["kernel_size", REQUIRED],
  ...convTail,
  ["output_padding", 0],
  ["groups", 1],
  ["bias", true],
  ["dilation", 1],
  ...tail,
];
const NORM_SIG: Signature = [
  ["eps", 1e-5],
  ["momentum", 0.1],
  ["affine", true],
  ["track_running_stats", true],
  ["device", null],
  ["dtype", null],
];
const INSTANCE_SIG: Signature = NORM_SIG.map(([n, v]) => [
  n,
  n === "affine" || n === "track_running_stats" ? false : v,
]);

export const LAZY_LAYERS: Record<string, LayerSpec> = {};
for (const n of [1, 2, 3]) {
  LAZY_LAYERS[`LazyConv${n}d`] = lazy(`LazyConv${n}d`, CONV_LAYERS[`Conv${n}d`]!, CONV_SIG, "in_channels", n + 2);
  LAZY_LAYERS[`LazyConvTranspose${n}d`] = lazy(
    `LazyConvTranspose${n}d`,
    CONV_LAYERS[`ConvTranspose${n}d`]!,
    CONV_T_SIG,
    "in_channels",
    n + 2,
  );
  // BatchNorm1d takes (N, C) or (N, C, L): the channel dim is always 1.
  LAZY_LAYERS[`LazyBatchNorm${n}d`] = lazy(
    `LazyBatchNorm${n}d`,
    NORM_LAYERS[`BatchNorm${n}d`]!,
    NORM_SIG,
    "num_features",
    2,
  );
  LAZY_LAYERS[`LazyInstanceNorm${n}d`] = lazy(
    `LazyInstanceNorm${n}d`,
    NORM_LAYERS[`InstanceNorm${n}d`]!,
    INSTANCE_SIG,
    "num_features",
    n + 2,
  );
}
