// keras.layers convolutions: ConvND, ConvNDTranspose, DepthwiseConvND, SeparableConvND —
// kernels in Keras' layout (spatial..., in, out), `padding`, `strides`, `dilation_rate`, `data_format`.

import {
  ArgError,
  type Dim,
  type KArgs,
  type KerasLayerSpec,
  REQUIRED,
  type Shape,
  ShapeError,
} from "../kerasLayerSpec";
import {
  addMacs,
  boolArg,
  channelsFirst,
  expectRank,
  intArg,
  knownDim,
  mul,
  paddingArg,
  prodDims,
  rawArg,
  single,
  sizeArg,
  tupleArg,
  weightsOf,
} from "./kerasArgs";

/** Splits a per-sample input into spatial axes and channels according to data_format. */
function splitChannels(s: Shape, rank: number, first: boolean, owner: string): { spatial: Dim[]; channels: Dim } {
  expectRank(s, rank + 1, owner);
  return first ? { spatial: s.slice(1), channels: s[0]! } : { spatial: s.slice(0, -1), channels: s[rank]! };
}

function joinChannels(spatial: Dim[], channels: number, first: boolean): Shape {
  return first ? [channels, ...spatial] : [...spatial, channels];
}

/** keras ops compute_conv_output_shape: valid ⌊(n − d(k−1) − 1)/s⌋ + 1; same/causal ⌊(n − 1)/s⌋ + 1. */
export function convOutLength(n: Dim, k: number, s: number, d: number, padding: string, owner: string): Dim {
  if (n === null) return null;
  const out = padding === "valid" ? Math.floor((n - d * (k - 1) - 1) / s) + 1 : Math.floor((n - 1) / s) + 1;
  if (out <= 0) throw new ShapeError(`${owner}: output size would be ${out} for input ${n}, kernel ${k}, stride ${s}`);
  return out;
}

/** keras backend_utils _get_output_shape_given_tf_padding for transposed convolutions. */
export function convTransposeOutLength(
  n: Dim,
  k: number,
  s: number,
  d: number,
  padding: string,
  op: number | null,
): Dim {
  if (n === null) return null;
  const kd = (k - 1) * d + 1;
  if (padding === "valid") return (n - 1) * s + kd + (op === null ? Math.max(kd, s) - kd : op);
  return op === null ? n * s : (n - 1) * s + (kd % 2) + op;
}

interface Geometry {
  kernel: number[];
  strides: number[];
  dilation: number[];
  padding: string;
  first: boolean;
  spatialOut: Dim[];
  channels: number;
}

function geometry(a: KArgs, inputs: readonly Shape[], rank: number, owner: string, allowCausal: boolean): Geometry {
  const first = channelsFirst(a, owner);
  const { spatial, channels } = splitChannels(single(inputs, owner), rank, first, owner);
  const kernel = tupleArg(a, "kernel_size", owner, rank);
  const strides = tupleArg(a, "strides", owner, rank);
  const dilation = tupleArg(a, "dilation_rate", owner, rank);
  const padding = paddingArg(a, owner, allowCausal ? ["valid", "same", "causal"] : ["valid", "same"]);
  const spatialOut = spatial.map((n, i) => convOutLength(n, kernel[i]!, strides[i]!, dilation[i]!, padding, owner));
  return { kernel, strides, dilation, padding, first, spatialOut, channels: knownDim(channels, owner, "channel") };
}

function conv(rank: number): KerasLayerSpec {
  const owner = `Conv${rank}D`;
  const one = rank === 1 ? 1 : Array<number>(rank).fill(1);
  return {
    signature: [
      ["filters", REQUIRED],
      ["kernel_size", REQUIRED],
      ["strides", one],
      ["padding", "valid"],
      ["data_format", null],
      ["dilation_rate", one],
      ["groups", 1],
      ["activation", null],
      ["use_bias", true],
      ["**kwargs", null],
    ],
    build(a, inputs) {
      const g = geometry(a, inputs, rank, owner, rank === 1);
      const filters = sizeArg(a, "filters", owner);
      const groups = sizeArg(a, "groups", owner);
      if (g.channels % groups !== 0 || filters % groups !== 0) {
        throw new ArgError(
          `${owner}: groups=${groups} must divide input channels ${g.channels} and filters ${filters}`,
        );
      }
      const kernel = [...g.kernel, g.channels / groups, filters];
      return weightsOf(boolArg(a, "use_bias", owner) ? { kernel, bias: [filters] } : { kernel });
    },
    call(a, inputs) {
      const g = geometry(a, inputs, rank, owner, rank === 1);
      const filters = sizeArg(a, "filters", owner);
      const groups = intArg(a, "groups", owner);
      const kprod = g.kernel.reduce((p, k) => p * k, 1);
      return {
        outputs: [joinChannels(g.spatialOut, filters, g.first)],
        macs: mul(prodDims(g.spatialOut), filters, g.channels / groups, kprod),
      };
    },
  };
}

function convTranspose(rank: number): KerasLayerSpec {
  const owner = `Conv${rank}DTranspose`;
  const one = rank === 1 ? 1 : Array<number>(rank).fill(1);
  const outShape = (a: KArgs, inputs: readonly Shape[]) => {
    const first = channelsFirst(a, owner);
    const { spatial, channels } = splitChannels(single(inputs, owner), rank, first, owner);
    const kernel = tupleArg(a, "kernel_size", owner, rank);
    const strides = tupleArg(a, "strides", owner, rank);
    const dilation = tupleArg(a, "dilation_rate", owner, rank);
    const padding = paddingArg(a, owner);
    const op = rawArg(a, "output_padding") === null ? null : tupleArg(a, "output_padding", owner, rank);
    const spatialOut = spatial.map((n, i) =>
      convTransposeOutLength(n, kernel[i]!, strides[i]!, dilation[i]!, padding, op === null ? null : op[i]!),
    );
    return { first, spatial, channels: knownDim(channels, owner, "channel"), kernel, spatialOut };
  };
  return {
    signature: [
      ["filters", REQUIRED],
      ["kernel_size", REQUIRED],
      ["strides", one],
      ["padding", "valid"],
      ["output_padding", null],
      ["data_format", null],
      ["dilation_rate", one],
      ["activation", null],
      ["use_bias", true],
      ["**kwargs", null],
    ],
    build(a, inputs) {
      // Transposed kernels are stored (spatial..., filters, in_channels).
      const g = outShape(a, inputs);
      const filters = sizeArg(a, "filters", owner);
      const kernel = [...g.kernel, filters, g.channels];
      return weightsOf(boolArg(a, "use_bias", owner) ? { kernel, bias: [filters] } : { kernel });
    },
    call(a, inputs) {
      const g = outShape(a, inputs);
      const filters = sizeArg(a, "filters", owner);
      const kprod = g.kernel.reduce((p, k) => p * k, 1);
      // Every input element scatters into filters × prod(kernel) outputs (torch's ConvTranspose count).
      return {
        outputs: [joinChannels(g.spatialOut, filters, g.first)],
        macs: mul(prodDims(g.spatial), g.channels, filters, kprod),
      };
    },
  };
}

function depthwise(rank: number): KerasLayerSpec {
  const owner = `DepthwiseConv${rank}D`;
  const one = rank === 1 ? 1 : Array<number>(rank).fill(1);
  return {
    signature: [
      ["kernel_size", REQUIRED],
      ["strides", one],
      ["padding", "valid"],
      ["depth_multiplier", 1],
      ["data_format", null],
      ["dilation_rate", one],
      ["activation", null],
      ["use_bias", true],
      ["**kwargs", null],
    ],
    build(a, inputs) {
      const g = geometry(a, inputs, rank, owner, false);
      const dm = sizeArg(a, "depth_multiplier", owner);
      const depthwise_kernel = [...g.kernel, g.channels, dm];
      return weightsOf(
        boolArg(a, "use_bias", owner)
          ? { kernel: depthwise_kernel, bias: [g.channels * dm] }
          : { kernel: depthwise_kernel },
      );
    },
    call(a, inputs) {
      const g = geometry(a, inputs, rank, owner, false);
      const dm = sizeArg(a, "depth_multiplier", owner);
      const kprod = g.kernel.reduce((p, k) => p * k, 1);
      return {
        outputs: [joinChannels(g.spatialOut, g.channels * dm, g.first)],
        macs: mul(prodDims(g.spatialOut), g.channels * dm, kprod),
      };
    },
  };
}

function separable(rank: number): KerasLayerSpec {
  const owner = `SeparableConv${rank}D`;
  const one = rank === 1 ? 1 : Array<number>(rank).fill(1);
  return {
    signature: [
      ["filters", REQUIRED],
      ["kernel_size", REQUIRED],
      ["strides", one],
      ["padding", "valid"],
      ["data_format", null],
      ["dilation_rate", one],
      ["depth_multiplier", 1],
      ["activation", null],
      ["use_bias", true],
      ["**kwargs", null],
    ],
    build(a, inputs) {
      const g = geometry(a, inputs, rank, owner, false);
      const dm = sizeArg(a, "depth_multiplier", owner);
      const filters = sizeArg(a, "filters", owner);
      const w: Record<string, number[]> = {
        depthwise_kernel: [...g.kernel, g.channels, dm],
        pointwise_kernel: [...Array<number>(rank).fill(1), g.channels * dm, filters],
      };
      if (boolArg(a, "use_bias", owner)) w.bias = [filters];
      return weightsOf(w);
    },
    call(a, inputs) {
      const g = geometry(a, inputs, rank, owner, false);
      const dm = sizeArg(a, "depth_multiplier", owner);
      const filters = sizeArg(a, "filters", owner);
      const kprod = g.kernel.reduce((p, k) => p * k, 1);
      const positions = prodDims(g.spatialOut);
      return {
        outputs: [joinChannels(g.spatialOut, filters, g.first)],
        macs: addMacs(mul(positions, g.channels * dm, kprod), mul(positions, g.channels * dm, filters)),
      };
    },
  };
}

export const CONV_LAYERS: Record<string, KerasLayerSpec> = {};
for (const rank of [1, 2, 3]) {
  CONV_LAYERS[`Conv${rank}D`] = conv(rank);
  CONV_LAYERS[`Convolution${rank}D`] = CONV_LAYERS[`Conv${rank}D`]!;
  CONV_LAYERS[`Conv${rank}DTranspose`] = convTranspose(rank);
  CONV_LAYERS[`Convolution${rank}DTranspose`] = CONV_LAYERS[`Conv${rank}DTranspose`]!;
}
for (const rank of [1, 2]) {
  CONV_LAYERS[`DepthwiseConv${rank}D`] = depthwise(rank);
  CONV_LAYERS[`SeparableConv${rank}D`] = separable(rank);
  CONV_LAYERS[`SeparableConvolution${rank}D`] = CONV_LAYERS[`SeparableConv${rank}D`]!;
}
