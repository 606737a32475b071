// Forward rules that survive an unknown size argument: `nn.Linear(flat_dim, 10)` with flat_dim
// unresolved still has a known output and MACs once an input arrives, because torch would require
// that argument to equal a dimension of the input. Parameters stay unknown (params() still throws).

import { type Arg, type LayerSpec, UNKNOWN } from "../layerSpec";
import { isTensor } from "./argUtils";

type Infer = (x: readonly number[], inputs: readonly Arg[]) => Record<string, Arg>;

const last = (x: readonly number[]): Arg => x[x.length - 1] ?? UNKNOWN;
const shapeAt = (inputs: readonly Arg[], i: number): readonly number[] | null => {
  const v = inputs[i];
  return isTensor(v) ? v.tensor : null;
};
/** The channel dim: 1 for a batched input of `batchedRank` dims, else 0. */
const channels = (batchedRank: number) => (x: readonly number[]) => x[x.length >= batchedRank ? 1 : 0] ?? UNKNOWN;

const RULES: Record<string, Infer> = {
  Linear: (x) => ({ in_features: last(x) }),
  Bilinear: (x, inputs) => ({ in1_features: last(x), in2_features: last(shapeAt(inputs, 1) ?? []) }),
  GroupNorm: (x) => ({ num_channels: x[1] ?? UNKNOWN }),
  // The output keeps the input's shape whatever the normalized dims are.
  LayerNorm: (x) => ({ normalized_shape: [last(x)] }),
  MultiheadAttention: (x) => ({ embed_dim: last(x) }),
  TransformerEncoderLayer: (x) => ({ d_model: last(x) }),
  TransformerDecoderLayer: (x) => ({ d_model: last(x) }),
};
for (const n of [1, 2, 3]) {
  RULES[`Conv${n}d`] = (x) => ({ in_channels: channels(n + 2)(x) });
  RULES[`ConvTranspose${n}d`] = (x) => ({ in_channels: channels(n + 2)(x) });
  RULES[`BatchNorm${n}d`] = (x) => ({ num_features: x[1] ?? UNKNOWN });
  RULES[`InstanceNorm${n}d`] = (x) => ({ num_features: channels(n + 2)(x) });
}
for (const name of ["RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"]) {
  RULES[name] = (x) => ({ input_size: last(x) });
}

/** Wraps a layer's forward so UNKNOWN size arguments are read from the input's shape. */
export function inferSizesFromInput(name: string, spec: LayerSpec): LayerSpec {
  const rule = RULES[name];
  const forward = spec.forward;
  if (!rule || !forward) return spec;
  return {
    ...spec,
    forward(a, inputs, kwargs) {
      const x = shapeAt(inputs, 0);
      if (x === null) return forward(a, inputs, kwargs);
      const filled = { ...a };
      for (const [key, value] of Object.entries(rule(x, inputs))) if (a[key] === UNKNOWN) filled[key] = value;
      return forward(filled, inputs, kwargs);
    },
  };
}
