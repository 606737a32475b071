// Dataset catalog lookups: names in each family's spelling, split selection, HF slices and configs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DATASET_ROWS } from "../../server/src/analysis/run/data/datasets";
import { HF_DATASET_ROWS } from "../../server/src/analysis/run/data/hfDatasets";
import { findDataset, sizeOfSplitExpr, splitOf } from "../../server/src/analysis/run/datasetCatalog";

const row = (id: string, family: string) => {
  const r = [...DATASET_ROWS, ...HF_DATASET_ROWS].find((x) => x.id === id && x.family === family);
  assert.ok(r, `${family}/${id} in catalog`);
  return r;
};

test("every row has a source, at least one split and positive counts", () => {
  for (const r of [...DATASET_ROWS, ...HF_DATASET_ROWS]) {
    assert.ok(r.source.length > 10, `${r.id} source`);
    const counts = Object.values(r.splits);
    assert.ok(counts.length > 0 && counts.every((n) => Number.isInteger(n) && n > 0), `${r.id} splits`);
    if (r.defaultSplit) assert.ok(r.defaultSplit in r.splits, `${r.id} default split listed`);
  }
});

test("torchvision train flag picks train or test", () => {
  const train = findDataset("torchvision.datasets.MNIST", { train: true });
  assert.equal(train?.samples, row("mnist", "torchvision").splits.train);
  assert.deepEqual(train?.sampleShape, [1, 28, 28]);
  assert.equal(train?.split, "train");
  const test_ = findDataset("torchvision.datasets.CIFAR10", { train: false });
  assert.equal(test_?.samples, row("cifar10", "torchvision").splits.test);
  assert.equal(test_?.split, "test");
  const dflt = findDataset("torchvision.datasets.CIFAR100", {});
  assert.equal(dflt?.samples, row("cifar100", "torchvision").splits.train);
  assert.equal(dflt?.splitAssumed, true);
});

test("torchvision split= datasets and their library defaults", () => {
  assert.equal(
    findDataset("torchvision.datasets.SVHN", { split: "extra" })?.samples,
    row("svhn", "torchvision").splits.extra,
  );
  assert.equal(findDataset("torchvision.datasets.ImageNet", { split: "val" })?.split, "val");
  assert.equal(findDataset("torchvision.datasets.ImageNet", {})?.sampleShape, null);
  const pets = findDataset("torchvision.datasets.OxfordIIITPet", {});
  assert.equal(pets?.splitName, "trainval");
  assert.equal(pets?.samples, row("oxford-iiit-pet", "torchvision").splits.trainval);
  assert.equal(findDataset("torchvision.datasets.CelebA", { split: "valid" })?.split, "val");
});

test("EMNIST takes its config from split= and train= picks the part", () => {
  const m = findDataset("torchvision.datasets.EMNIST", { split: "balanced", train: false });
  assert.equal(m?.name, "emnist/balanced");
  assert.equal(m?.samples, row("emnist/balanced", "torchvision").splits.test);
});

test("keras.datasets names with tf prefixes and load_data suffix", () => {
  const m = findDataset("tensorflow.keras.datasets.cifar10.load_data", {});
  assert.equal(m?.family, "keras");
  assert.equal(m?.samples, row("cifar10", "keras").splits.train);
  assert.deepEqual(m?.sampleShape, [32, 32, 3]);
  assert.equal(findDataset("keras.datasets.mnist", { split: "test" })?.samples, row("mnist", "keras").splits.test);
});

test("Hugging Face configs, owner prefixes and slices", () => {
  const sst2 = findDataset("hf:glue", { config: "sst2", split: "train" });
  assert.equal(sst2?.samples, row("glue/sst2", "huggingface").splits.train);
  assert.equal(findDataset("nyu-mll/glue", { config: "mnli", split: "validation_matched" })?.split, "val");
  const noConfig = findDataset("hf:glue", {});
  assert.equal(noConfig?.samples, null);
  assert.match(noConfig?.note ?? "", /sst2/);
  const imdb = row("imdb", "huggingface").splits.train;
  assert.equal(findDataset("hf:imdb", { split: "train[:10%]" })?.samples, Math.round(imdb * 0.1));
  assert.equal(findDataset("hf:imdb", { split: "train[:1000]" })?.samples, 1000);
  assert.equal(findDataset("hf:imdb", { split: "train[-500:]" })?.samples, 500);
  const wt = row("wikitext-2-raw-v1", "huggingface").splits;
  assert.equal(
    findDataset("hf:wikitext", { config: "wikitext-2-raw-v1", split: "train+validation" })?.samples,
    wt.train + wt.validation,
  );
});

test("a DatasetDict re-targeted at another split", () => {
  const dict = findDataset("hf:ag_news", {});
  assert.ok(dict);
  const t = splitOf(dict, "test");
  assert.equal(t.samples, row("ag-news", "huggingface").splits.test);
  assert.equal(t.split, "test");
  assert.equal(splitOf(dict, "validation").samples, null);
});

test("unknown names and bad slices give null, never throw", () => {
  assert.equal(findDataset("torchvision.datasets.NotADataset", {}), null);
  assert.equal(findDataset("my_private/corpus", {}), null);
  assert.equal(sizeOfSplitExpr({ train: 10 }, "train[::2]"), null);
  assert.equal(sizeOfSplitExpr({ train: 10 }, "nope"), null);
});
