// keras.layers recurrent: SimpleRNN, LSTM, GRU (reset_after: two bias rows) — kernels of
// (input, gates·units), recurrent kernels of (units, gates·units); MACs per step gates·units·(input + units).

import { type KArgs, type KerasLayerSpec, REQUIRED, type Shape } from "../kerasLayerSpec";
import { boolArg, expectRank, knownDim, mul, single, sizeArg, weightsOf } from "./kerasArgs";

interface Cell {
  owner: string;
  gates: number;
  states: number;
  /** Bias shape for `units` (GRU's reset_after doubles it into two rows). */
  bias(a: KArgs, units: number): number[];
}

function recurrent(cell: Cell, extraSignature: KerasLayerSpec["signature"]): KerasLayerSpec {
  const { owner, gates } = cell;
  return {
    signature: [
      ["units", REQUIRED],
      ["activation", "tanh"],
      ...extraSignature,
      ["use_bias", true],
      ["return_sequences", false],
      ["return_state", false],
      ["go_backwards", false],
      ["**kwargs", null],
    ],
    build(a, inputs) {
      const s = single(inputs, owner);
      expectRank(s, 2, owner);
      const features = knownDim(s[1], owner, "feature");
      const units = sizeArg(a, "units", owner);
      const w: Record<string, number[]> = {
        kernel: [features, gates * units],
        recurrent_kernel: [units, gates * units],
      };
      if (boolArg(a, "use_bias", owner)) w.bias = cell.bias(a, units);
      return weightsOf(w);
    },
    call(a, inputs) {
      const s: Shape = single(inputs, owner);
      expectRank(s, 2, owner);
      const [steps, features] = s as [number | null, number | null];
      const units = sizeArg(a, "units", owner);
      const out: Shape = boolArg(a, "return_sequences", owner) ? [steps, units] : [units];
      const outputs: Shape[] = [out];
      if (boolArg(a, "return_state", owner)) for (let i = 0; i < cell.states; i++) outputs.push([units]);
      return { outputs, macs: mul(steps, gates, units, features === null ? null : features + units) };
    },
  };
}

export const SimpleRNN = recurrent({ owner: "SimpleRNN", gates: 1, states: 1, bias: (_a, u) => [u] }, []);

export const LSTM = recurrent({ owner: "LSTM", gates: 4, states: 2, bias: (_a, u) => [4 * u] }, [
  ["recurrent_activation", "sigmoid"],
]);

// The `reset_after` flag sits after the common arguments in Keras' signature; it is read by keyword.
export const GRU = recurrent(
  {
    owner: "GRU",
    gates: 3,
    states: 1,
    // reset_after=True (the TF2 / Keras 3 default, cuDNN-compatible) keeps input and recurrent biases apart.
    bias: (a, u) => (boolArg(a, "reset_after", "GRU") ? [2, 3 * u] : [3 * u]),
  },
  [["recurrent_activation", "sigmoid"]],
);
GRU.signature = [...GRU.signature.slice(0, -1), ["reset_after", true], ["**kwargs", null]];

export const RECURRENT_LAYERS: Record<string, KerasLayerSpec> = { SimpleRNN, LSTM, GRU };
