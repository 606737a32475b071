// keras.layers attention: MultiHeadAttention (EinsumDense projections per head, QKᵀ and AV counted),
// Attention (Luong dot-product) and AdditiveAttention (Bahdanau) with their scalar/vector scales.

import { type KerasLayerSpec, REQUIRED, type Shape, ShapeError } from "../kerasLayerSpec";
import {
  addMacs,
  boolArg,
  intListArg,
  knownDim,
  mul,
  optSizeArg,
  prodDims,
  rawArg,
  showShape,
  sizeArg,
  strArg,
  weightsOf,
} from "./kerasArgs";

/** query, value and key (key defaults to value), as MultiHeadAttention and Attention take them. */
function qkv(inputs: readonly Shape[], owner: string): { q: Shape; v: Shape; k: Shape } {
  const [q, v, k] = inputs;
  if (q === undefined || v === undefined) throw new ShapeError(`${owner}: expected query and value inputs`);
  if (q.length < 2 || v.length < 2) {
    throw new ShapeError(
      `${owner}: query and value need a sequence and a feature axis, got ${showShape(q)} and ${showShape(v)}`,
    );
  }
  return { q, v, k: k ?? v };
}

const MultiHeadAttention: KerasLayerSpec = {
  signature: [
    ["num_heads", REQUIRED],
    ["key_dim", REQUIRED],
    ["value_dim", null],
    ["dropout", 0.0],
    ["use_bias", true],
    ["output_shape", null],
    ["attention_axes", null],
    ["**kwargs", null],
  ],
  build(a, inputs) {
    const { q, v, k } = qkv(inputs, "MultiHeadAttention");
    const h = sizeArg(a, "num_heads", "MultiHeadAttention");
    const kd = sizeArg(a, "key_dim", "MultiHeadAttention");
    const vd = optSizeArg(a, "value_dim", "MultiHeadAttention") ?? kd;
    const dq = knownDim(q[q.length - 1], "MultiHeadAttention", "query feature");
    const dk = knownDim(k[k.length - 1], "MultiHeadAttention", "key feature");
    const dv = knownDim(v[v.length - 1], "MultiHeadAttention", "value feature");
    const out = rawArg(a, "output_shape") === null ? [dq] : intListArg(a, "output_shape", "MultiHeadAttention");
    const bias = boolArg(a, "use_bias", "MultiHeadAttention");
    const kw = a["**kwargs"] as Record<string, unknown> | undefined;
    // Weight names follow the sublayers: query/kernel, key/kernel, value/kernel, attention_output/kernel.
    const w: Record<string, number[]> = { "query/kernel": [dq, h, kd] };
    if (bias) w["query/bias"] = [h, kd];
    w["key/kernel"] = [dk, h, kd];
    if (bias) w["key/bias"] = [h, kd];
    if (kw?.use_gate === true) {
      w["gate/kernel"] = [dq, h, vd];
      if (bias) w["gate/bias"] = [h, vd];
    }
    w["value/kernel"] = [dv, h, vd];
    if (bias) w["value/bias"] = [h, vd];
    w["attention_output/kernel"] = [h, vd, ...out];
    if (bias) w["attention_output/bias"] = out;
    return weightsOf(w);
  },
  call(a, inputs) {
    const { q, v, k } = qkv(inputs, "MultiHeadAttention");
    const h = sizeArg(a, "num_heads", "MultiHeadAttention");
    const kd = sizeArg(a, "key_dim", "MultiHeadAttention");
    const vd = optSizeArg(a, "value_dim", "MultiHeadAttention") ?? kd;
    const dq = q[q.length - 1]!;
    const out = rawArg(a, "output_shape") === null ? [dq] : intListArg(a, "output_shape", "MultiHeadAttention");
    const tq = prodDims(q.slice(0, -1));
    const tk = prodDims(k.slice(0, -1));
    const kw = a["**kwargs"] as Record<string, unknown> | undefined;
    const macs = addMacs(
      mul(tq, dq, h, kd),
      mul(tk, k[k.length - 1]!, h, kd),
      mul(tk, v[v.length - 1]!, h, vd),
      mul(h, tq, tk, kd), // QKᵀ
      mul(h, tq, tk, vd), // attention weights × V
      mul(tq, h, vd, prodDims(out)),
      kw?.use_gate === true ? mul(tq, dq, h, vd) : 0,
    );
    return { outputs: [[...q.slice(0, -1), ...out]], macs };
  },
};

const Attention: KerasLayerSpec = {
  signature: [
    ["use_scale", false],
    ["score_mode", "dot"],
    ["dropout", 0.0],
    ["seed", null],
    ["**kwargs", null],
  ],
  build(a) {
    const w: Record<string, number[]> = {};
    if (boolArg(a, "use_scale", "Attention")) w.scale = [];
    if (strArg(a, "score_mode", "Attention") === "concat") w.concat_score_weight = [];
    return weightsOf(w);
  },
  call(a, inputs) {
    const { q, v } = qkv(inputs, "Attention");
    const tq = prodDims(q.slice(0, -1));
    const tv = prodDims(v.slice(0, -1));
    // "dot" scores are a batched matmul; "concat" scores are elementwise tanh(q + k) sums, not MACs.
    const scores = strArg(a, "score_mode", "Attention") === "dot" ? mul(tq, tv, q[q.length - 1]!) : 0;
    return { outputs: [[...q.slice(0, -1), v[v.length - 1]!]], macs: addMacs(scores, mul(tq, tv, v[v.length - 1]!)) };
  },
};

const AdditiveAttention: KerasLayerSpec = {
  signature: [
    ["use_scale", true],
    ["dropout", 0.0],
    ["**kwargs", null],
  ],
  build(a, inputs) {
    const { q } = qkv(inputs, "AdditiveAttention");
    const dim = knownDim(q[q.length - 1], "AdditiveAttention", "query feature");
    return weightsOf(boolArg(a, "use_scale", "AdditiveAttention") ? { scale: [dim] } : {});
  },
  call(_a, inputs) {
    const { q, v } = qkv(inputs, "AdditiveAttention");
    const tq = prodDims(q.slice(0, -1));
    const tv = prodDims(v.slice(0, -1));
    // Scores reduce scale · tanh(q + k) over the feature axis: one MAC per (q, k, feature).
    return {
      outputs: [[...q.slice(0, -1), v[v.length - 1]!]],
      macs: addMacs(mul(tq, tv, q[q.length - 1]!), mul(tq, tv, v[v.length - 1]!)),
    };
  },
};

export const ATTENTION_LAYERS: Record<string, KerasLayerSpec> = { MultiHeadAttention, Attention, AdditiveAttention };
