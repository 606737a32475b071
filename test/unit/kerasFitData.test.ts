// Keras fit on tf.data pipelines end to end: steps_per_epoch / validation_steps × the dataset's own
// batch, endless `.repeat()` datasets, and dataset batches that fit's batch_size default must not replace.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { findDataset } from "../../server/src/analysis/run/datasetCatalog";
import type { RunSpec } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

const HEADER = [
  "import tensorflow as tf",
  "from tensorflow import keras",
  "",
  "(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()",
  "model = keras.Sequential([keras.layers.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(10)])",
  'model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")',
];
const analyze = (lines: string[]) =>
  analyzer.analyze({
    path: "/w/train.py",
    text: [...HEADER, ...lines].join("\n"),
    settings: DEFAULT_SETTINGS,
    workspace: EMPTY_WORKSPACE,
  }).analysis;
const onlyRun = (lines: string[]): RunSpec => {
  const a = analyze(lines);
  assert.equal(a.runs.length, 1);
  return a.runs[0]!.spec;
};
const mnist = (split: "train" | "test") => {
  const n = findDataset("keras.datasets.mnist", { split })?.samples;
  assert.ok(typeof n === "number", `mnist ${split} in the catalog`);
  return n;
};

test("steps_per_epoch × the dataset's batch is an epoch of an endless .repeat() dataset", () => {
  const spec = onlyRun([
    "train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(60000).batch(128).repeat()",
    "val_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(256).repeat()",
    "model.fit(train_ds, epochs=10, steps_per_epoch=200, validation_data=val_ds, validation_steps=10)",
  ]);
  assert.equal(spec.epochs, 10);
  assert.equal(spec.batchSize, 128);
  assert.equal(spec.trainSamples, 200 * 128);
  assert.equal(spec.valSamples, 10 * 256);
  assert.ok(spec.evidence.some((e) => /steps_per_epoch 200 × batch 128/.test(e)));
  assert.deepEqual(spec.unknowns, []);
});

test("an endless dataset without steps_per_epoch is unbounded, not a guessed epoch", () => {
  const spec = onlyRun([
    "ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).repeat().batch(64)",
    "val = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(64).repeat()",
    "model.fit(ds, epochs=3, validation_data=val)",
  ]);
  assert.equal(spec.trainSamples, null);
  assert.equal(spec.valSamples, null);
  const msgs = spec.unknowns.map((u) => u.message);
  assert.ok(
    msgs.some((m) => /trains on an endless dataset .*steps_per_epoch.*unbounded/.test(m)),
    msgs.join("\n"),
  );
  assert.ok(
    msgs.some((m) => /validates on an endless dataset .*validation_steps/.test(m)),
    msgs.join("\n"),
  );
  // The specific unknown replaces the generic "samples per epoch are unknown" one.
  assert.ok(!msgs.some((m) => m === "training samples per epoch are unknown"));
});

test("a dataset's unknown batch stays unknown: fit's batch_size default does not apply to datasets", () => {
  const spec = onlyRun([
    "strategy = tf.distribute.MirroredStrategy()",
    "ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(32 * strategy.num_replicas_in_sync)",
    "model.fit(ds, epochs=2)",
  ]);
  assert.equal(spec.batchSize, null);
  assert.equal(spec.trainSamples, mnist("train"));
  assert.ok(!spec.evidence.some((e) => /library default/.test(e) && /batch/.test(e)), spec.evidence.join("\n"));
  assert.ok(spec.unknowns.some((u) => /batch size of the tf\.data dataset/.test(u.message)));
});

test("fit's batch_size is ignored for a batched dataset; for arrays steps_per_epoch uses it and stops at the data's end", () => {
  const ds = onlyRun([
    "ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(100)",
    "model.fit(ds, batch_size=512, epochs=1)",
  ]);
  assert.equal(ds.batchSize, 100);
  const arrays = onlyRun(["model.fit(x_train, y_train, batch_size=64, epochs=1, steps_per_epoch=300)"]);
  assert.equal(arrays.trainSamples, 300 * 64);
  // 2,000 steps × 64 is more than one pass over MNIST: Keras stops when the arrays run out.
  const capped = onlyRun(["model.fit(x_train, y_train, batch_size=64, epochs=1, steps_per_epoch=2000)"]);
  assert.equal(capped.trainSamples, mnist("train"));
});

test("repeat(n) and take(n) size the pipeline", () => {
  const rep = onlyRun([
    "ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).repeat(3).batch(50)",
    "model.fit(ds, epochs=1)",
  ]);
  assert.equal(rep.trainSamples, 3 * mnist("test"));
  // take() after batch() counts batches: 40 batches of 50.
  const took = onlyRun([
    "ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).repeat().batch(50).take(40)",
    "model.fit(ds, epochs=1)",
  ]);
  assert.equal(took.trainSamples, 40 * 50);
  assert.deepEqual(took.unknowns, []);
});

// Keras Trainer._should_eval validates after epoch n (1-based) when n % validation_freq == 0, or when n
// is in the validation_freq list; Trainer.fit loops `for epoch in range(initial_epoch, epochs)`.
test("validation_freq prices validation only on the epochs Keras validates", () => {
  const test = mnist("test");
  const every5 = onlyRun([
    "model.fit(x_train, y_train, epochs=30, validation_data=(x_test, y_test), validation_freq=5)",
  ]);
  assert.equal(every5.epochs, 30);
  // Epochs 5, 10, …, 30: 30 / 5 = 6 passes of the test split over 30 epochs, averaged per epoch.
  assert.equal(every5.valSamples, (6 * test) / 30);
  const listed = onlyRun([
    "model.fit(x_train, y_train, epochs=30, validation_data=(x_test, y_test), validation_freq=[1, 10, 20, 30, 40])",
  ]);
  // 40 is past the last epoch: 4 passes (1, 10, 20, 30).
  assert.equal(listed.valSamples, (4 * test) / 30);
  assert.ok(
    listed.evidence.some((e) => /4 passes in 30 epochs/.test(e)),
    listed.evidence.join("\n"),
  );
  const every = onlyRun(["model.fit(x_train, y_train, epochs=30, validation_data=(x_test, y_test))"]);
  assert.equal(every.valSamples, test);
});

test("initial_epoch trains only the remaining epochs, and validation_freq counts from the real epoch numbers", () => {
  const train = mnist("train");
  const spec = onlyRun([
    "model.fit(x_train, y_train, epochs=30, initial_epoch=12, validation_split=0.2, validation_freq=4)",
  ]);
  // Epochs 13 … 30: 30 − 12 = 18 trained.
  assert.equal(spec.epochs, 18);
  // validation_split keeps the first int(N × 0.8) for training and validates on the rest.
  const kept = Math.floor(train * 0.8);
  assert.equal(spec.trainSamples, kept);
  // Validated after 16, 20, 24, 28: ⌊30/4⌋ − ⌊12/4⌋ = 7 − 3 = 4 passes over 18 epochs.
  assert.equal(spec.valSamples, (4 * (train - kept)) / 18);
});

test("an unresolved validation_freq prices every epoch and says so; an unresolved initial_epoch leaves epochs unknown", () => {
  const freq = onlyRun([
    "import sys",
    "model.fit(x_train, y_train, epochs=4, validation_data=(x_test, y_test), validation_freq=int(sys.argv[1]))",
  ]);
  assert.equal(freq.valSamples, mnist("test"));
  assert.ok(freq.evidence.some((e) => /validation_freq unresolved.*upper bound/.test(e)));
  const resumed = onlyRun(["import sys", "model.fit(x_train, y_train, epochs=4, initial_epoch=int(sys.argv[1]))"]);
  assert.equal(resumed.epochs, null);
  assert.ok(resumed.unknowns.some((u) => /initial_epoch is unknown/.test(u.message)));
});

test("fit(x, y, **fit_kwargs) read at run time: epochs and batch_size are unknown, not Keras's 1 and 32", () => {
  const spec = onlyRun([
    "import json",
    'fit_kwargs = json.load(open("fit.json"))',
    "model.fit(x_train, y_train, validation_data=(x_test, y_test), **fit_kwargs)",
  ]);
  assert.equal(spec.epochs, null);
  assert.equal(spec.batchSize, null);
  assert.ok(
    spec.unknowns.some((u) => /epochs are not in the script: fit\(\) also takes \*\*fit_kwargs/.test(u.message)),
  );
  // Written in the script, they hold even beside the spread.
  const written = onlyRun([
    "import json",
    'fit_kwargs = json.load(open("fit.json"))',
    "model.fit(x_train, y_train, epochs=7, batch_size=128, **fit_kwargs)",
  ]);
  assert.equal(written.epochs, 7);
  assert.equal(written.batchSize, 128);
});
