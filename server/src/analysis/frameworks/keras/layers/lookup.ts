// keras.layers lookup and bucketing preprocessing: StringLookup / IntegerLookup (vocabulary → ids
// or one/multi-hot vectors), Hashing (num_bins) and Discretization (bins). None has weights; the
// encoded width comes from a literal vocabulary or the bin count, and is unknown once adapt() learns
// the vocabulary from data.

import { ArgError, type KArgs, type KerasLayerSpec, REQUIRED, type Shape } from "../kerasLayerSpec";
import { noWeights, rawArg, single, sizeArg, strArg } from "./kerasArgs";

/**
 * Set in a lookup layer's bound arguments by `layer.adapt(data)` (runtime/lookupMethods.ts): the
 * vocabulary is then whatever the data holds, which the analysis never reads.
 */
export const ADAPTED = "__adapted__";

/**
 * A lookup layer's `vocabulary_size()`, or why it is unknown. Keras' IndexLookup counts the
 * vocabulary's tokens plus num_oov_indices OOV ids plus one for a mask_token (index_lookup.py
 * `vocabulary_size`; real Keras 3.15.1: StringLookup(vocabulary=4 tokens) → 5, with mask_token="" → 6,
 * num_oov_indices=2 → 6; IntegerLookup(4 ints, mask_token=0) → 6). Without a literal vocabulary the
 * size is what adapt() or set_vocabulary() gives at run time; Keras' own answer before that (1: the OOV
 * id alone) is not what the trained model sees, so it is not used.
 */
export function lookupVocabularySize(a: KArgs, owner: string): number | string {
  const vocab = rawArg(a, "vocabulary");
  if (a[ADAPTED] === true)
    return `${owner}.adapt() learns the vocabulary from the data, so its size is known only at run time`;
  if (!Array.isArray(vocab))
    return typeof vocab === "string"
      ? `${owner}: the vocabulary is read from the file "${vocab}" at run time`
      : `${owner}: the vocabulary is not a literal list in the script (adapt() or set_vocabulary() sets it at run time)`;
  const oov = rawArg(a, "num_oov_indices");
  if (typeof oov !== "number") return `${owner}: num_oov_indices is unknown`;
  const mask = rawArg(a, "mask_token");
  return vocab.length + oov + (mask === null ? 0 : 1);
}

/**
 * Output shape of an encoding preprocessing layer: "int" keeps the input shape; "one_hot" adds a
 * `depth` axis, replacing a last axis of 1; "multi_hot" / "count" / "tf_idf" replace the last axis
 * (a scalar becomes (depth)). Real Keras 3.15.1: StringLookup one_hot (1,) → (5), (3,) → (3, 5),
 * multi_hot (3,) → (5); IntegerLookup one_hot () → (5); Hashing(64) one_hot (1,) → (64), multi_hot
 * and count (3,) → (64); Discretization([0, 1, 2]) one_hot (1,) → (4) — the rule CategoryEncoding uses.
 */
function encoded(mode: string, s: Shape, depth: () => number): Shape {
  if (mode === "int") return s;
  const n = depth();
  if (s.length === 0) return [n];
  if (mode === "one_hot" && s[s.length - 1] !== 1) return [...s, n];
  return [...s.slice(0, -1), n];
}

/**
 * StringLookup / IntegerLookup: the encoded width is max_tokens with pad_to_max_tokens=True, else the
 * vocabulary size (index_lookup.py `compute_output_shape` via `_get_output_shape`'s depth; checked in
 * real Keras 3.15.1: max_tokens=10, pad_to_max_tokens=True, multi_hot → (10)).
 */
function lookup(owner: string, signature: KerasLayerSpec["signature"]): KerasLayerSpec {
  return {
    signature: [...signature, ["**kwargs", null]],
    build: () => noWeights(),
    call(a, inputs) {
      const mode = strArg(a, "output_mode", owner);
      const depth = () => {
        if (rawArg(a, "pad_to_max_tokens") === true && rawArg(a, "max_tokens") !== null)
          return sizeArg(a, "max_tokens", owner);
        const n = lookupVocabularySize(a, owner);
        if (typeof n === "string")
          throw new ArgError(`${owner}: output_mode "${mode}" is as wide as the vocabulary: ${n}`);
        return n;
      };
      return { outputs: [encoded(mode, single(inputs, owner), depth)], macs: 0 };
    },
  };
}

const lookupTail: KerasLayerSpec["signature"] = [
  ["idf_weights", null],
  ["invert", false],
  ["output_mode", "int"],
];

export const StringLookup = lookup("StringLookup", [
  ["max_tokens", null],
  ["num_oov_indices", 1],
  ["mask_token", null],
  ["oov_token", "[UNK]"],
  ["vocabulary", null],
  ...lookupTail,
  ["pad_to_max_tokens", false],
  ["sparse", false],
  ["encoding", "utf-8"],
]);

export const IntegerLookup = lookup("IntegerLookup", [
  ["max_tokens", null],
  ["num_oov_indices", 1],
  ["mask_token", null],
  ["oov_token", -1],
  ["vocabulary", null],
  ["vocabulary_dtype", "int64"],
  ...lookupTail,
  ["sparse", false],
  ["pad_to_max_tokens", false],
]);

/** Hashing(num_bins): ids in [0, num_bins), or num_bins-wide vectors (hashing.py `compute_output_shape`). */
export const Hashing: KerasLayerSpec = {
  signature: [
    ["num_bins", REQUIRED],
    ["mask_value", null],
    ["salt", null],
    ["output_mode", "int"],
    ["sparse", false],
    ["**kwargs", null],
  ],
  build: () => noWeights(),
  call: (a, inputs) => ({
    outputs: [
      encoded(strArg(a, "output_mode", "Hashing"), single(inputs, "Hashing"), () => sizeArg(a, "num_bins", "Hashing")),
    ],
    macs: 0,
  }),
};

/**
 * Discretization: len(bin_boundaries) + 1 bins, or num_bins (whose boundaries adapt() learns; the
 * count is fixed either way) (discretization.py `compute_output_shape`).
 */
export const Discretization: KerasLayerSpec = {
  signature: [
    ["bin_boundaries", null],
    ["num_bins", null],
    ["epsilon", 0.01],
    ["output_mode", "int"],
    ["sparse", false],
    ["**kwargs", null],
  ],
  build: () => noWeights(),
  call(a, inputs) {
    const depth = () => {
      const b = rawArg(a, "bin_boundaries");
      if (Array.isArray(b)) return b.length + 1;
      if (rawArg(a, "num_bins") !== null) return sizeArg(a, "num_bins", "Discretization");
      throw new ArgError("Discretization: bin_boundaries is not a literal list and num_bins is not given");
    };
    return {
      outputs: [encoded(strArg(a, "output_mode", "Discretization"), single(inputs, "Discretization"), depth)],
      macs: 0,
    };
  },
};

export const LOOKUP_LAYERS: Record<string, KerasLayerSpec> = { StringLookup, IntegerLookup, Hashing, Discretization };
