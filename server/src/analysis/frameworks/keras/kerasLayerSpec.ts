// The contract between the interpreter and the Keras layer catalog: a layer is its constructor
// signature, the weights it creates in build() from the input shape, and its shape/MAC rule.
// Unlike torch, Keras layers learn their input size late: weights exist only once an input shape
// (without the batch axis) is known, so both build() and call() take per-sample input shapes.

import { ArgError, REQUIRED, UNKNOWN } from "../torch/layerSpec";

export { ArgError, REQUIRED, ShapeError, UNKNOWN } from "../torch/layerSpec";

/** One axis of a per-sample shape; null is Keras' `None` (a variable sequence length). */
export type Dim = number | null;

/** A per-sample shape: the batch axis is never included. */
export type Shape = Dim[];

/** A layer passed as a constructor argument (`Bidirectional(LSTM(64))`, `TimeDistributed(Dense(8))`). */
export interface LayerRef {
  readonly kerasLayer: string;
  readonly args: KArgs;
}

/** A resolved Python value in plain JS: numbers, strings, bools, None, lists/tuples as arrays. */
export type KArg = number | string | boolean | null | KArg[] | LayerRef | typeof UNKNOWN;

/** Bound constructor arguments by name, defaults filled in; `**kwargs` binds an object. */
export type KArgs = Record<string, KArg | Record<string, KArg>>;

/** Constructor parameters in declaration order with their defaults, as Keras declares them. */
export type KSignature = ReadonlyArray<readonly [name: string, fallback: KArg | typeof REQUIRED]>;

export interface BuildResult {
  /** Weight shapes by Keras' weight name ("kernel", "bias", "moving_mean"), in creation order. */
  weights: Record<string, number[]>;
  /** Whether each weight is trainable (BatchNorm moving stats and Normalization stats are not). */
  trainable: Record<string, boolean>;
}

export interface CallResult {
  /** Output shapes per sample; several for `return_state=True` RNNs or an unmerged Bidirectional. */
  outputs: Shape[];
  /** Multiply-accumulates per sample; null when a needed axis is `None`. */
  macs: number | null;
}

/** A keras.layers class. */
export interface KerasLayerSpec {
  signature: KSignature;
  /** Weights created for these input shapes (one shape per input: merge and attention layers take several). */
  build(a: KArgs, inputShapes: readonly Shape[]): BuildResult;
  /** Output shapes and MACs of one call on these per-sample input shapes. */
  call(a: KArgs, inputShapes: readonly Shape[]): CallResult;
}

/** True for a nested-layer argument. */
export function isLayerRef(v: unknown): v is LayerRef {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "kerasLayer" in v;
}

/**
 * Binds positional and keyword arguments to a signature the way Python does, filling defaults;
 * extra keywords go to `**kwargs` (every Keras layer takes name=, trainable=, dtype=, input_shape=).
 */
export function bindKerasArgs(
  sig: KSignature,
  positional: readonly KArg[],
  keywords: Readonly<Record<string, KArg>>,
  owner: string,
): KArgs {
  const out: KArgs = {};
  const extra: Record<string, KArg> = {};
  const named = sig.filter(([n]) => !n.startsWith("*"));
  if (positional.length > named.length) {
    throw new ArgError(`${owner}: takes ${named.length} positional arguments, got ${positional.length}`);
  }
  named.forEach(([n], i) => {
    if (i < positional.length) out[n] = positional[i]!;
  });
  for (const [k, v] of Object.entries(keywords)) {
    if (named.some(([n]) => n === k)) out[k] = v;
    else extra[k] = v;
  }
  for (const [n, fallback] of named) {
    if (n in out) continue;
    if (fallback === REQUIRED) throw new ArgError(`${owner}: missing required argument ${n}`);
    out[n] = fallback;
  }
  out["**kwargs"] = extra;
  return out;
}

/** The `trainable=` keyword a layer was constructed with (default True). */
export function constructedTrainable(a: KArgs): boolean {
  const kw = a["**kwargs"];
  if (kw && typeof kw === "object" && !Array.isArray(kw) && !isLayerRef(kw)) {
    const t = (kw as Record<string, KArg>).trainable;
    if (t === false) return false;
  }
  return true;
}

/** Number of scalars in a weight of this shape (a scalar weight `()` holds 1). */
export function weightSize(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Totals of a build result: what `model.summary()` prints as Total / Trainable / Non-trainable. */
export function countWeights(b: BuildResult, layerTrainable = true): { total: number; trainable: number } {
  let total = 0;
  let trainable = 0;
  for (const [name, shape] of Object.entries(b.weights)) {
    const n = weightSize(shape);
    total += n;
    if (layerTrainable && b.trainable[name]) trainable += n;
  }
  return { total, trainable };
}

export const isUnknownArg = (v: unknown): boolean => v === UNKNOWN;

/*
 * MAC convention (same as frameworks/torch/layerSpec.ts; FLOPs = 2 × MACs):
 * - Dense: rows × in × units, rows = product of the non-last input axes.
 * - ConvND: output elements × (in_channels / groups) × prod(kernel).
 *   ConvNDTranspose: input elements × filters × prod(kernel).
 *   DepthwiseConv: output elements × prod(kernel). SeparableConv: depthwise + output positions × (C·dm) × filters.
 * - SimpleRNN/LSTM/GRU per step: gates × units × (input + units) (gates 1/4/3), per direction.
 * - ConvLSTMND per step: state positions × 4·filters × prod(kernel) × (in_channels + filters).
 * - MultiHeadAttention: query/key/value/output projections + QKᵀ (H × Tq × Tv × key_dim) + AV (H × Tq × Tv × value_dim).
 * - Attention (dot): Tq × Tv × dim twice (scores and weighted sum).
 * - Embedding, norms, activations, pooling, dropout, merges, preprocessing: 0 MACs.
 */
