// A list loop around a whole training (architectures compared in turn, curriculum phases) is traced
// item by item: each item's run has its own model and its own epochs, instead of the first item's
// run priced once per item. Items that train the same run (a learning-rate list) stay one run
// repeated. Expected values come from the script text, the dataset catalog and the torchvision
// oracle data (zooData), never typed by hand.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { torchvisionZoo } from "../../server/src/analysis/frameworks/torch/zooData";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { findDataset } from "../../server/src/analysis/run/datasetCatalog";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

const fixture = (name: string) => readFileSync(join(process.cwd(), "test/fixtures/runs", name), "utf8");
const analyze = (text: string) =>
  analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;
const tvSamples = (cls: string) => {
  const n = findDataset(`torchvision.datasets.${cls}`, { train: true })?.samples;
  assert.ok(typeof n === "number", `${cls} in the catalog`);
  return n;
};
/** Parameters of a torchvision classifier rebuilt with `classes` outputs, from the oracle's per-child counts. */
const tvParams = (name: string, classes: number) => {
  const e = torchvisionZoo()[name];
  const head = (h: { inFeatures: number; outFeatures: number }, out: number) => h.inFeatures * out + out;
  return (
    e.rootParams +
    e.children.reduce((s, c) => s + c.params, 0) +
    e.heads.reduce((s, h) => s + head(h, classes) - head(h, h.outFeatures), 0)
  );
};

test("architectures trained in turn by name: one run per architecture, each with its own size", () => {
  const text = fixture("arch_compare_cifar.py");
  const a = analyze(text);
  const archs = [...(/^ARCHS = \(([^)]*)\)/m.exec(text)?.[1] ?? "").matchAll(/"(\w+)"/g)].map((m) => m[1]);
  assert.deepEqual(archs, ["resnet18", "resnet50"]);
  const epochs = Number(/^EPOCHS = (\d+)/m.exec(text)?.[1]);
  assert.equal(a.runs.length, archs.length);
  a.runs.forEach((r, i) => {
    assert.equal(r.spec.params, tvParams(archs[i], 10), archs[i]);
    assert.equal(r.spec.trials, 1);
    assert.equal(r.spec.epochs, epochs);
    assert.equal(r.spec.trainSamples, tvSamples("CIFAR10"));
    assert.ok(
      r.spec.evidence.some((e) => e.includes(`("${archs[i]}")`)),
      r.spec.evidence.join("\n"),
    );
  });
  // Same data and schedule: the runs' FLOPs are in the ratio of the models' forwards.
  const [small, big] = a.runs;
  assert.ok(small.trainFlops && big.trainFlops && small.spec.forwardFlops && big.spec.forwardFlops);
  assert.ok(
    Math.abs(big.trainFlops.low / small.trainFlops.low - big.spec.forwardFlops / small.spec.forwardFlops) < 1e-9,
  );
});

test("curriculum phases with their own epoch counts: every phase is priced, not the first one twice", () => {
  const text = fixture("curriculum_phases.py");
  const a = analyze(text);
  const phases = [...(/^PHASES = \[(.*)\]$/m.exec(text)?.[1] ?? "").matchAll(/\("(\w+)", (\d+),/g)].map(
    (m) => [m[1], Number(m[2])] as const,
  );
  assert.equal(phases.length, 2);
  assert.deepEqual(
    a.runs.map((r) => [r.spec.epochs, r.spec.trials, r.spec.trainSamples]),
    phases.map(([, epochs]) => [epochs, 1, tvSamples("CIFAR100")]),
  );
  // One network across the phases: the same model in both runs.
  assert.equal(new Set(a.runs.map((r) => r.spec.params)).size, 1);
  assert.equal(a.models.length, 1);
});

test("a list of learning rates around one training stays one run repeated; a list of batch sizes splits", () => {
  const base = `import torch
from torch import nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

train = datasets.MNIST("data", train=True, download=True, transform=transforms.ToTensor())
for lr in [0.1, 0.01, 0.001]:
    loader = DataLoader(train, batch_size=64, shuffle=True)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    for epoch in range(4):
        for x, y in loader:
            opt.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            opt.step()
`;
  const a = analyze(base);
  assert.equal(a.runs.length, 1);
  assert.equal(a.runs[0].spec.trials, 3);
  assert.equal(a.models.length, 1, "one architecture built three times is one model");
  const bySize = base
    .replace("for lr in [0.1, 0.01, 0.001]:", "for bs in [32, 128]:")
    .replace("batch_size=64", "batch_size=bs")
    .replace("lr=lr", "lr=0.1");
  assert.notEqual(bySize, base);
  assert.deepEqual(
    analyze(bySize).runs.map((r) => [r.spec.batchSize, r.spec.trials]),
    [
      [32, 1],
      [128, 1],
    ],
  );
});

test("a train/val phase list inside the epoch loop is not a loop of runs", () => {
  const a = analyze(fixture("phase_loop_finetune.py"));
  assert.equal(a.runs.length, 1);
  assert.equal(a.runs[0].spec.trials, 1);
});
