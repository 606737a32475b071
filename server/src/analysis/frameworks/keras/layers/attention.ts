// keras.layers attention: MultiHeadAttention and GroupQueryAttention (EinsumDense projections per head,
// QKᵀ and AV counted), Attention (Luong dot-product) and AdditiveAttention (Bahdanau) with their scales.

import { ArgError, type KerasLayerSpec, REQUIRED, type Shape, ShapeError } from "../kerasLayerSpec";
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

/**
 * keras/src/layers/attention/grouped_query_attention.py (exported as keras.layers.GroupQueryAttention):
 * query "bqm,muh->bquh" (m, Hq, d), key and value "bkm,mvh->bkvh" (m, Hkv, d), attention_output
 * "bquh,uhm->bqm" (Hq, d, Dq) — biases (Hq, d), (Hkv, d), (Hkv, d), (Dq) with use_bias. The output keeps
 * the query's feature size; key and value heads are repeated to Hq before QKᵀ and AV.
 */
function gqaSizes(a: Parameters<KerasLayerSpec["build"]>[0]) {
  const owner = "GroupQueryAttention";
  const d = sizeArg(a, "head_dim", owner);
  const hq = sizeArg(a, "num_query_heads", owner);
  const hkv = sizeArg(a, "num_key_value_heads", owner);
  if (hq % hkv !== 0)
    throw new ArgError(`${owner}: num_query_heads ${hq} is not divisible by num_key_value_heads ${hkv}`);
  return { d, hq, hkv, bias: boolArg(a, "use_bias", owner) };
}

const GroupQueryAttention: KerasLayerSpec = {
  signature: [
    ["head_dim", REQUIRED],
    ["num_query_heads", REQUIRED],
    ["num_key_value_heads", REQUIRED],
    ["dropout", 0.0],
    ["use_bias", true],
    ["flash_attention", null],
    ["kernel_initializer", "glorot_uniform"],
    ["bias_initializer", "zeros"],
    ["kernel_regularizer", null],
    ["bias_regularizer", null],
    ["activity_regularizer", null],
    ["kernel_constraint", null],
    ["bias_constraint", null],
    ["seed", null],
    ["**kwargs", null],
  ],
  build(a, inputs) {
    const owner = "GroupQueryAttention";
    const { q, v, k } = qkv(inputs, owner);
    const { d, hq, hkv, bias } = gqaSizes(a);
    const dq = knownDim(q[q.length - 1], owner, "query feature");
    const w: Record<string, number[]> = { "query/kernel": [dq, hq, d] };
    if (bias) w["query/bias"] = [hq, d];
    w["key/kernel"] = [knownDim(k[k.length - 1], owner, "key feature"), hkv, d];
    if (bias) w["key/bias"] = [hkv, d];
    w["value/kernel"] = [knownDim(v[v.length - 1], owner, "value feature"), hkv, d];
    if (bias) w["value/bias"] = [hkv, d];
    w["attention_output/kernel"] = [hq, d, dq];
    if (bias) w["attention_output/bias"] = [dq];
    return weightsOf(w);
  },
  call(a, inputs) {
    const { q, v, k } = qkv(inputs, "GroupQueryAttention");
    const { d, hq, hkv } = gqaSizes(a);
    const dq = q[q.length - 1]!;
    const tq = prodDims(q.slice(0, -1));
    const tk = prodDims(k.slice(0, -1));
    const macs = addMacs(
      mul(tq, dq, hq, d),
      mul(tk, k[k.length - 1]!, hkv, d),
      mul(tk, v[v.length - 1]!, hkv, d),
      mul(hq, tq, tk, d), // QKᵀ over the repeated key heads
      mul(hq, tq, tk, d), // attention weights × repeated V
      mul(tq, hq, d, dq),
    );
    return { outputs: [[...q.slice(0, -1), dq]], macs };
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

export const ATTENTION_LAYERS: Record<string, KerasLayerSpec> = {
  MultiHeadAttention,
  GroupQueryAttention,
  Attention,
  AdditiveAttention,
};
