// Keras round 2: keras-tuner Hyperband's schedule priced as a run, each number derived in a comment
// from keras-tuner's HyperbandOracle (keras_tuner/tuners/hyperband.py).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { findKerasApp } from "../../server/src/analysis/frameworks/keras/applications";
import { hyperbandSchedule } from "../../server/src/analysis/frameworks/keras/runtime/hyperband";
import { matmulSample } from "../../server/src/analysis/frameworks/keras/runtime/opsMatmul";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { FileAnalysis } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});
const snippet = (text: string): FileAnalysis =>
  analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;
const fixture = (rel: string): FileAnalysis => {
  const path = join(process.cwd(), "test/fixtures/keras", rel);
  return analyzer.analyze({
    path,
    text: readFileSync(path, "utf8"),
    settings: DEFAULT_SETTINGS,
    workspace: EMPTY_WORKSPACE,
  }).analysis;
};

test("Hyperband's schedule: trials and epochs summed over brackets and rounds as HyperbandOracle runs them", () => {
  // max_epochs=10, factor=3: 10 → 3.3 → 1.1 → 0.37, so 3 brackets; end size ceil(1 + log3 10) = 4.
  // Bracket 2 (end 4/3): rounds of ceil(4/3·9)=12, ceil(4/3·3)=4, ceil(4/3)=2 trials to epochs
  // ceil(10/9)=2, ceil(10/3)=4, 10; promoted trials resume, so 12·2 + 4·(4−2) + 2·(10−4) = 44.
  // Bracket 1 (end 2): 6 trials to 4 epochs, 2 to 10: 24 + 12 = 36. Bracket 0: 4 trials × 10 = 40.
  // 18 + 8 + 4 = 30 trials (TensorFlow's Keras Tuner tutorial prints "Trial 30 Complete").
  assert.deepEqual(hyperbandSchedule(10, 3, 1), { brackets: 3, trials: 30, epochs: 44 + 36 + 40 });
  // hyperband_iterations repeats the whole sweep.
  assert.deepEqual(hyperbandSchedule(10, 3, 2), { brackets: 3, trials: 60, epochs: 240 });
  // max_epochs=81, factor=3: Python's math.log(81, 3) is exactly 4.0 (V8's own logs give
  // 4.000000000000001), so the end size is ceil(5.0) = 5. Brackets 81 → 27 → 9 → 3 → 1 → 1/3: 5.
  // b=4 (end 1): 81, 27, 9, 3, 1 trials at epochs 1, 3, 9, 27, 81: 81 + 27·2 + 9·6 + 3·18 + 1·54 = 297.
  // b=3 (end 5/4): ceil(33.75)=34, ceil(11.25)=12, ceil(3.75)=4, ceil(1.25)=2 at 3, 9, 27, 81:
  //   102 + 72 + 72 + 108 = 354. b=2 (end 5/3): 15, 5, 2 at 9, 27, 81: 135 + 90 + 108 = 333.
  // b=1 (end 5/2): 8, 3 at 27, 81: 216 + 162 = 378. b=0: 5 × 81 = 405.
  // Trials 121 + 52 + 22 + 11 + 5 = 211; epochs 297 + 354 + 333 + 378 + 405 = 1767.
  assert.deepEqual(hyperbandSchedule(81, 3, 1), { brackets: 5, trials: 211, epochs: 1767 });
  assert.equal(hyperbandSchedule(0, 3, 1), null);
  assert.equal(hyperbandSchedule(10, 1, 1), null); // keras-tuner refuses factor < 2
});

const search = (ctor: string, pre = "") =>
  snippet(
    [
      "import os",
      "import keras",
      "import keras_tuner as kt",
      "(x_train, y_train), _ = keras.datasets.mnist.load_data()",
      "def build_model(hp):",
      "    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(10)])",
      "    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')",
      "    return model",
      pre,
      `tuner = kt.${ctor}`,
      "tuner.search(x_train, y_train, epochs=50, validation_split=0.2)",
    ].join("\n"),
  ).runs[0]!;

test("a Hyperband search is priced as its schedule's epochs, fit's epochs overridden, × executions_per_trial", () => {
  const run = search("Hyperband(build_model, 'val_loss', 10, 3, executions_per_trial=2)");
  // Positional max_epochs=10, factor=3: 120 epochs in all (above), each trial executed twice.
  assert.deepEqual([run.spec.epochs, run.spec.trials], [120, 2]);
  assert.equal(run.spec.trainSamples, 48000); // validation_split 0.2 of MNIST's 60,000
  const macs = 784 * 10;
  assert.equal(run.trainFlops!.low, 2 * 120 * (3 * 48000 + 12000) * 2 * macs);
  assert.ok(run.spec.evidence.some((e) => /30 trials in 3 brackets/.test(e)));
  assert.equal(run.spec.unknowns.length, 0);
});

test("a Hyperband whose max_epochs is read at run time stays unknown, with a hint that names the arguments", () => {
  const run = search(
    "Hyperband(build_model, objective='val_loss', max_epochs=EPOCHS)",
    "EPOCHS = int(os.environ['MAX_EPOCHS'])",
  );
  assert.equal(run.spec.trials, 1);
  const u = run.spec.unknowns.find((x) => /keras-tuner trials is unknown/.test(x.message));
  assert.ok(u);
  assert.match(u.hint ?? "", /max_epochs/);
});

test("RandomSearch and BayesianOptimization: max_trials × executions_per_trial fits of fit's epochs", () => {
  const r = search("RandomSearch(build_model, objective='val_loss', max_trials=8, executions_per_trial=3)");
  assert.deepEqual([r.spec.epochs, r.spec.trials], [50, 24]);
  // BayesianOptimization's max_trials defaults to 10 (keras_tuner.BayesianOptimization signature).
  const b = search("BayesianOptimization(build_model, objective='val_loss')");
  assert.deepEqual([b.spec.epochs, b.spec.trials], [50, 10]);
});

const model = (lines: string[]) => {
  const a = snippet(["import numpy as np", "import keras", "from keras import layers", ...lines].join("\n"));
  return { a, m: a.models.find((x) => x.name === "model") };
};

test("lookup, hashing and bucketing layers: no weights, widths from the literal vocabulary or bin count", () => {
  // Output shapes and vocabulary_size() as real Keras 3.15.1 gives them (probe of each layer on
  // keras.Input; all have 0 weights): StringLookup(4 tokens) one_hot on (1,) → (5), mask_token=""
  // makes vocabulary_size() 6; IntegerLookup(4 ints) multi_hot on (2,) → (5); Hashing(64) one_hot
  // (1,) → (64); Discretization([0, 1, 2]) multi_hot (3,) → (4); pad_to_max_tokens → (max_tokens).
  const widths = (layer: string, input: string) => {
    const { m } = model([
      `inp = keras.Input(shape=${input})`,
      `lk = ${layer}`,
      "out = layers.Dense(1)(lk(inp))",
      "model = keras.Model(inp, out)",
    ]);
    return m!.params - 1; // Dense(1) on W features: W + 1 weights
  };
  const v = "vocabulary=['a', 'b', 'c', 'd']";
  assert.equal(widths(`layers.StringLookup(${v}, output_mode='one_hot')`, "(1,)"), 5);
  assert.equal(widths(`layers.StringLookup(${v}, output_mode='multi_hot', num_oov_indices=2)`, "(3,)"), 6);
  assert.equal(widths("layers.IntegerLookup(vocabulary=[12, 36, 1138, 42], output_mode='multi_hot')", "(2,)"), 5);
  assert.equal(widths("layers.Hashing(num_bins=64, output_mode='one_hot')", "(1,)"), 64);
  assert.equal(widths("layers.Hashing(num_bins=64, output_mode='count')", "(3,)"), 64);
  assert.equal(widths("layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0], output_mode='multi_hot')", "(3,)"), 4);
  assert.equal(
    widths("layers.StringLookup(max_tokens=10, output_mode='multi_hot', pad_to_max_tokens=True)", "(3,)"),
    10,
  );
  // "int" keeps the shape: Dense(1) on 3 ids.
  assert.equal(widths("layers.Hashing(num_bins=64)", "(3,)"), 3);
  // one_hot on (3,) adds an axis: (3, 5), Dense(1) on the last axis of 5.
  assert.equal(widths(`layers.StringLookup(${v}, output_mode='one_hot')`, "(3,)"), 5);
});

test("Embedding(lookup.vocabulary_size()) is sized from a literal vocabulary, and unknown (with the reason) once adapted", () => {
  const emb = (setup: string[]) =>
    model([
      ...setup,
      "ids_in = keras.Input(shape=(5,), dtype='string')",
      "vec = layers.Embedding(input_dim=lookup.vocabulary_size(), output_dim=8)(lookup(ids_in))",
      "model = keras.Model(ids_in, layers.GlobalAveragePooling1D()(vec))",
    ]);
  // Real Keras 3.15.1: vocabulary_size() = 4 tokens + 1 OOV + 1 mask = 6, embeddings (6, 8) = 48 weights.
  const known = emb(["lookup = layers.StringLookup(vocabulary=['a', 'b', 'c', 'd'], mask_token='')"]);
  assert.equal(known.m!.params, 48);
  assert.equal(known.m!.paramsInexact, undefined);
  const adapted = emb(["lookup = layers.StringLookup(max_tokens=500)", "lookup.adapt(np.array(['x', 'y']))"]);
  assert.notEqual(adapted.m!.paramsInexact, undefined);
  const said = JSON.stringify(adapted.a);
  assert.match(said, /StringLookup\.adapt\(\) learns the vocabulary from the data/);
  // set_vocabulary() after adapt() gives a literal vocabulary again: 3 + 1 OOV = 4 rows of 8.
  const reset = emb([
    "lookup = layers.StringLookup()",
    "lookup.adapt(np.array(['x', 'y']))",
    "lookup.set_vocabulary(['p', 'q', 'r'])",
  ]);
  assert.equal(reset.m!.params, 32);
});

test("a merge whose input list holds an unknown branch is unknown, not built on the branches it could follow", () => {
  const { m } = model([
    "a_in = keras.Input(shape=(4,))",
    "lookup = layers.StringLookup()",
    "b_in = keras.Input(shape=(1,), dtype='string')",
    "b = layers.Flatten()(layers.Embedding(lookup.vocabulary_size(), 8)(lookup(b_in)))",
    "x = layers.concatenate([a_in, b])",
    "model = keras.Model([a_in, b_in], layers.Dense(2)(x))",
  ]);
  // Before: Concatenate saw only a_in (4 features) and the model claimed Dense(2) on 4 = 10 weights, exact.
  assert.notEqual(m!.paramsInexact, undefined);
});

test("hub.KerasLayer: catalogued handles sized from published summaries, frozen by default; others unknown by name", () => {
  const a = fixture("libs/hub_flowers_mobilenet.py");
  const by = (n: string) => a.models.find((m) => m.name === n)!;
  // TensorFlow's hub_with_keras tutorial: keras_layer (KerasLayer) (None, 1280) 2,257,984, frozen, and
  // Dense(5) on 1280 = 6,405: Total 2,264,389, Trainable 6,405.
  const img = by("model");
  assert.deepEqual([img.params, img.trainableParams, img.paramsInexact], [2_264_389, 6_405, undefined]);
  // Its forward is the catalogued headless MobileNetV2 at 224 (pooled) plus the head's 1280 × 5 MACs.
  const row = findKerasApp("MobileNetV2")!;
  assert.equal(img.forwardMacs, row.macs["224"]!.macs + 1280 * 5);
  // text_classification_with_hub: nnlm-en-dim50 (None, 50) 48,190,600, trainable=True here;
  // Dense(16) on 50 = 816, Dense(1) on 16 = 17: 48,191,433, all trainable.
  const text = by("text_model");
  assert.deepEqual([text.params, text.trainableParams], [48_191_433, 48_191_433]);
  // A BERT encoder is not catalogued: the model is a lower bound and names the handle, with the directives.
  const bert = by("bert_model");
  assert.equal(bert.paramsInexact, "lowerBound");
  assert.equal(bert.forwardFlops, null);
  const u = bert.unknowns.find((x) => x.message.includes("bert_en_uncased_L-12_H-768_A-12"));
  assert.ok(u);
  const anyHint = (a.unknowns ?? []).find((x) => x.message.includes("bert_en_uncased"))?.hint ?? "";
  assert.match(anyHint, /# footprint: params N/);
});

test("an uncatalogued hub module in a fitted model: the run's hint is the size directives, not an input shape", () => {
  const a = snippet(
    [
      "import tensorflow as tf",
      "import tensorflow_hub as hub",
      "(x, y), _ = tf.keras.datasets.cifar10.load_data()",
      "model = tf.keras.Sequential([",
      "    hub.KerasLayer('https://tfhub.dev/google/imagenet/efficientnet_v2_imagenet1k_b0/feature_vector/2', input_shape=(32, 32, 3)),",
      "    tf.keras.layers.Dense(10),",
      "])",
      "model.fit(x, y, epochs=3)",
    ].join("\n"),
  );
  const run = a.runs[0]!;
  assert.equal(run.trainFlops, null);
  assert.ok(run.spec.unknowns.some((u) => /# footprint: params N/.test(u.hint ?? "")));
});

const expectedKeras = JSON.parse(
  readFileSync(join(process.cwd(), "test/fixtures/keras/expected.json"), "utf8"),
).fixtures;

test("keras.ops.matmul in a custom layer's call(): sized on the add_weight kernel and charged to that layer", () => {
  // numpy.matmul shapes: a batched (48, 96) @ weight (96, 384) → (48, 384), 48·96·384 MACs per sample;
  // two batched (8, 48, 64) @ (8, 64, 48) (attention scores) → (8, 48, 48), 8·48·48·64.
  assert.deepEqual(matmulSample([48, 96], [96, 384], true), { out: [48, 384], macs: 48 * 96 * 384 });
  assert.deepEqual(matmulSample([8, 48, 64], [8, 64, 48], false), { out: [8, 48, 48], macs: 8 * 48 * 48 * 64 });
  assert.equal(matmulSample([48, 96], [95, 384], true), null);
  // The RMSNorm + SwiGLU tagger: real Keras 3.15.1 weights, and MACs with keras.ops.matmul counted
  // (keras_oracle.py records each matmul a script's own layer runs): 2 blocks × 3 × 48·96·384 + the
  // Dense(17) head 48·96·17 = 10,695,168.
  const a = fixture("ops_rmsnorm_swiglu_tagger.py");
  const m = a.models.find((x) => x.name === "model")!;
  const want = expectedKeras.ops_rmsnorm_swiglu_tagger.model;
  assert.deepEqual([m.params, m.forwardMacs], [want.params, want.forwardMacs]);
  assert.equal(want.forwardMacs, 2 * 3 * 48 * 96 * 384 + 48 * 96 * 17);
  // np.random.randint(..., size=(40_000, 48)) with validation_split 0.1 → 36,000 training samples.
  assert.deepEqual([a.runs[0]!.spec.trainSamples, a.runs[0]!.spec.batchSize], [36_000, 64]);
});

test("a GAN Model with only train_step: Keras' weight count over the models it holds, its training cost an explicit unknown", () => {
  const a = fixture("gan_train_step_two_optimizers.py");
  const gan = a.models.find((x) => x.name === "gan")!;
  // Real Keras: gan.count_params() = generator 1,030,017 + discriminator 74,625.
  assert.equal(gan.params, expectedKeras.gan_train_step_two_optimizers.gan.params);
  assert.equal(gan.forwardFlops, null);
  // Before: priced as 0 FLOPs (an empty forward) — a silent wrong number. Now unknown with the directive.
  const run = a.runs[0]!;
  assert.equal(run.trainFlops, null);
  assert.ok(run.spec.unknowns.some((u) => /# footprint: flops N/.test(u.hint ?? "")));
});

test("MirroredStrategy over two listed GPUs: fit's batch_size is the global batch, steps cap each epoch", () => {
  const run = fixture("mirrored_listed_gpus_numpy.py").runs[0]!;
  // global batch = 128 per replica × 2 replicas = 256; steps_per_epoch 150 → 38,400 samples of the
  // 50,000; validation_steps 20 → 5,120 of the 10,000 test images; 2 devices from devices=[...].
  assert.deepEqual(
    [run.spec.batchSize, run.spec.trainSamples, run.spec.valSamples, run.spec.device?.count],
    [256, 150 * 256, 20 * 256, 2],
  );
  assert.equal(run.spec.epochs, 20);
});

test("np.newaxis adds an axis like None, and a script that exports full-int8 TFLite gets no FP180", () => {
  const a = fixture("tflite_int8_mobile_digits.py");
  const run = a.runs[0]!;
  // x_train[..., np.newaxis] keeps MNIST's 60,000 samples (28, 28, 1); batch 256, 8 epochs.
  assert.deepEqual([run.spec.trainSamples, run.spec.batchSize, run.spec.epochs], [60_000, 256, 8]);
  assert.ok(!a.findings.some((f) => f.code === "FP180"));
  assert.equal(a.models[0]!.params, expectedKeras.tflite_int8_mobile_digits.model.params);
});

test("KerasHub presets: a fitted preset model is a run of explicitly unknown cost naming the preset, priced once the directives state it", () => {
  const a = fixture("libs/kerashub_preset_classifier.py");
  const clf = a.models.find((m) => m.name === "classifier")!;
  assert.equal(clf.paramsInexact, "lowerBound");
  assert.ok(clf.unknowns.some((u) => u.message.includes('BertClassifier.from_preset("bert_base_en_uncased")')));
  const run = a.runs[0]!;
  // IMDB's 25,000 training reviews (TFDS), 2 epochs; cost unknown, hinting at the directives.
  assert.deepEqual([run.spec.trainSamples, run.spec.epochs], [25_000, 2]);
  assert.equal(run.trainFlops, null);
  assert.ok(run.spec.unknowns.some((u) => /# footprint: params N/.test(u.hint ?? "")));
  // Stated by the user (the directives apply to the run), the run is priced: per epoch 3 × flops on the
  // 25,000 training reviews and 1 × flops on the 25,000 test reviews it validates on.
  const text = readFileSync(join(process.cwd(), "test/fixtures/keras/libs/kerashub_preset_classifier.py"), "utf8");
  const stated = snippet(`# footprint: params 109482240\n# footprint: flops 22000000000\n${text}`).runs[0]!;
  assert.equal(stated.trainFlops?.low, (3 * 25_000 + 25_000) * 22e9 * 2);
});

test("the Hyperband fixture: the search priced as 120 epochs of the default hypermodel, the retrained best model unknown", () => {
  const a = fixture("libs/tuner_hyperband_fashion.py");
  const [search, best] = a.runs;
  // max_epochs=10, factor=3: 120 epochs over 30 trials (first test); Dense(32) on 784 + Dense(10) on 32.
  assert.deepEqual([search!.spec.epochs, search!.spec.trials, search!.spec.trainSamples], [120, 1, 48_000]);
  assert.equal(search!.spec.forwardFlops, 2 * (784 * 32 + 32 * 10));
  assert.equal(best!.trainFlops, null);
});

test("a layer built from an unknown argument says why, instead of asking for an input shape the model already has", () => {
  const a = fixture("libs/tuner_hyperband_fashion.py");
  const best = a.models.find((m) => m.name === "model")!;
  const f100 = a.findings.find((f) => f.code === "FP100" && f.message.includes("model (Sequential)"))!;
  // Before: "FLOPs unknown: give the model an input shape ..." though Flatten(input_shape=(28, 28)) gives one.
  assert.match(f100.message, /units is unknown \(the best units the keras-tuner search finds\)/);
  assert.ok(!best.unknowns.some((u) => /give the model an input shape/.test(u.hint ?? "")));
});

test("TextVectorization.vocabulary_size(): a literal vocabulary plus its reserved tokens, unknown once adapted", () => {
  const emb = (setup: string[]) =>
    model([
      ...setup,
      "text_in = keras.Input(shape=(1,), dtype='string')",
      "ids = vec(text_in)",
      "model = keras.Model(text_in, layers.Embedding(vec.vocabulary_size(), 4)(ids))",
    ]).m!;
  // Real Keras 3.15.1: 3 tokens + "" + "[UNK]" = 5 rows of 4 in "int" mode.
  const known = emb(["vec = layers.TextVectorization(vocabulary=['a', 'b', 'c'], output_sequence_length=10)"]);
  assert.equal(known.params, 5 * 4);
  const adapted = emb([
    "vec = layers.TextVectorization(max_tokens=2000, output_sequence_length=10)",
    "vec.adapt(np.array(['some text', 'more text']))",
  ]);
  assert.equal(adapted.paramsInexact, "lowerBound");
});
