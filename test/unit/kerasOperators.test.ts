// Python operators on Keras symbolic tensors are graph nodes (merge layers, Rescaling), so a
// functional model built with `x + inputs` or `x / 255.0` keeps every layer before the operator.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});
const models = (text: string) =>
  analyzer.analyze({ path: "/w/m.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis.models;

// keras.io Dense: kernel in×units + bias units; Conv2D: k×k×in×filters + filters; LayerNormalization: 2×features.
const dense = (i: number, o: number) => i * o + o;
const conv = (k: number, i: number, o: number) => k * k * i * o + o;

test("a residual `x + inputs` keeps the Dense layers before it", () => {
  const [m] = models(`import keras
from keras import layers

inputs = keras.Input(shape=(64,))
x = layers.Dense(64, activation="relu")(inputs)
x = layers.Dense(64)(x)
x = x + inputs
x = layers.LayerNormalization()(x)
outputs = layers.Dense(3, activation="softmax")(x)
model = keras.Model(inputs, outputs)
`);
  assert.equal(m?.params, dense(64, 64) * 2 + 2 * 64 + dense(64, 3));
  assert.ok(
    m?.layers.some((l) => l.type === "Add"),
    "the operator is an Add node",
  );
});

test("scalar arithmetic is a Rescaling node; products and sums of tensors are merge nodes", () => {
  const [m] = models(`import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

inputs = keras.Input(shape=(32, 32, 3))
x = inputs / 255.0
x = layers.Conv2D(16, 3, padding="same")(x)
y = layers.Conv2D(16, 3, padding="same")(x)
gate = x * y
x = 1.0 - x * 0.5 + gate
out = layers.Dense(10)(layers.GlobalAveragePooling2D()(x))
model = keras.Model(inputs, out)
`);
  assert.equal(m?.params, conv(3, 3, 16) + conv(3, 16, 16) + dense(16, 10));
  // MACs: the convolutions and the Dense (elementwise nodes count none, as layers.add does).
  assert.equal(m?.forwardMacs, 32 * 32 * (3 * 3 * 3 * 16 + 3 * 3 * 16 * 16) + 16 * 10);
  const types = new Set(m?.layers.map((l) => l.type));
  for (const t of ["Rescaling", "Multiply", "Add"]) assert.ok(types.has(t), `${t} in ${[...types].join(", ")}`);
});

test("a Keras tensor plus a keras.ops constant keeps the graph before it (Embedding, MultiHeadAttention)", () => {
  const [m] = models(`import keras
from keras import layers
maxlen, vocab, d = 64, 10000, 128
inputs = keras.Input(shape=(maxlen,))
tok = layers.Embedding(vocab, d)(inputs)
x = tok + keras.ops.zeros((maxlen, d))
attn = layers.MultiHeadAttention(num_heads=4, key_dim=32)(x, x)
x = layers.LayerNormalization(epsilon=1e-6)(x + attn)
x = layers.GlobalAveragePooling1D()(x)
outputs = layers.Dense(2, activation="softmax")(x)
model = keras.Model(inputs=inputs, outputs=outputs)
`);
  // Real Keras 3.15 (/tmp/kvenv): model.count_params() = 1,346,562; the independent MAC counter
  // (Dense/MHA formulas, elementwise ops 0) gives 5,243,136 MACs.
  assert.equal(m?.params, 1_346_562);
  assert.equal(m?.paramsInexact, undefined);
  assert.equal(m?.forwardMacs, 5_243_136);
});

test("an operator with an operand the analysis cannot size is unknown, never a new graph start", () => {
  const [m] = models(`import keras
from keras import layers
inputs = keras.Input(shape=(64,))
h = layers.Dense(32)(inputs)
x = h + keras.ops.some_unmodelled_op(h)
out = layers.Dense(2)(x)
model = keras.Model(inputs, out)
`);
  assert.equal(m?.paramsInexact, "lowerBound");
  assert.equal(m?.forwardMacs, null);
  assert.match(m?.unknowns.map((u) => u.message).join("\n") ?? "", /Keras tensor `\+`/);
});
