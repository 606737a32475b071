// Keras layers with no Keras oracle case yet (EinsumDense, GroupQueryAttention, RNN over cells,
// SpectralNormalization): expected weights and MACs written out from the build() shapes in
// docs/keras-formulas.md, and cross-checked against the oracle-tested layers they generalise.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import {
  bindKerasArgs,
  countWeights,
  type KArg,
  type LayerRef,
  type Shape,
} from "../../server/src/analysis/frameworks/keras/kerasLayerSpec";
import { KERAS_LAYERS } from "../../server/src/analysis/frameworks/keras/layers/index";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { resolveSettings } from "../../server/src/shared/settings";

const bind = (name: string, pos: KArg[], kw: Record<string, KArg> = {}) =>
  bindKerasArgs(KERAS_LAYERS[name]!.signature, pos, kw, name);
const ref = (name: string, pos: KArg[], kw: Record<string, KArg> = {}): LayerRef => ({
  kerasLayer: name,
  args: bind(name, pos, kw),
});
/** Weights (name → shape), total and trainable counts, outputs and MACs of one layer on per-sample inputs. */
function layer(name: string, pos: KArg[], kw: Record<string, KArg>, inputs: Shape[]) {
  const spec = KERAS_LAYERS[name]!;
  const a = bind(name, pos, kw);
  const built = spec.build(a, inputs);
  const { outputs, macs } = spec.call(a, inputs);
  return { weights: built.weights, ...countWeights(built), outputs, macs };
}

test("EinsumDense: the keras.io forms give Dense's weights and MACs; heads and elided axes as Keras shapes them", () => {
  // "ab,bc->ac" with bias_axes="c" is Dense(64) (the layer's docstring); Dense is oracle-checked.
  const e = layer("EinsumDense", ["ab,bc->ac", 64], { bias_axes: "c" }, [[32]]);
  const d = layer("Dense", [64], {}, [[32]]);
  assert.deepEqual([e.total, e.outputs, e.macs], [d.total, d.outputs, d.macs]);
  // A sequence: kernel (128, 64), bias (64); the None in output_shape is the input's 32 steps.
  const seq = layer("EinsumDense", ["abc,cd->abd", [null, 64]], { bias_axes: "d" }, [[32, 128]]);
  assert.deepEqual(seq.weights, { kernel: [128, 64], bias: [64] });
  assert.deepEqual([seq.outputs, seq.macs], [[[32, 64]], 32 * 128 * 64]);
  const ell = layer("EinsumDense", ["...x,xy->...y", 64], { bias_axes: "y" }, [[32, 128]]);
  assert.deepEqual([ell.weights, ell.outputs, ell.macs], [seq.weights, seq.outputs, seq.macs]);
  // Per-head projection, MultiHeadAttention's query (oracle-checked): kernel (C, heads, key_dim).
  const q = layer("EinsumDense", ["abc,cde->abde", [null, 4, 16]], { bias_axes: "de" }, [[10, 64]]);
  const mha = layer("MultiHeadAttention", [4, 16], {}, [
    [10, 64],
    [10, 64],
  ]);
  assert.deepEqual(q.weights, { kernel: mha.weights["query/kernel"], bias: mha.weights["query/bias"] });
  assert.equal(q.macs, 10 * 64 * 4 * 16);
  // Right-elided: the bias gets a 1 per trailing elided axis (_analyze_split_string).
  const r = layer("EinsumDense", ["ab...,bc->ac...", 64], { bias_axes: "c" }, [[32, 5, 7]]);
  assert.deepEqual([r.weights.bias, r.outputs, r.macs], [[64, 1, 1], [[64, 5, 7]], 32 * 64 * 5 * 7]);
  // No bias_axes, no bias; a bias axis outside the output or a malformed equation is refused.
  assert.deepEqual(layer("EinsumDense", ["ab,bc->ac", 8], {}, [[4]]).weights, { kernel: [4, 8] });
  assert.throws(() => layer("EinsumDense", ["ab,bc->ac", 8], { bias_axes: "b" }, [[4]]), /bias axis "b"/);
  assert.throws(() => layer("EinsumDense", ["a b->c", 8], {}, [[4]]), /not of the form/);
});

test("GroupQueryAttention: shared key/value heads; with as many as query heads it is MultiHeadAttention", () => {
  const [d, hq, hkv, C, tq, tk] = [16, 8, 2, 64, 10, 12];
  const g = layer("GroupQueryAttention", [d, hq, hkv], {}, [
    [tq, C],
    [tk, C],
  ]);
  // query (C, Hq, d)+(Hq, d), key and value (C, Hkv, d)+(Hkv, d), attention_output (Hq, d, C)+(C).
  assert.equal(g.total, C * hq * d + hq * d + 2 * (C * hkv * d + hkv * d) + hq * d * C + C);
  assert.deepEqual(g.outputs, [[tq, C]]);
  const projections = tq * C * hq * d + 2 * tk * C * hkv * d + tq * hq * d * C;
  assert.equal(g.macs, projections + 2 * hq * tq * tk * d);
  // num_key_value_heads = num_query_heads: MultiHeadAttention(num_heads, key_dim=head_dim), oracle-checked.
  const full = layer("GroupQueryAttention", [d, hq, hq], {}, [
    [tq, C],
    [tk, C],
  ]);
  const mha = layer("MultiHeadAttention", [hq, d], {}, [
    [tq, C],
    [tk, C],
  ]);
  assert.deepEqual([full.weights, full.macs], [mha.weights, mha.macs]);
  const noBias = layer("GroupQueryAttention", [d, hq, hkv], { use_bias: false }, [
    [tq, C],
    [tk, C],
  ]);
  assert.equal(noBias.total, g.total - (hq * d + 2 * hkv * d + C));
  assert.throws(
    () =>
      layer("GroupQueryAttention", [d, 6, 4], {}, [
        [tq, C],
        [tk, C],
      ]),
    /not divisible/,
  );
});

test("RNN(cell) equals the matching recurrent layer; a list of cells stacks them, each on the previous units", () => {
  const x: Shape[] = [[20, 16]];
  const pairs: Array<[string, string]> = [
    ["SimpleRNNCell", "SimpleRNN"],
    ["LSTMCell", "LSTM"],
    ["GRUCell", "GRU"],
  ];
  for (const [cellName, layerName] of pairs)
    for (const kw of [{}, { return_sequences: true, return_state: true }] as Array<Record<string, KArg>>) {
      const viaCell = layer("RNN", [ref(cellName, [32])], kw, x);
      const direct = layer(layerName, [32], kw, x);
      assert.deepEqual(viaCell.weights, direct.weights, `${cellName} weights`);
      assert.deepEqual(
        [viaCell.outputs, viaCell.macs],
        [direct.outputs, direct.macs],
        `${cellName} ${JSON.stringify(kw)}`,
      );
    }
  // GRUCell(reset_after=False) keeps one bias row, like GRU(reset_after=False).
  const gru = layer("RNN", [ref("GRUCell", [8], { reset_after: false })], {}, x);
  assert.deepEqual(gru.weights.bias, [3 * 8]);
  // LSTMCell(64) then GRUCell(8): 4·64·(16 + 64 + 1) and 3·8·(64 + 8) + 2·3·8 weights; per step 4·64·80 + 3·8·72.
  const stack = [ref("LSTMCell", [64]), ref("GRUCell", [8])];
  const s = layer("RNN", [stack], { return_sequences: true }, x);
  assert.equal(s.total, 4 * 64 * (16 + 64 + 1) + 3 * 8 * (64 + 8) + 2 * 3 * 8);
  assert.deepEqual([s.outputs, s.macs], [[[20, 8]], 20 * (4 * 64 * 80 + 3 * 8 * 72)]);
  const viaStack = layer("RNN", [ref("StackedRNNCells", [stack])], { return_sequences: true }, x);
  assert.deepEqual([viaStack.total, viaStack.macs], [s.total, s.macs]);
  // return_state over a stack: one state per GRU/SimpleRNN cell; LSTM cells would nest theirs.
  const gg = layer("RNN", [[ref("GRUCell", [8]), ref("SimpleRNNCell", [4])]], { return_state: true }, x);
  assert.deepEqual(gg.outputs, [[4], [8], [4]]);
  assert.throws(() => layer("RNN", [stack], { return_state: true }, x), /nested state lists/);
  assert.throws(() => layer("RNN", [ref("Dense", [8])], {}, x), /Dense is not an RNN cell/);
  // A None time axis keeps the weights and leaves the MACs unknown.
  assert.equal(layer("RNN", [ref("LSTMCell", [32])], {}, [[null, 16]]).macs, null);
});

test("SpectralNormalization: the wrapped layer's weights plus vector_u (1, kernel's last axis), not trainable", () => {
  const dense = layer("SpectralNormalization", [ref("Dense", [10])], {}, [[20]]);
  assert.deepEqual(dense.weights.vector_u, [1, 10]);
  assert.deepEqual([dense.total, dense.trainable], [20 * 10 + 10 + 10, 20 * 10 + 10]);
  assert.deepEqual([dense.outputs, dense.macs], [[[10]], 20 * 10]);
  // Conv2D(2, 2) on (10, 10, 1): kernel (2, 2, 1, 2) → u (1, 2); Embedding(1000, 16): embeddings → u (1, 16).
  const conv = layer("SpectralNormalization", [ref("Conv2D", [2, 2])], {}, [[10, 10, 1]]);
  assert.deepEqual([conv.total - conv.trainable, conv.outputs], [2, [[9, 9, 2]]]);
  const emb = layer("SpectralNormalization", [ref("Embedding", [1000, 16])], {}, [[12]]);
  assert.equal(emb.total, 1000 * 16 + 16);
  assert.throws(() => layer("SpectralNormalization", [ref("LayerNormalization", [])], {}, [[10]]), /neither a kernel/);
  assert.throws(() => layer("SpectralNormalization", [ref("Dense", [10]), 0], {}, [[20]]), /power_iterations/);
});

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});
const analyse = (text: string) =>
  analyzer.analyze({ path: "/w/m.py", text, settings: resolveSettings().settings, workspace: EMPTY_WORKSPACE })
    .analysis;

test("scripts: a SpectralNormalization discriminator counts what real Keras 3.15 counts (1,336)", () => {
  const m = analyse(`import keras
from keras import layers

critic = keras.Sequential([
    keras.Input(shape=(6, 16, 16, 2)),
    layers.SpectralNormalization(layers.Conv3D(8, 3, padding="same")),
    layers.Conv3D(4, 3, padding="same"),
    layers.GlobalAveragePooling3D(),
    layers.Dense(4),
])
`).models[0]!;
  // 1,336 from real Keras 3.15 (this model was kerasModels.test.ts's unmodelled-layer case); vector_u (1, 8).
  assert.deepEqual([m.params, m.trainableParams, m.paramsInexact], [1336, 1336 - 8, undefined]);
  // 6·16·16 positions: the two convolutions' 3³·2·8 and 3³·8·4 taps, then the Dense 4·4.
  assert.equal(m.forwardMacs, 6 * 16 * 16 * 27 * (2 * 8 + 8 * 4) + 16);
});

test("scripts: stacked cells, a bidirectional cell RNN and grouped-query attention in one functional model", () => {
  const m = analyse(`import keras
from keras import layers

inputs = keras.Input(shape=(50, 12))
cells = [layers.LSTMCell(32), layers.GRUCell(16)]
h = layers.RNN(cells, return_sequences=True)(inputs)
h = layers.Bidirectional(layers.RNN(layers.SimpleRNNCell(8), return_sequences=True))(h)
h = layers.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)(h, h)
h = layers.EinsumDense("abc,cd->abd", output_shape=(None, 6), bias_axes="d")(h)
outputs = layers.Dense(3)(layers.GlobalAveragePooling1D()(h))
model = keras.Model(inputs, outputs)
`).models[0]!;
  const T = 50;
  const rnn = 4 * 32 * (12 + 32 + 1) + 3 * 16 * (32 + 16) + 2 * 3 * 16;
  const birnn = 2 * 8 * (16 + 8 + 1);
  const gqa = 16 * 4 * 4 + 4 * 4 + 2 * (16 * 2 * 4 + 2 * 4) + 4 * 4 * 16 + 16;
  assert.equal(m.params, rnn + birnn + gqa + (16 * 6 + 6) + (6 * 3 + 3));
  const macs =
    T * (4 * 32 * 44 + 3 * 16 * 48) +
    2 * T * 8 * 24 +
    (T * 16 * 16 + 2 * T * 16 * 8 + T * 16 * 16 + 2 * 4 * T * T * 4) +
    T * 16 * 6 +
    6 * 3;
  assert.equal(m.forwardMacs, macs);
});
