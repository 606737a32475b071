// keras.layers reshaping: Flatten, Reshape, Permute, RepeatVector, ZeroPaddingND, CroppingND,
// UpSamplingND — no weights, 0 MACs; only the output shape matters.

import {
  ArgError,
  type Dim,
  type KArg,
  type KArgs,
  type KerasLayerSpec,
  type Shape,
  ShapeError,
} from "../kerasLayerSpec";
import {
  channelsFirst,
  expectRank,
  intListArg,
  noWeights,
  prodDims,
  rawArg,
  showShape,
  single,
  sizeArg,
  tupleArg,
} from "./kerasArgs";

function shapeOnly(signature: KerasLayerSpec["signature"], out: (a: KArgs, s: Shape) => Shape, owner: string) {
  const spec: KerasLayerSpec = {
    signature: [...signature, ["**kwargs", null]],
    build: () => noWeights(),
    call: (a, inputs) => ({ outputs: [out(a, single(inputs, owner))], macs: 0 }),
  };
  return spec;
}

const Flatten = shapeOnly([["data_format", null]], (_a, s) => [prodDims(s)], "Flatten");

const Reshape = shapeOnly(
  [["target_shape", null]],
  (a, s) => {
    const target = intListArg(a, "target_shape", "Reshape");
    const total = prodDims(s);
    const known = target.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
    if (target.filter((d) => d === -1).length > 1)
      throw new ArgError("Reshape: only one -1 is allowed in target_shape");
    if (total === null) return target.map((d) => (d === -1 ? null : d));
    if (target.includes(-1)) {
      if (total % known !== 0)
        throw new ShapeError(`Reshape: cannot reshape ${showShape(s)} to ${JSON.stringify(target)}`);
      return target.map((d) => (d === -1 ? total / known : d));
    }
    if (known !== total)
      throw new ShapeError(`Reshape: cannot reshape ${showShape(s)} (${total} values) to ${JSON.stringify(target)}`);
    return target;
  },
  "Reshape",
);

const Permute = shapeOnly(
  [["dims", null]],
  (a, s) => {
    // dims are 1-based over the non-batch axes: Permute((2, 1)) swaps the two sample axes.
    const dims = intListArg(a, "dims", "Permute");
    if (dims.length !== s.length || dims.some((d) => d < 1 || d > s.length)) {
      throw new ShapeError(`Permute: dims ${JSON.stringify(dims)} do not fit ${showShape(s)}`);
    }
    return dims.map((d) => s[d - 1]!);
  },
  "Permute",
);

const RepeatVector = shapeOnly(
  [["n", null]],
  (a, s) => {
    expectRank(s, 1, "RepeatVector");
    return [sizeArg(a, "n", "RepeatVector"), s[0]!];
  },
  "RepeatVector",
);

/** Per-axis (before, after) pairs from Keras' int / (sym...) / ((b, a)...) forms. */
function pairs(v: KArg, rank: number, name: string, owner: string): Array<[number, number]> {
  if (typeof v === "number") return Array.from({ length: rank }, () => [v, v] as [number, number]);
  if (Array.isArray(v) && v.length === rank) {
    return v.map((x) => {
      if (typeof x === "number") return [x, x] as [number, number];
      if (Array.isArray(x) && x.length === 2 && x.every((y) => typeof y === "number"))
        return [x[0], x[1]] as [number, number];
      throw new ArgError(`${owner}: ${name} entry ${JSON.stringify(x)} is not an int or a pair`);
    });
  }
  // ZeroPadding1D/Cropping1D also accept one (before, after) pair.
  if (rank === 1 && Array.isArray(v) && v.length === 2 && v.every((y) => typeof y === "number")) {
    return [[v[0] as number, v[1] as number]];
  }
  throw new ArgError(`${owner}: ${name} is ${JSON.stringify(v)}, expected an int, ${rank} ints or ${rank} pairs`);
}

function spatialEdit(
  rank: number,
  owner: string,
  param: string,
  fallback: KArg,
  edit: (n: Dim, i: number, a: KArgs) => Dim,
) {
  const hasFormat = rank > 1;
  return shapeOnly(
    hasFormat
      ? [
          [param, fallback],
          ["data_format", null],
        ]
      : [[param, fallback]],
    (a, s) => {
      expectRank(s, rank + 1, owner);
      const first = hasFormat && channelsFirst(a, owner);
      const spatial = first ? s.slice(1) : s.slice(0, -1);
      const out = spatial.map((n, i) => edit(n, i, a));
      return first ? [s[0]!, ...out] : [...out, s[rank]!];
    },
    owner,
  );
}

export const RESHAPING_LAYERS: Record<string, KerasLayerSpec> = { Flatten, Reshape, Permute, RepeatVector };
for (const rank of [1, 2, 3]) {
  const pad = `ZeroPadding${rank}D`;
  RESHAPING_LAYERS[pad] = spatialEdit(rank, pad, "padding", rank === 1 ? 1 : Array<number>(rank).fill(1), (n, i, a) => {
    const [b, e] = pairs(rawArg(a, "padding"), rank, "padding", pad)[i]!;
    return n === null ? null : n + b + e;
  });
  const crop = `Cropping${rank}D`;
  // Keras defaults: Cropping1D (1, 1), Cropping2D ((0, 0), (0, 0)), Cropping3D ((1, 1),) * 3.
  const noCrop = rank === 1 ? [1, 1] : Array.from({ length: rank }, () => (rank === 2 ? [0, 0] : [1, 1]));
  RESHAPING_LAYERS[crop] = spatialEdit(rank, crop, "cropping", noCrop, (n, i, a) => {
    const [b, e] = pairs(rawArg(a, "cropping"), rank, "cropping", crop)[i]!;
    if (n !== null && n - b - e <= 0) throw new ShapeError(`${crop}: cropping ${b}+${e} leaves nothing of ${n}`);
    return n === null ? null : n - b - e;
  });
  const up = `UpSampling${rank}D`;
  RESHAPING_LAYERS[up] = spatialEdit(rank, up, "size", rank === 1 ? 2 : Array<number>(rank).fill(2), (n, i, a) => {
    const size = tupleArg(a, "size", up, rank)[i]!;
    return n === null ? null : n * size;
  });
}
