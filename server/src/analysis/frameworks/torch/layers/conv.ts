// torch.nn convolutions: Conv1d/2d/3d and ConvTranspose1d/2d/3d (groups, dilation, 'same'/'valid', output_padding).

import { type Arg, type Args, ArgError, type LayerSpec, REQUIRED, type Signature, ShapeError } from "../layerSpec";
import {
  boolArg,
  expandTuple,
  dtypeOf,
  expectRank,
  inputShape,
  raw,
  sizeArg,
  stringArg,
  tensor,
  tupleArg,
  unknownResult,
  weightAndBias,
} from "./argUtils";
import { prod, showShape, slidingOutLength, transposedOutLength } from "./shapeUtils";

interface ConvGeometry {
  inC: number;
  outC: number;
  groups: number;
  kernel: number[];
  stride: number[];
  dilation: number[];
  /** Per-axis [low, high] zero padding applied around the input. */
  padding: Array<[number, number]>;
}

const PADDING_MODES = ["zeros", "reflect", "replicate", "circular"];

/** Per-axis [low, high] padding from an int/tuple or 'same'/'valid' (torch puts an odd extra on the high side). */
export function resolvePadding(
  pad: Arg,
  kernel: number[],
  stride: number[],
  dilation: number[],
  owner: string,
): Array<[number, number]> {
  if (typeof pad === "string") {
    if (pad === "valid") return kernel.map(() => [0, 0]);
    if (pad !== "same") throw new ArgError(`${owner}: padding '${pad}' is not 'same' or 'valid'`);
    if (stride.some((s) => s !== 1)) throw new ArgError(`${owner}: padding='same' requires stride 1`);
    return kernel.map((k, i) => {
      const total = dilation[i]! * (k - 1);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    });
  }
  return expandTuple(pad, "padding", owner, kernel.length).map((p) => [p, p]);
}

function readGeometry(a: Args, owner: string, n: number, transposed: boolean): ConvGeometry {
  const inC = sizeArg(a, "in_channels", owner);
  const outC = sizeArg(a, "out_channels", owner);
  const groups = sizeArg(a, "groups", owner);
  if (inC % groups !== 0) throw new ArgError(`${owner}: in_channels ${inC} is not divisible by groups ${groups}`);
  if (outC % groups !== 0) throw new ArgError(`${owner}: out_channels ${outC} is not divisible by groups ${groups}`);
  const kernel = tupleArg(a, "kernel_size", owner, n);
  const stride = tupleArg(a, "stride", owner, n);
  const dilation = tupleArg(a, "dilation", owner, n);
  const mode = stringArg(a, "padding_mode", owner);
  if (!PADDING_MODES.includes(mode))
    throw new ArgError(`${owner}: padding_mode '${mode}' is not one of ${PADDING_MODES}`);
  if (transposed && mode !== "zeros") throw new ArgError(`${owner}: only padding_mode 'zeros' is supported`);
  if (transposed && typeof raw(a, "padding") === "string") {
    throw new ArgError(`${owner}: string padding is not supported for transposed convolutions`);
  }
  const padding = resolvePadding(raw(a, "padding"), kernel, stride, dilation, owner);
  return { inC, outC, groups, kernel, stride, dilation, padding };
}

function convSignature(transposed: boolean): Signature {
  const common = [
    ["in_channels", REQUIRED],
    ["out_channels", REQUIRED],
    ["kernel_size", REQUIRED],
    ["stride", 1],
    ["padding", 0],
  ] as const;
  const tail = [
    ["padding_mode", "zeros"],
    ["device", null],
    ["dtype", null],
  ] as const;
  return transposed
    ? [...common, ["output_padding", 0], ["groups", 1], ["bias", true], ["dilation", 1], ...tail]
    : [...common, ["dilation", 1], ["groups", 1], ["bias", true], ...tail];
}

function convParams(a: Args, owner: string, n: number, transposed: boolean): Record<string, number[]> {
  const g = readGeometry(a, owner, n, transposed);
  // Transposed weights are stored (in, out/groups, *k); ordinary ones (out, in/groups, *k).
  const weight = transposed ? [g.inC, g.outC / g.groups, ...g.kernel] : [g.outC, g.inC / g.groups, ...g.kernel];
  return weightAndBias(weight, boolArg(a, "bias", owner) ? [g.outC] : null);
}

function makeConv(n: number): LayerSpec {
  const owner = `Conv${n}d`;
  return {
    signature: convSignature(false),
    params: (a) => convParams(a, owner, n, false),
    forward(a, inputs) {
      const g = readGeometry(a, owner, n, false);
      const x = inputShape(inputs, 0, owner);
      if (x === null) return unknownResult(dtypeOf(inputs[0]));
      expectRank(x, [n + 1, n + 2], owner);
      const batch = x.length === n + 2 ? x.slice(0, 1) : [];
      const channels = x[batch.length]!;
      if (channels !== g.inC) {
        throw new ShapeError(`${owner} expected ${g.inC} input channels, got ${channels} in ${showShape(x)}`);
      }
      const spatial = x.slice(batch.length + 1).map((len, i) => {
        const out = slidingOutLength(len, g.kernel[i]!, g.stride[i]!, ...g.padding[i]!, g.dilation[i]!);
        if (out <= 0) throw new ShapeError(`${owner}: input ${showShape(x)} is smaller than the kernel`);
        return out;
      });
      const out = [...batch, g.outC, ...spatial];
      return {
        output: tensor(out, dtypeOf(inputs[0])),
        macs: prod(out) * (g.inC / g.groups) * prod(g.kernel),
        conv: true,
      };
    },
  };
}

function makeConvTranspose(n: number): LayerSpec {
  const owner = `ConvTranspose${n}d`;
  return {
    signature: convSignature(true),
    params: (a) => convParams(a, owner, n, true),
    forward(a, inputs, kwargs) {
      const g = readGeometry(a, owner, n, true);
      const outputPadding = tupleArg(a, "output_padding", owner, n);
      const x = inputShape(inputs, 0, owner);
      if (x === null) return unknownResult(dtypeOf(inputs[0]));
      expectRank(x, [n + 1, n + 2], owner);
      const batch = x.length === n + 2 ? x.slice(0, 1) : [];
      if (x[batch.length] !== g.inC) {
        throw new ShapeError(`${owner} expected ${g.inC} input channels, got ${x[batch.length]} in ${showShape(x)}`);
      }
      const requested = kwargs.output_size ?? inputs[1];
      let spatial = x
        .slice(batch.length + 1)
        .map((len, i) =>
          transposedOutLength(len, g.kernel[i]!, g.stride[i]!, g.padding[i]![0], g.dilation[i]!, outputPadding[i]!),
        );
      if (Array.isArray(requested) && requested.every((v) => typeof v === "number")) {
        // forward(x, output_size=...) picks the output_padding that reaches the requested size, which
        // torch allows only within [size with output_padding 0, that + stride - 1].
        const wanted = (requested as number[]).slice(-n);
        wanted.forEach((size, i) => {
          const min = transposedOutLength(
            x[batch.length + 1 + i]!,
            g.kernel[i]!,
            g.stride[i]!,
            g.padding[i]![0],
            g.dilation[i]!,
            0,
          );
          if (size < min || size > min + g.stride[i]! - 1) {
            throw new ShapeError(
              `${owner}: output_size ${showShape(wanted)} is outside [${min}, ${min + g.stride[i]! - 1}] for input ${showShape(x)}`,
            );
          }
        });
        spatial = wanted;
      }
      const out = [...batch, g.outC, ...spatial];
      return {
        output: tensor(out, dtypeOf(inputs[0])),
        macs: prod(x) * (g.outC / g.groups) * prod(g.kernel),
        conv: true,
      };
    },
  };
}

export const CONV_LAYERS: Record<string, LayerSpec> = {
  Conv1d: makeConv(1),
  Conv2d: makeConv(2),
  Conv3d: makeConv(3),
  ConvTranspose1d: makeConvTranspose(1),
  ConvTranspose2d: makeConvTranspose(2),
  ConvTranspose3d: makeConvTranspose(3),
};
