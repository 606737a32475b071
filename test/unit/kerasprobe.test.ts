// Unseen-style Keras scripts (test/fixtures/keras, oracle values in expected.json): the runs and the
// per-run numbers the model oracle does not cover, each derived by hand from Keras's documented semantics.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { FileAnalysis } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

const DIR = join(process.cwd(), "test/fixtures/keras");
const fixture = (stem: string): FileAnalysis => {
  const path = join(DIR, `${stem}.py`);
  const text = readFileSync(path, "utf8");
  return analyzer.analyze({ path, text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;
};
const expected = JSON.parse(readFileSync(join(DIR, "expected.json"), "utf8")).fixtures;

test("two-phase fine-tune: the frozen-base fit trains only the head, the unfrozen fit everything", () => {
  const a = fixture("efficientnet_two_phase_finetune");
  const want = expected.efficientnet_two_phase_finetune.model; // real Keras, final state (base unfrozen)
  assert.equal(a.runs.length, 2);
  const [head, all] = a.runs.map((r) => r.spec);
  // Phase 1 (base.trainable = False): BatchNormalization(1280) gamma + beta = 2 × 1280 = 2,560 and
  // Dense(10) on 1280 = 1280 × 10 + 10 = 12,810 (docs/keras-formulas.md) → 15,370 trainable weights.
  assert.equal(head!.params, want.params);
  assert.equal(head!.trainableParams, 2 * 1280 + (1280 * 10 + 10));
  // Phase 2 (base.trainable = True): Keras' own trainable count of the final model.
  assert.equal(all!.trainableParams, want.trainableParams);
  // The frozen base costs its forward only (1–2× instead of 3×): phase 1 per sample is well under phase 2.
  const perSample = (i: number) => {
    const r = a.runs[i]!;
    return r.trainFlops!.high / (r.spec.epochs! * (r.spec.trainSamples! + (r.spec.valSamples ?? 0)));
  };
  assert.ok(perSample(0) < 0.75 * perSample(1), `${perSample(0)} vs ${perSample(1)}`);
});

test("a GradientTape loop over a tf.data dataset is a run: epochs, samples, batch, evaluation pass", () => {
  const a = fixture("custom_loop_fashion");
  assert.equal(a.runs.length, 1);
  const run = a.runs[0]!;
  const spec = run.spec;
  assert.equal(spec.framework, "keras");
  assert.equal(spec.model, "model");
  assert.equal(spec.epochs, 10); // for epoch in range(EPOCHS), EPOCHS = 10
  assert.equal(spec.trainSamples, 60000); // Fashion-MNIST train split (keras.io/api/datasets/fashion_mnist)
  assert.equal(spec.valSamples, 10000); // the test split, run by test_step outside any tape
  assert.equal(spec.batchSize, 32); // .batch(BATCH_SIZE)
  // Train FLOPs = 3 × forward × train samples × epochs + forward × eval samples × epochs, forward = 2 × MACs
  // with the MACs from real Keras (expected.json).
  const fwd = 2 * expected.custom_loop_fashion.model.forwardMacs;
  assert.equal(run.trainFlops!.low, 3 * fwd * 60000 * 10 + fwd * 10000 * 10);
  // The evaluation loop runs outside a GradientTape: TensorFlow records nothing, so no torch.no_grad advice.
  assert.ok(!a.findings.some((f) => f.code === "FP140"));
});

test("a GAN's GradientTape step trains both models, the discriminator called on real and generated images", () => {
  const a = fixture("dcgan_models");
  assert.equal(a.runs.length, 1);
  const spec = a.runs[0]!.spec;
  const want = expected.dcgan_models;
  assert.equal(spec.epochs, 50);
  assert.equal(spec.trainSamples, 60000); // MNIST train split
  assert.equal(spec.batchSize, 256);
  // One generator forward and two discriminator forwards per sample (FLOPs = 2 × MACs, real Keras MACs).
  assert.equal(spec.forwardFlops, 2 * (want.generator.forwardMacs + 2 * want.discriminator.forwardMacs));
});

test("noisy inputs made with np.clip / elementwise numpy keep the sample count fit() trains on", () => {
  const a = fixture("subclassed_build_autoencoder");
  assert.equal(a.runs.length, 1);
  const run = a.runs[0]!;
  assert.equal(run.spec.trainSamples, 60000); // np.clip(x_train + noise, 0, 1): MNIST's 60,000 train images
  assert.equal(run.spec.valSamples, 10000); // validation_data=(noisy_test, x_test)
  // 3 × forward × 60,000 × 20 epochs + forward × 10,000 × 20, forward = 2 × real Keras MACs.
  const fwd = 2 * expected.subclassed_build_autoencoder.autoencoder.forwardMacs;
  assert.equal(run.trainFlops!.low, (3 * 60000 + 10000) * 20 * fwd);
});

const snippet = (text: string): FileAnalysis =>
  analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;

test("TextVectorization inside the model: no weights, (output_sequence_length,) ids for Embedding", () => {
  const a = fixture("textvec_conv1d_reviews");
  const want = expected.textvec_conv1d_reviews.model; // real Keras 3.15.1: 2,071,937 weights
  const m = a.models.find((x) => x.name === "model")!;
  // Embedding 20000 × 96 + Conv1D 5·96·128+128 + Conv1D 5·128·128+128 + Dense 128·64+64 + Dense 64+1.
  assert.equal(m.params, 20000 * 96 + (5 * 96 * 128 + 128) + (5 * 128 * 128 + 128) + (128 * 64 + 64) + 65);
  assert.equal(m.params, want.params);
  // Sequence 400 → valid stride-2 k5 convs: ⌊(400−5)/2⌋+1 = 198, ⌊(198−5)/2⌋+1 = 97 positions.
  const macs = 198 * 5 * 96 * 128 + 97 * 5 * 128 * 128 + 128 * 64 + 64;
  assert.equal(macs, want.forwardMacs);
  assert.equal(m.forwardFlops, 2 * macs);
  // text_dataset_from_directory: its batch_size, an unknown number of files.
  const spec = a.runs[0]!.spec;
  assert.equal(spec.batchSize, 32);
  assert.equal(spec.trainSamples, null);
});

test("TextVectorization in a vocabulary-wide mode leaves the model a lower bound, never a guess", () => {
  const a = snippet(
    [
      "import keras",
      "vec = keras.layers.TextVectorization(max_tokens=5000, output_mode='multi_hot')",
      "inp = keras.Input(shape=(1,), dtype='string')",
      "out = keras.layers.Dense(1)(vec(inp))",
      "model = keras.Model(inp, out)",
    ].join("\n"),
  );
  const m = a.models.find((x) => x.name === "model")!;
  assert.equal(m.forwardFlops, null);
  assert.ok(m.unknowns.some((u) => /TextVectorization: output_mode "multi_hot"/.test(u.message)));
});

const CIFAR_HEAD = [
  "from tensorflow import keras",
  "from tensorflow.keras.preprocessing.image import ImageDataGenerator",
  "(x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()",
  "model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(10)])",
  "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')",
];

test("ImageDataGenerator.flow batches by its own batch_size: steps_per_epoch × 64, not × fit's default 32", () => {
  const a = snippet(
    [
      ...CIFAR_HEAD,
      "datagen = ImageDataGenerator(horizontal_flip=True, width_shift_range=0.1)",
      "datagen.fit(x_train)",
      "model.fit(datagen.flow(x_train, y_train, batch_size=64), epochs=25, steps_per_epoch=len(x_train) // 64)",
    ].join("\n"),
  );
  const spec = a.runs[0]!.spec;
  assert.equal(spec.batchSize, 64);
  // steps_per_epoch = ⌊50,000 / 64⌋ = 781 batches of 64 = 49,984 samples an epoch (CIFAR-10 train: 50,000).
  assert.equal(spec.trainSamples, 781 * 64);
});

test("ImageDataGenerator(validation_split) subsets: training keeps n − ⌊n·split⌋, validation ⌊n·split⌋", () => {
  const a = snippet(
    [
      ...CIFAR_HEAD,
      "gen = ImageDataGenerator(rescale=1 / 255, validation_split=0.2)",
      "train = gen.flow(x_train, y_train, batch_size=100, subset='training')",
      "val = gen.flow(x_train, y_train, batch_size=100, subset='validation')",
      "model.fit(train, validation_data=val, epochs=3)",
    ].join("\n"),
  );
  const spec = a.runs[0]!.spec;
  assert.equal(spec.batchSize, 100);
  assert.equal(spec.trainSamples, 50000 - 10000);
  assert.equal(spec.valSamples, 10000);
});

test("a keras.utils.Sequence passed to fit(): its own batches, so fit's default batch of 32 is not assumed", () => {
  const a = snippet(
    [
      ...CIFAR_HEAD,
      "class Batches(keras.utils.Sequence):",
      "    def __init__(self, x, y, batch_size):",
      "        super().__init__()",
      "        self.x, self.y, self.batch_size = x, y, batch_size",
      "    def __len__(self):",
      "        return len(self.x) // self.batch_size",
      "    def __getitem__(self, i):",
      "        return self.x[i:i + 1], self.y[i:i + 1]",
      "model.fit(Batches(x_train, y_train, 128), epochs=4)",
    ].join("\n"),
  );
  const spec = a.runs[0]!.spec;
  assert.equal(spec.batchSize, null);
  assert.ok(
    spec.unknowns.some((u) =>
      /batch size of the tf\.data dataset or Sequence passed to fit\(\) is unknown/.test(u.message),
    ),
  );
});

test("initial_epoch=history.epoch[-1]: the fine-tuning fit resumes at the first fit's last epoch", () => {
  const fits = (callbacks: string) =>
    snippet(
      [
        ...CIFAR_HEAD,
        `history = model.fit(x_train, y_train, epochs=10${callbacks})`,
        "model.fit(x_train, y_train, epochs=10 + 10, initial_epoch=history.epoch[-1])",
      ].join("\n"),
    ).runs.map((r) => r.spec.epochs);
  // History.epoch = [0, …, 9] (0-based, appended per epoch of range(0, 10)); the second fit runs
  // range(9, 20): 11 epochs (Keras Trainer.fit).
  assert.deepEqual(fits(""), [10, 11]);
  assert.deepEqual(fits(", callbacks=[keras.callbacks.ModelCheckpoint('m.keras')]"), [10, 11]);
  // EarlyStopping may end the first fit sooner: where the second resumes is unknown, not guessed.
  assert.deepEqual(fits(", callbacks=[keras.callbacks.EarlyStopping(patience=3)]"), [10, null]);
});

const LOOP_HEAD = [
  "import tensorflow as tf",
  "from tensorflow import keras",
  "(x_train, y_train), _ = keras.datasets.cifar10.load_data()",
  "ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(1000).batch(256)",
  "model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Conv2D(16, 3), keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(10)])",
  "optimizer = keras.optimizers.Adam()",
  "def train_step(inputs):",
  "    images, labels = inputs",
  "    with tf.GradientTape() as tape:",
  "        loss = tf.reduce_mean(model(images, training=True))",
  "    grads = tape.gradient(loss, model.trainable_variables)",
  "    optimizer.apply_gradients(zip(grads, model.trainable_variables))",
];
// Conv2D(16, 3) on 32×32×3: 30·30 positions × 27 × 16 = 388,800 MACs; Dense(10) on 16: 160 MACs.
const LOOP_FWD = 2 * (30 * 30 * 27 * 16 + 16 * 10);

test("custom loops: enumerate() over the dataset, and strategy.run(step, args=(batch,)) of a distributed loop", () => {
  const plain = snippet(
    [...LOOP_HEAD, "for epoch in range(5):", "    for step, batch in enumerate(ds):", "        train_step(batch)"].join(
      "\n",
    ),
  );
  const distributed = snippet(
    [
      ...LOOP_HEAD,
      "strategy = tf.distribute.MirroredStrategy()",
      "dist_ds = strategy.experimental_distribute_dataset(ds)",
      "for epoch in range(5):",
      "    for batch in dist_ds:",
      "        strategy.run(train_step, args=(batch,))",
    ].join("\n"),
  );
  for (const a of [plain, distributed]) {
    assert.equal(a.runs.length, 1);
    const r = a.runs[0]!;
    assert.equal(r.spec.epochs, 5);
    assert.equal(r.spec.trainSamples, 50000); // CIFAR-10 train split
    assert.equal(r.spec.batchSize, 256);
    assert.equal(r.trainFlops!.low, 3 * LOOP_FWD * 50000 * 5);
  }
});

test("CategoryEncoding and the TF 2.3–2.5 keras.layers.experimental.preprocessing path are modelled", () => {
  const a = snippet(
    [
      "import tensorflow as tf",
      "from tensorflow import keras",
      "from tensorflow.keras import layers",
      "cat_in = keras.Input(shape=(1,), dtype='int64')",
      "num_in = keras.Input(shape=(5,))",
      "img_in = keras.Input(shape=(32, 32, 3))",
      "enc = layers.CategoryEncoding(num_tokens=12, output_mode='one_hot')(cat_in)",
      "img = layers.experimental.preprocessing.Rescaling(1 / 255)(img_in)",
      "img = layers.GlobalAveragePooling2D()(img)",
      "x = layers.Concatenate()([enc, num_in, img])",
      "out = layers.Dense(1)(layers.Dense(32)(x))",
      "model = keras.Model([cat_in, num_in, img_in], out)",
    ].join("\n"),
  );
  const m = a.models.find((x) => x.name === "model")!;
  // one_hot on (1,) → (12,) (real Keras 3.15.1, see preprocessing.ts); concat 12 + 5 + 3 = 20;
  // Dense(32) on 20: 20·32 + 32; Dense(1) on 32: 33.
  assert.equal(m.params, 20 * 32 + 32 + 33);
  assert.equal(m.forwardFlops, 2 * (20 * 32 + 32));
});

test("mixed precision through TF 2.1–2.3's experimental.set_policy and Keras 3's keras.config.set_dtype_policy", () => {
  const precision = (line: string) =>
    snippet([line, ...CIFAR_HEAD, "model.fit(x_train, y_train, epochs=1)"].join("\n")).runs[0]!.spec.precision;
  assert.equal(
    precision(
      "from tensorflow.keras.mixed_precision import experimental as mp\nmp.set_policy(mp.Policy('mixed_float16'))",
    ),
    "fp16-mixed",
  );
  assert.equal(precision("import keras\nkeras.config.set_dtype_policy('mixed_bfloat16')"), "bf16-mixed");
  assert.equal(precision(""), "fp32");
});

test("tfds.load splits (lists, slices, with_info) are tf.data pipelines sized from the TFDS catalog", () => {
  const run = (lines: string[]) =>
    snippet(
      [
        "import tensorflow as tf",
        "import tensorflow_datasets as tfds",
        "model = tf.keras.Sequential([tf.keras.Input((28, 28, 1)), tf.keras.layers.Flatten(), tf.keras.layers.Dense(10)])",
        "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')",
        ...lines,
      ].join("\n"),
    ).runs[0]!.spec;
  // tensorflow.org/datasets/catalog/mnist: train 60,000, test 10,000.
  const listed = run([
    "(train, test), info = tfds.load('mnist', split=['train', 'test'], as_supervised=True, with_info=True)",
    "train = train.shuffle(info.splits['train'].num_examples).batch(128)",
    "model.fit(train, epochs=6, validation_data=test.batch(128))",
  ]);
  assert.deepEqual([listed.trainSamples, listed.valSamples, listed.batchSize], [60000, 10000, 128]);
  // "train[:80%]" = round(0.8 × 60,000) = 48,000; "train[80%:]" the other 12,000 (TFDS split slicing).
  const sliced = run([
    "train, val = tfds.load('mnist', split=['train[:80%]', 'train[80%:]'], as_supervised=True)",
    "model.fit(train.batch(64), epochs=1, validation_data=val.batch(64))",
  ]);
  assert.deepEqual([sliced.trainSamples, sliced.valSamples, sliced.batchSize], [48000, 12000, 64]);
  // A dataset outside the table: the count is unknown, the batch still the pipeline's own.
  const other = run(["ds = tfds.load('my_private_set', split='train', as_supervised=True)", "model.fit(ds.batch(32))"]);
  assert.deepEqual([other.trainSamples, other.batchSize], [null, 32]);
});

test("a keras-tuner search is one fit per trial, the hypermodel at keras-tuner's defaults; the best model stays unknown", () => {
  const tuner = (ctor: string) =>
    snippet(
      [
        "import keras",
        "import keras_tuner as kt",
        "(x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()",
        "def build_model(hp):",
        "    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten()])",
        "    model.add(keras.layers.Dense(hp.Int('units', min_value=32, max_value=512, step=32), activation='relu'))",
        "    model.add(keras.layers.Dense(10))",
        "    model.compile(optimizer=keras.optimizers.Adam(hp.Choice('lr', [1e-2, 1e-3])), loss='mse')",
        "    return model",
        `tuner = kt.${ctor}`,
        "tuner.search(x_train, y_train, epochs=10, validation_split=0.2)",
        "best = tuner.hypermodel.build(tuner.get_best_hyperparameters(num_trials=1)[0])",
        "best.fit(x_train, y_train, epochs=30)",
      ].join("\n"),
    );
  const a = tuner("RandomSearch(build_model, objective='val_loss', max_trials=20, executions_per_trial=2)");
  assert.equal(a.runs.length, 2);
  const [search, final] = a.runs;
  // hp.Int's default is min_value (keras-tuner HyperParameters.Int): Dense(32) on 784 + Dense(10) on 32.
  const macs = 784 * 32 + 32 * 10;
  assert.equal(search!.spec.forwardFlops, 2 * macs);
  assert.equal(search!.spec.trials, 20 * 2);
  assert.equal(search!.spec.trainSamples, 48000); // validation_split 0.2 of Fashion-MNIST's 60,000
  assert.equal(search!.trainFlops!.low, 40 * 10 * (3 * 48000 + 12000) * 2 * macs);
  // The best hyperparameters are only known after the search: that model is not sized.
  assert.equal(final!.spec.forwardFlops, null);
  assert.equal(final!.trainFlops, null);
  // Hyperband sets each trial's epochs itself: the search is its schedule's total (keras2.test.ts),
  // fit's epochs=10 is overridden.
  const hb = tuner("Hyperband(build_model, objective='val_loss', max_epochs=10, factor=3)").runs[0]!.spec;
  assert.deepEqual([hb.trials, hb.epochs], [1, 120]);
});

test("validation_split keeps floor(N × (1.0 − split)) samples for training, in Python's float arithmetic", () => {
  const spec = snippet(
    [
      "import numpy as np",
      "import keras",
      "x = np.zeros((1000, 8))",
      "y = np.zeros((1000,))",
      "model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)])",
      "model.compile(optimizer='adam', loss='mse')",
      "model.fit(x, y, epochs=1, validation_split=0.33)",
    ].join("\n"),
  ).runs[0]!.spec;
  // keras/src/trainers/data_adapters/array_slicing.py: split_at = int(math.floor(1000 * (1.0 - 0.33))); in
  // IEEE doubles 1.0 − 0.33 = 0.6699999999999999, so split_at = 669 (Python prints the same), not 670.
  assert.equal(spec.trainSamples, 669);
  assert.equal(spec.valSamples, 331);
});

test(".batch(b, drop_remainder=True) drops the last partial batch: ⌊n / b⌋ × b samples an epoch", () => {
  const spec = snippet(
    [
      ...CIFAR_HEAD,
      "import tensorflow as tf",
      "ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(96, drop_remainder=True)",
      "model.fit(ds, epochs=1)",
    ].join("\n"),
  ).runs[0]!.spec;
  // CIFAR-10's 50,000 training images: ⌊50,000 / 96⌋ = 520 full batches = 49,920 samples.
  assert.equal(spec.trainSamples, 520 * 96);
});

test("a LossScaleOptimizer's minimize(loss, vars, tape=tape) is still the training step of a mixed-precision loop", () => {
  const a = snippet(
    [
      ...LOOP_HEAD,
      "keras.mixed_precision.set_global_policy('mixed_float16')",
      "opt = keras.mixed_precision.LossScaleOptimizer(keras.optimizers.Adam())",
      "for images, labels in ds.take(50):",
      "    with tf.GradientTape() as tape:",
      "        loss = tf.reduce_mean(model(images, training=True))",
      "    opt.minimize(loss, model.trainable_variables, tape=tape)",
    ].join("\n"),
  );
  assert.equal(a.runs.length, 1);
  const r = a.runs[0]!;
  assert.equal(r.spec.precision, "fp16-mixed");
  assert.equal(r.spec.trainSamples, 50 * 256); // take(50) batches of 256
  assert.equal(r.trainFlops!.low, 3 * LOOP_FWD * 50 * 256);
});
