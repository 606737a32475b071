// torch.nn layers that only move or resample elements: Flatten, Unflatten, PixelShuffle/Unshuffle,
// ChannelShuffle, Upsample family, Fold/Unfold and the padding layers (all 0 parameters, 0 MACs).

import { type Arg, type Args, ArgError, type LayerSpec, REQUIRED, ShapeError } from "../layerSpec";
import {
  dtypeOf,
  expandTuple,
  inputShape,
  intArg,
  raw,
  sizeArg,
  tensor,
  toIntList,
  tupleArg,
  unknownResult,
} from "./argUtils";
import { flattenShape, inferReshape, normalizeDim, prod, showShape, slidingOutLength } from "./shapeUtils";

/** Output shape of interpolate/Upsample: spatial dims (all but N, C) from `size` or floor(in × scale). */
export function interpolateShape(x: readonly number[], size: Arg, scale: Arg, owner: string): number[] {
  const n = x.length - 2;
  if (n < 1) throw new ShapeError(`${owner}: expected a 3-d or larger input (N, C, ...), got ${showShape(x)}`);
  const spatial = x.slice(2);
  let out: number[];
  if (size !== null) {
    out = expandTuple(size, "size", owner, n);
  } else if (typeof scale === "number" || (Array.isArray(scale) && scale.every((s) => typeof s === "number"))) {
    const scales = Array.isArray(scale) ? (scale as number[]) : Array<number>(n).fill(scale);
    if (scales.length !== n) throw new ArgError(`${owner}: scale_factor needs ${n} values, got ${scales.length}`);
    out = spatial.map((len, i) => Math.floor(len * scales[i]!));
  } else if (scale === null) {
    throw new ArgError(`${owner}: either size or scale_factor should be defined`);
  } else {
    throw new ArgError(`${owner}: size and scale_factor are unknown`);
  }
  return [x[0]!, x[1]!, ...out];
}

/** Applies F.pad-style pads (last dim first: left, right, top, bottom, ...) to a shape. */
export function padShape(x: readonly number[], pads: readonly number[], owner: string): number[] {
  if (pads.length % 2 !== 0 || pads.length / 2 > x.length) {
    throw new ArgError(`${owner}: padding of length ${pads.length} does not fit a ${x.length}-d input`);
  }
  const out = [...x];
  for (let i = 0; i < pads.length / 2; i++) {
    const d = x.length - 1 - i;
    out[d] = x[d]! + pads[2 * i]! + pads[2 * i + 1]!;
    if (out[d]! <= 0)
      throw new ShapeError(`${owner}: padding ${showShape([...pads])} empties dim ${d} of ${showShape(x)}`);
  }
  return out;
}

/** Pixel (un)shuffle on the last three dims (C, H, W): factor r moves r² channels into space or back. */
export function pixelShuffleShape(x: readonly number[], r: number, up: boolean, owner: string): number[] {
  if (x.length < 3) throw new ShapeError(`${owner}: expected a 3-d or larger input, got ${showShape(x)}`);
  const [c, h, w] = x.slice(-3) as [number, number, number];
  const lead = x.slice(0, -3);
  if (up) {
    if (c % (r * r) !== 0) throw new ShapeError(`${owner}: channels ${c} not divisible by ${r}² in ${showShape(x)}`);
    return [...lead, c / (r * r), h * r, w * r];
  }
  if (h % r !== 0 || w % r !== 0) throw new ShapeError(`${owner}: H, W of ${showShape(x)} not divisible by ${r}`);
  return [...lead, c * r * r, h / r, w / r];
}

function reshaping(
  owner: string,
  signature: LayerSpec["signature"],
  rule: (a: Parameters<LayerSpec["params"]>[0], x: number[]) => number[],
): LayerSpec {
  return {
    signature,
    params: () => ({}),
    forward(a, inputs) {
      const x = inputShape(inputs, 0, owner);
      if (x === null) return unknownResult(dtypeOf(inputs[0]));
      return { output: tensor(rule(a, x), dtypeOf(inputs[0])), macs: 0 };
    },
  };
}

const UPSAMPLE_SIGNATURE = [
  ["size", null],
  ["scale_factor", null],
] as const;

/** nn.Unfold/F.unfold: (N, C, H, W) → (N, C × ∏kernel, number of sliding blocks). */
export function unfoldShape(x: readonly number[], a: Args, owner: string): number[] {
  if (x.length !== 3 && x.length !== 4)
    throw new ShapeError(`${owner}: expected a 3-d or 4-d input, got ${showShape(x)}`);
  const k = tupleArg(a, "kernel_size", owner, 2);
  const d = tupleArg(a, "dilation", owner, 2);
  const p = tupleArg(a, "padding", owner, 2);
  const s = tupleArg(a, "stride", owner, 2);
  const blocks = x.slice(-2).map((len, i) => slidingOutLength(len, k[i]!, s[i]!, p[i]!, p[i]!, d[i]!));
  if (blocks.some((b) => b <= 0)) throw new ShapeError(`${owner}: input ${showShape(x)} is smaller than the kernel`);
  return [...x.slice(0, -3), x[x.length - 3]! * prod(k), prod(blocks)];
}

/** nn.Fold/F.fold: (N, C × ∏kernel, L) → (N, C, *output_size), L must equal the number of blocks. */
export function foldShape(x: readonly number[], a: Args, owner: string): number[] {
  if (x.length !== 2 && x.length !== 3)
    throw new ShapeError(`${owner}: expected a 2-d or 3-d input, got ${showShape(x)}`);
  const out = tupleArg(a, "output_size", owner, 2);
  const k = tupleArg(a, "kernel_size", owner, 2);
  const [cols, blocks] = x.slice(-2) as [number, number];
  if (cols % prod(k) !== 0)
    throw new ShapeError(`${owner}: dim ${cols} of ${showShape(x)} is not divisible by ∏kernel ${prod(k)}`);
  const want = prod(unfoldShape([1, out[0]!, out[1]!], a, owner).slice(-1));
  if (want !== blocks) throw new ShapeError(`${owner}: expected ${want} blocks, got ${blocks} in ${showShape(x)}`);
  return [...x.slice(0, -2), cols / prod(k), ...out];
}

const FOLD_TAIL = [
  ["dilation", 1],
  ["padding", 0],
  ["stride", 1],
] as const;

export const RESHAPE_LAYERS: Record<string, LayerSpec> = {
  Unfold: reshaping("Unfold", [["kernel_size", REQUIRED], ...FOLD_TAIL], (a, x) => unfoldShape(x, a, "Unfold")),
  Fold: reshaping("Fold", [["output_size", REQUIRED], ["kernel_size", REQUIRED], ...FOLD_TAIL], (a, x) =>
    foldShape(x, a, "Fold"),
  ),
  Flatten: reshaping(
    "Flatten",
    [
      ["start_dim", 1],
      ["end_dim", -1],
    ],
    (a, x) => flattenShape(x, intArg(a, "start_dim", "Flatten"), intArg(a, "end_dim", "Flatten"), "Flatten"),
  ),
  Unflatten: reshaping(
    "Unflatten",
    [
      ["dim", REQUIRED],
      ["unflattened_size", REQUIRED],
    ],
    (a, x) => {
      const d = normalizeDim(intArg(a, "dim", "Unflatten"), x.length, "Unflatten");
      const sizes = toIntList(raw(a, "unflattened_size"), "unflattened_size", "Unflatten");
      return [...x.slice(0, d), ...inferReshape([x[d]!], sizes, "Unflatten"), ...x.slice(d + 1)];
    },
  ),
  PixelShuffle: reshaping("PixelShuffle", [["upscale_factor", REQUIRED]], (a, x) =>
    pixelShuffleShape(x, sizeArg(a, "upscale_factor", "PixelShuffle"), true, "PixelShuffle"),
  ),
  PixelUnshuffle: reshaping("PixelUnshuffle", [["downscale_factor", REQUIRED]], (a, x) =>
    pixelShuffleShape(x, sizeArg(a, "downscale_factor", "PixelUnshuffle"), false, "PixelUnshuffle"),
  ),
  ChannelShuffle: reshaping("ChannelShuffle", [["groups", REQUIRED]], (a, x) => {
    const g = sizeArg(a, "groups", "ChannelShuffle");
    if (x.length < 3 || x[1]! % g !== 0) {
      throw new ShapeError(`ChannelShuffle(${g}) expected channels divisible by ${g}, got ${showShape(x)}`);
    }
    return [...x];
  }),
  Upsample: reshaping(
    "Upsample",
    [...UPSAMPLE_SIGNATURE, ["mode", "nearest"], ["align_corners", null], ["recompute_scale_factor", null]],
    (a, x) => interpolateShape(x, raw(a, "size"), raw(a, "scale_factor"), "Upsample"),
  ),
  UpsamplingNearest2d: reshaping("UpsamplingNearest2d", UPSAMPLE_SIGNATURE, (a, x) =>
    interpolateShape(x, raw(a, "size"), raw(a, "scale_factor"), "UpsamplingNearest2d"),
  ),
  UpsamplingBilinear2d: reshaping("UpsamplingBilinear2d", UPSAMPLE_SIGNATURE, (a, x) =>
    interpolateShape(x, raw(a, "size"), raw(a, "scale_factor"), "UpsamplingBilinear2d"),
  ),
};

/** Padding layers: an int pads every side of the last n dims; a tuple lists (left, right, top, bottom, ...). */
function makePad(owner: string, n: number, withValue: boolean): LayerSpec {
  return reshaping(
    owner,
    withValue
      ? [
          ["padding", REQUIRED],
          ["value", REQUIRED],
        ]
      : [["padding", REQUIRED]],
    (a, x) => padShape(x, expandTuple(raw(a, "padding"), "padding", owner, 2 * n), owner),
  );
}

for (const n of [1, 2, 3]) {
  // ZeroPad1d/3d and CircularPadNd arrived in torch 2.x; their shapes follow the same pad rule.
  RESHAPE_LAYERS[`ZeroPad${n}d`] = makePad(`ZeroPad${n}d`, n, false);
  RESHAPE_LAYERS[`CircularPad${n}d`] = makePad(`CircularPad${n}d`, n, false);
  RESHAPE_LAYERS[`ConstantPad${n}d`] = makePad(`ConstantPad${n}d`, n, true);
  RESHAPE_LAYERS[`ReflectionPad${n}d`] = makePad(`ReflectionPad${n}d`, n, false);
  RESHAPE_LAYERS[`ReplicationPad${n}d`] = makePad(`ReplicationPad${n}d`, n, false);
}
