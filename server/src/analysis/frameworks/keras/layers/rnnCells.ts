// keras.layers RNN cells and the generic RNN layer: SimpleRNNCell / LSTMCell / GRUCell (the weights the
// SimpleRNN / LSTM / GRU layers own), StackedRNNCells, and RNN(cell) or RNN([cells]) running them per step.

import {
  ArgError,
  type BuildResult,
  isLayerRef,
  type KArg,
  type KArgs,
  type KerasLayerSpec,
  type LayerRef,
  REQUIRED,
  type Shape,
} from "../kerasLayerSpec";
import { boolArg, expectRank, knownDim, mul, rawArg, single, sizeArg, weightsOf } from "./kerasArgs";

interface CellKind {
  gates: number;
  /** LSTMCell carries two states (h, c); the others one. */
  states: number;
  bias(a: KArgs, units: number, owner: string): number[];
}

// Cell build() in keras/src/layers/rnn/{simple_rnn,lstm,gru}.py: kernel (input_dim, gates·units),
// recurrent_kernel (units, gates·units), bias (gates·units) — GRUCell's reset_after=True keeps input
// and recurrent biases apart, (2, 3·units).
const KINDS: Record<string, CellKind> = {
  SimpleRNNCell: { gates: 1, states: 1, bias: (_a, u) => [u] },
  LSTMCell: { gates: 4, states: 2, bias: (_a, u) => [4 * u] },
  GRUCell: { gates: 3, states: 1, bias: (a, u, o) => (boolArg(a, "reset_after", o) ? [2, 3 * u] : [3 * u]) },
};

const common: KerasLayerSpec["signature"] = [
  ["kernel_initializer", "glorot_uniform"],
  ["recurrent_initializer", "orthogonal"],
  ["bias_initializer", "zeros"],
];
const tail: KerasLayerSpec["signature"] = [
  ["kernel_regularizer", null],
  ["recurrent_regularizer", null],
  ["bias_regularizer", null],
  ["kernel_constraint", null],
  ["recurrent_constraint", null],
  ["bias_constraint", null],
  ["dropout", 0.0],
  ["recurrent_dropout", 0.0],
];

/** One cell's weights on `features` inputs and its MACs per step: gates · units · (features + units). */
function cellWeights(name: string, a: KArgs, features: number): Record<string, number[]> {
  const kind = KINDS[name]!;
  const units = sizeArg(a, "units", name);
  const w: Record<string, number[]> = {
    kernel: [features, kind.gates * units],
    recurrent_kernel: [units, kind.gates * units],
  };
  if (boolArg(a, "use_bias", name)) w.bias = kind.bias(a, units, name);
  return w;
}

const stepMacs = (name: string, a: KArgs, features: number | null) =>
  mul(KINDS[name]!.gates, sizeArg(a, "units", name), features === null ? null : features + sizeArg(a, "units", name));

/** A cell called on its own, `cell(x, states)`: x is (features); outputs (units) and the new states. */
function cell(name: string, signature: KerasLayerSpec["signature"]): KerasLayerSpec {
  return {
    signature,
    build(a, inputs) {
      const s = single(inputs, name);
      expectRank(s, 1, name);
      return weightsOf(cellWeights(name, a, knownDim(s[0], name, "feature")));
    },
    call(a, inputs) {
      const s = single(inputs, name);
      expectRank(s, 1, name);
      const units = sizeArg(a, "units", name);
      const outputs: Shape[] = [[units]];
      for (let i = 0; i < KINDS[name]!.states; i++) outputs.push([units]);
      return { outputs, macs: stepMacs(name, a, s[0] ?? null) };
    },
  };
}

/** The cells of RNN(cell): a cell, a list of cells or a StackedRNNCells (RNN wraps a list in one). */
function cellsOf(v: KArg, owner: string): LayerRef[] {
  if (Array.isArray(v)) return v.flatMap((c) => cellsOf(c, owner));
  if (!isLayerRef(v)) throw new ArgError(`${owner}: cell is not an RNN cell the analysis models`);
  if (v.kerasLayer === "StackedRNNCells") return cellsOf(rawArg(v.args, "cells"), owner);
  if (!(v.kerasLayer in KINDS)) throw new ArgError(`${owner}: ${v.kerasLayer} is not an RNN cell the catalog models`);
  return [v];
}

/** StackedRNNCells.build: each cell is built on the previous cell's output size (its units). */
function stackWeights(cells: LayerRef[], features: number): BuildResult {
  const out: BuildResult = { weights: {}, trainable: {} };
  let width = features;
  cells.forEach((c, i) => {
    for (const [k, shape] of Object.entries(cellWeights(c.kerasLayer, c.args, width))) {
      const key = cells.length === 1 ? k : `cell_${i}/${k}`;
      out.weights[key] = shape;
      out.trainable[key] = true;
    }
    width = sizeArg(c.args, "units", c.kerasLayer);
  });
  return out;
}

const StackedRNNCells: KerasLayerSpec = {
  signature: [
    ["cells", REQUIRED],
    ["**kwargs", null],
  ],
  build(a, inputs) {
    const s = single(inputs, "StackedRNNCells");
    expectRank(s, 1, "StackedRNNCells");
    return stackWeights(cellsOf(rawArg(a, "cells"), "StackedRNNCells"), knownDim(s[0], "StackedRNNCells", "feature"));
  },
  call() {
    throw new ArgError("StackedRNNCells: called on its own (outside RNN) is not modelled");
  },
};

/** keras/src/layers/rnn/rnn.py: RNN(cell, return_sequences, return_state, ...) over (T, features) inputs. */
const RNN: KerasLayerSpec = {
  signature: [
    ["cell", REQUIRED],
    ["return_sequences", false],
    ["return_state", false],
    ["go_backwards", false],
    ["stateful", false],
    ["unroll", false],
    ["zero_output_for_mask", false],
    ["**kwargs", null],
  ],
  build(a, inputs) {
    const s = single(inputs, "RNN");
    expectRank(s, 2, "RNN");
    return stackWeights(cellsOf(rawArg(a, "cell"), "RNN"), knownDim(s[1], "RNN", "feature"));
  },
  call(a, inputs) {
    const s = single(inputs, "RNN");
    expectRank(s, 2, "RNN");
    const cells = cellsOf(rawArg(a, "cell"), "RNN");
    const [steps, features] = s as [number | null, number | null];
    let perStep: number | null = 0;
    let width = features;
    for (const c of cells) {
      const m = stepMacs(c.kerasLayer, c.args, width);
      perStep = perStep === null || m === null ? null : perStep + m;
      width = sizeArg(c.args, "units", c.kerasLayer);
    }
    const units = width!;
    const outputs: Shape[] = [boolArg(a, "return_sequences", "RNN") ? [steps, units] : [units]];
    if (boolArg(a, "return_state", "RNN")) {
      // RNN returns `output, *states`: a stack's states are one entry per cell, nested for LSTMCell.
      if (cells.length > 1 && cells.some((c) => KINDS[c.kerasLayer]!.states > 1))
        throw new ArgError("RNN: return_state over stacked LSTMCells returns nested state lists, not modelled");
      for (const c of cells) {
        const u = sizeArg(c.args, "units", c.kerasLayer);
        for (let i = 0; i < KINDS[c.kerasLayer]!.states; i++) outputs.push([u]);
      }
    }
    return { outputs, macs: mul(steps, perStep) };
  },
};

export const RNN_CELL_LAYERS: Record<string, KerasLayerSpec> = {
  SimpleRNNCell: cell("SimpleRNNCell", [
    ["units", REQUIRED],
    ["activation", "tanh"],
    ["use_bias", true],
    ...common,
    ...tail,
    ["seed", null],
    ["**kwargs", null],
  ]),
  LSTMCell: cell("LSTMCell", [
    ["units", REQUIRED],
    ["activation", "tanh"],
    ["recurrent_activation", "sigmoid"],
    ["use_bias", true],
    ...common,
    ["unit_forget_bias", true],
    ...tail,
    ["seed", null],
    ["**kwargs", null],
  ]),
  GRUCell: cell("GRUCell", [
    ["units", REQUIRED],
    ["activation", "tanh"],
    ["recurrent_activation", "sigmoid"],
    ["use_bias", true],
    ...common,
    ...tail,
    ["reset_after", true],
    ["seed", null],
    ["**kwargs", null],
  ]),
  StackedRNNCells,
  RNN,
};
