// keras.layers pooling: Max/AveragePoolingND and Global*PoolingND (`keepdims`) — no weights, 0 MACs.

import type { Dim, KArgs, KerasLayerSpec, Shape } from "../kerasLayerSpec";
import { ShapeError } from "../kerasLayerSpec";
import { boolArg, channelsFirst, expectRank, noWeights, paddingArg, single, tupleArg, tupleOrArg } from "./kerasArgs";

/** keras ops compute_pooling_output_shape: valid ⌊(n − p)/s⌋ + 1, same ⌊(n − 1)/s⌋ + 1. */
export function poolOutLength(n: Dim, p: number, s: number, padding: string, owner: string): Dim {
  if (n === null) return null;
  const out = padding === "valid" ? Math.floor((n - p) / s) + 1 : Math.floor((n - 1) / s) + 1;
  if (out <= 0) throw new ShapeError(`${owner}: output size would be ${out} for input ${n}, pool ${p}, stride ${s}`);
  return out;
}

function pooling(rank: number, kind: "Max" | "Average"): KerasLayerSpec {
  const owner = `${kind}Pooling${rank}D`;
  const outShape = (a: KArgs, inputs: readonly Shape[]): Shape => {
    const s = single(inputs, owner);
    expectRank(s, rank + 1, owner);
    const first = channelsFirst(a, owner);
    const pool = tupleArg(a, "pool_size", owner, rank);
    const strides = tupleOrArg(a, "strides", "pool_size", owner, rank);
    const padding = paddingArg(a, owner);
    const spatial = first ? s.slice(1) : s.slice(0, -1);
    const out = spatial.map((n, i) => poolOutLength(n, pool[i]!, strides[i]!, padding, owner));
    return first ? [s[0]!, ...out] : [...out, s[rank]!];
  };
  return {
    signature: [
      ["pool_size", rank === 1 ? 2 : Array<number>(rank).fill(2)],
      ["strides", null],
      ["padding", "valid"],
      ["data_format", null],
      ["**kwargs", null],
    ],
    build: () => noWeights(),
    call: (a, inputs) => ({ outputs: [outShape(a, inputs)], macs: 0 }),
  };
}

function globalPooling(rank: number, kind: "Max" | "Average"): KerasLayerSpec {
  const owner = `Global${kind}Pooling${rank}D`;
  return {
    signature: [
      ["data_format", null],
      ["keepdims", false],
      ["**kwargs", null],
    ],
    build: () => noWeights(),
    call(a, inputs) {
      const s = single(inputs, owner);
      expectRank(s, rank + 1, owner);
      const first = channelsFirst(a, owner);
      const c = first ? s[0]! : s[rank]!;
      const ones = Array<Dim>(rank).fill(1);
      const out = boolArg(a, "keepdims", owner) ? (first ? [c, ...ones] : [...ones, c]) : [c];
      return { outputs: [out], macs: 0 };
    },
  };
}

export const POOLING_LAYERS: Record<string, KerasLayerSpec> = {};
for (const rank of [1, 2, 3]) {
  for (const kind of ["Max", "Average"] as const) {
    const short = kind === "Max" ? "Max" : "Avg";
    POOLING_LAYERS[`${kind}Pooling${rank}D`] = pooling(rank, kind);
    POOLING_LAYERS[`${short}Pool${rank}D`] = POOLING_LAYERS[`${kind}Pooling${rank}D`]!;
    POOLING_LAYERS[`Global${kind}Pooling${rank}D`] = globalPooling(rank, kind);
    POOLING_LAYERS[`Global${short}Pool${rank}D`] = POOLING_LAYERS[`Global${kind}Pooling${rank}D`]!;
  }
}
