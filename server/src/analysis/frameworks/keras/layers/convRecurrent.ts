// keras.layers.ConvLSTM1D/2D/3D: an LSTM whose input and recurrent transforms are convolutions
// (keras/src/layers/rnn/conv_lstm.py, ConvLSTMCell). Per sample the input is (T, spatial..., C)
// (channels_last) or (T, C, spatial...) (channels_first); the state is the conv output map.

import { ArgError, type KArgs, type KerasLayerSpec, REQUIRED, type Shape, ShapeError } from "../kerasLayerSpec";
import { convOutLength } from "./conv";
import {
  boolArg,
  channelsFirst,
  expectRank,
  knownDim,
  mul,
  paddingArg,
  prodDims,
  showShape,
  single,
  sizeArg,
  tupleArg,
  weightsOf,
} from "./kerasArgs";

/** Four gates (input, forget, cell, output), as in the LSTM cell. */
const GATES = 4;

interface Geometry {
  steps: number | null;
  channels: number;
  kernel: number[];
  first: boolean;
  /** Spatial sides of the state (the input convolution's output). */
  stateSpatial: number[];
}

function geometry(a: KArgs, inputs: readonly Shape[], rank: number, owner: string): Geometry {
  const s = single(inputs, owner);
  expectRank(s, rank + 2, owner);
  const first = channelsFirst(a, owner);
  const step = s.slice(1);
  const spatial = first ? step.slice(1) : step.slice(0, -1);
  // ConvLSTMCell.build refuses a None spatial side: the state tensor needs a static shape.
  if (spatial.some((d) => d === null)) {
    throw new ShapeError(`${owner}: spatial sides must be known, got ${showShape(s)} per sample`);
  }
  const channels = knownDim(first ? step[0] : step[rank], owner, "channel");
  const kernel = tupleArg(a, "kernel_size", owner, rank);
  const strides = tupleArg(a, "strides", owner, rank);
  const dilation = tupleArg(a, "dilation_rate", owner, rank);
  if (Math.max(...strides) > 1 && Math.max(...dilation) > 1) {
    throw new ArgError(`${owner}: strides > 1 is not compatible with dilation_rate > 1`);
  }
  const padding = paddingArg(a, owner);
  const stateSpatial = spatial.map((n, i) => convOutLength(n, kernel[i]!, strides[i]!, dilation[i]!, padding, owner));
  return { steps: s[0] ?? null, channels, kernel, first, stateSpatial: stateSpatial as number[] };
}

function convLstm(rank: number): KerasLayerSpec {
  const owner = `ConvLSTM${rank}D`;
  return {
    // Keras 3's ConvLSTM{1,2,3}D.__init__ order (tf.keras 2 puts dropout after go_backwards/stateful;
    // nobody passes those positionally).
    signature: [
      ["filters", REQUIRED],
      ["kernel_size", REQUIRED],
      ["strides", 1],
      ["padding", "valid"],
      ["data_format", null],
      ["dilation_rate", 1],
      ["activation", "tanh"],
      ["recurrent_activation", "sigmoid"],
      ["use_bias", true],
      ["kernel_initializer", "glorot_uniform"],
      ["recurrent_initializer", "orthogonal"],
      ["bias_initializer", "zeros"],
      ["unit_forget_bias", true],
      ["kernel_regularizer", null],
      ["recurrent_regularizer", null],
      ["bias_regularizer", null],
      ["activity_regularizer", null],
      ["kernel_constraint", null],
      ["recurrent_constraint", null],
      ["bias_constraint", null],
      ["dropout", 0],
      ["recurrent_dropout", 0],
      ["seed", null],
      ["return_sequences", false],
      ["return_state", false],
      ["go_backwards", false],
      ["stateful", false],
      ["**kwargs", null],
    ],
    build(a, inputs) {
      const g = geometry(a, inputs, rank, owner);
      const filters = sizeArg(a, "filters", owner);
      // ConvLSTMCell.build: kernel (k..., C, 4f), recurrent_kernel (k..., f, 4f), bias (4f).
      const w: Record<string, number[]> = {
        kernel: [...g.kernel, g.channels, GATES * filters],
        recurrent_kernel: [...g.kernel, filters, GATES * filters],
      };
      if (boolArg(a, "use_bias", owner)) w.bias = [GATES * filters];
      return weightsOf(w);
    },
    call(a, inputs) {
      const g = geometry(a, inputs, rank, owner);
      const filters = sizeArg(a, "filters", owner);
      const state: Shape = g.first ? [filters, ...g.stateSpatial] : [...g.stateSpatial, filters];
      const outputs: Shape[] = [boolArg(a, "return_sequences", owner) ? [g.steps, ...state] : state];
      if (boolArg(a, "return_state", owner)) outputs.push(state, state);
      // Per step and state position: the input conv (∏k·C per gate output) and the recurrent conv
      // ("same", stride 1 on the state: ∏k·f), for 4f gate channels — the LSTM's 4u(C + u) with
      // C and u widened by the kernel window.
      const kprod = g.kernel.reduce((p, k) => p * k, 1);
      const positions = prodDims(g.stateSpatial);
      return { outputs, macs: mul(g.steps, positions, GATES * filters, kprod, g.channels + filters) };
    },
  };
}

export const CONV_RECURRENT_LAYERS: Record<string, KerasLayerSpec> = {
  ConvLSTM1D: convLstm(1),
  ConvLSTM2D: convLstm(2),
  ConvLSTM3D: convLstm(3),
};
