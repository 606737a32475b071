// torch.nn pooling: Max/Avg/LP pooling 1-3d (kernel, stride, padding, dilation, ceil_mode) and adaptive pooling.

import { type Arg, type Args, ArgError, type ForwardResult, type LayerSpec, REQUIRED, ShapeError } from "../layerSpec";
import {
  boolArg,
  dtypeOf,
  expandTuple,
  expectRank,
  inputShape,
  raw,
  tensor,
  tupleArg,
  unknownResult,
} from "./argUtils";
import { showShape, slidingOutLength } from "./shapeUtils";

export interface PoolWindow {
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  ceilMode: boolean;
}

/** Reads kernel/stride (None → kernel)/padding/dilation/ceil_mode for an n-d pool. */
export function readPoolWindow(a: Args, owner: string, n: number): PoolWindow {
  const kernel = tupleArg(a, "kernel_size", owner, n);
  const s = raw(a, "stride");
  // torch treats stride=None and stride=[] as "same as kernel_size".
  const stride = s === null || (Array.isArray(s) && s.length === 0) ? kernel : tupleArg(a, "stride", owner, n);
  const padding = a.padding === undefined ? kernel.map(() => 0) : tupleArg(a, "padding", owner, n);
  const dilation = a.dilation === undefined ? kernel.map(() => 1) : tupleArg(a, "dilation", owner, n);
  padding.forEach((p, i) => {
    if (p * 2 > kernel[i]!) throw new ArgError(`${owner}: padding ${p} should be at most half of kernel ${kernel[i]}`);
  });
  return {
    kernel,
    stride,
    padding,
    dilation,
    ceilMode: a.ceil_mode === undefined ? false : boolArg(a, "ceil_mode", owner),
  };
}

/** Output shape of an n-d sliding-window pool over the last n dims of x (rank n+1 or n+2). */
export function poolShape(x: readonly number[], n: number, w: PoolWindow, owner: string): number[] {
  expectRank(x, [n + 1, n + 2], owner);
  const lead = x.slice(0, x.length - n);
  const spatial = x.slice(x.length - n).map((len, i) => {
    const out = slidingOutLength(
      len,
      w.kernel[i]!,
      w.stride[i]!,
      w.padding[i]!,
      w.padding[i]!,
      w.dilation[i]!,
      w.ceilMode,
    );
    if (out <= 0) throw new ShapeError(`${owner}: input ${showShape(x)} is too small for kernel ${w.kernel}`);
    return out;
  });
  return [...lead, ...spatial];
}

/** Output shape of adaptive pooling: the last n dims become output_size (None keeps the input size). */
export function adaptiveShape(x: readonly number[], n: number, outputSize: Arg, owner: string): number[] {
  expectRank(x, [n + 1, n + 2], owner);
  const entries: Arg[] = Array.isArray(outputSize) ? outputSize : Array<Arg>(n).fill(outputSize);
  if (entries.length !== n) throw new ArgError(`${owner}: output_size needs ${n} values, got ${entries.length}`);
  const lead = x.slice(0, x.length - n);
  const spatial = x.slice(x.length - n).map((len, i) => {
    const e = entries[i];
    if (e === null) return len;
    return expandTuple(e ?? null, "output_size", owner, 1)[0]!;
  });
  return [...lead, ...spatial];
}

function withIndices(out: number[] | null, dtype: string | undefined, returnIndices: boolean): ForwardResult {
  const values = tensor(out, dtype);
  return { output: returnIndices ? [values, tensor(out === null ? null : [...out], "int64")] : values, macs: 0 };
}

function makeMaxPool(n: number): LayerSpec {
  const owner = `MaxPool${n}d`;
  return {
    signature: [
      ["kernel_size", REQUIRED],
      ["stride", null],
      ["padding", 0],
      ["dilation", 1],
      ["return_indices", false],
      ["ceil_mode", false],
    ],
    params: () => ({}),
    forward(a, inputs) {
      const w = readPoolWindow(a, owner, n);
      const x = inputShape(inputs, 0, owner);
      const ri = boolArg(a, "return_indices", owner);
      if (x === null) return withIndices(null, dtypeOf(inputs[0]), ri);
      return withIndices(poolShape(x, n, w, owner), dtypeOf(inputs[0]), ri);
    },
  };
}

function makeAvgPool(n: number): LayerSpec {
  const owner = `AvgPool${n}d`;
  return {
    signature: [
      ["kernel_size", REQUIRED],
      ["stride", null],
      ["padding", 0],
      ["ceil_mode", false],
      ["count_include_pad", true],
      ...(n > 1 ? ([["divisor_override", null]] as const) : []),
    ],
    params: () => ({}),
    forward(a, inputs) {
      const w = readPoolWindow(a, owner, n);
      const x = inputShape(inputs, 0, owner);
      if (x === null) return unknownResult(dtypeOf(inputs[0]));
      return { output: tensor(poolShape(x, n, w, owner), dtypeOf(inputs[0])), macs: 0 };
    },
  };
}

function makeLPPool(n: number): LayerSpec {
  const owner = `LPPool${n}d`;
  return {
    signature: [
      ["norm_type", REQUIRED],
      ["kernel_size", REQUIRED],
      ["stride", null],
      ["ceil_mode", false],
    ],
    params: () => ({}),
    forward(a, inputs) {
      const w = readPoolWindow(a, owner, n);
      const x = inputShape(inputs, 0, owner);
      if (x === null) return unknownResult(dtypeOf(inputs[0]));
      return { output: tensor(poolShape(x, n, w, owner), dtypeOf(inputs[0])), macs: 0 };
    },
  };
}

function makeAdaptive(kind: "Avg" | "Max", n: number): LayerSpec {
  const owner = `Adaptive${kind}Pool${n}d`;
  return {
    signature:
      kind === "Max"
        ? [
            ["output_size", REQUIRED],
            ["return_indices", false],
          ]
        : [["output_size", REQUIRED]],
    params: () => ({}),
    forward(a, inputs) {
      const x = inputShape(inputs, 0, owner);
      const ri = kind === "Max" && boolArg(a, "return_indices", owner);
      if (x === null) return withIndices(null, dtypeOf(inputs[0]), ri);
      return withIndices(adaptiveShape(x, n, raw(a, "output_size"), owner), dtypeOf(inputs[0]), ri);
    },
  };
}

export const POOLING_LAYERS: Record<string, LayerSpec> = {};
for (const n of [1, 2, 3]) {
  POOLING_LAYERS[`MaxPool${n}d`] = makeMaxPool(n);
  POOLING_LAYERS[`AvgPool${n}d`] = makeAvgPool(n);
  POOLING_LAYERS[`AdaptiveAvgPool${n}d`] = makeAdaptive("Avg", n);
  POOLING_LAYERS[`AdaptiveMaxPool${n}d`] = makeAdaptive("Max", n);
}
POOLING_LAYERS.LPPool1d = makeLPPool(1);
POOLING_LAYERS.LPPool2d = makeLPPool(2);
