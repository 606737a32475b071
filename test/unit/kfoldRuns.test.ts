// K-fold cross-validation around a PyTorch training loop: sklearn's splitters give the number of
// folds (each a full training run) and each fold's index sizes (Subset(ds, train_idx) holds
// (K-1)/K of the data); an outer loop whose length is unknown is said as an unknown, not dropped.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { findDataset } from "../../server/src/analysis/run/datasetCatalog";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

const onlyRun = (text: string) => {
  const runs = analyzer.analyze({
    path: "/w/cv.py",
    text,
    settings: DEFAULT_SETTINGS,
    workspace: EMPTY_WORKSPACE,
  }).analysis.runs;
  assert.equal(runs.length, 1);
  return runs[0];
};
const scriptNumber = (text: string, pattern: RegExp): number => {
  const m = pattern.exec(text);
  if (!m) throw new Error(`not in the script: ${pattern}`);
  return Number(m[1]);
};
const edit = (text: string, from: string, to: string) => {
  const out = text.replace(from, to);
  assert.notEqual(out, text, `script holds ${JSON.stringify(from)}`);
  return out;
};
/** sklearn's KFold sizing: the first n % k folds validate on n // k + 1 samples, the rest on n // k. */
const firstFoldTrain = (n: number, k: number) => n - (Math.floor(n / k) + (n % k > 0 ? 1 : 0));

const CV = `
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Subset
from torchvision import datasets, transforms
from sklearn.model_selection import StratifiedKFold

N_FOLDS = 4
EPOCHS = 6

train_set = datasets.CIFAR10("data", train=True, download=True, transform=transforms.ToTensor())
labels = np.array(train_set.targets)
skf = StratifiedKFold(n_splits=N_FOLDS, shuffle=True, random_state=0)

for fold, (train_idx, val_idx) in enumerate(skf.split(np.arange(len(train_set)), labels)):
    loader = DataLoader(Subset(train_set, train_idx), batch_size=128, shuffle=True, num_workers=4)
    model = nn.Sequential(nn.Flatten(), nn.Linear(3 * 32 * 32, 256), nn.ReLU(), nn.Linear(256, 10)).cuda()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for epoch in range(EPOCHS):
        for x, y in loader:
            loss = nn.functional.cross_entropy(model(x.cuda()), y.cuda())
            opt.zero_grad()
            loss.backward()
            opt.step()
`;

test("StratifiedKFold(n_splits=K).split(X): K runs, each on the fold's (K-1)/K of the samples", () => {
  const cifar = findDataset("torchvision.datasets.CIFAR10", { train: true })?.samples;
  assert.ok(typeof cifar === "number");
  const k = scriptNumber(CV, /^N_FOLDS = (\d+)/m);
  const run = onlyRun(CV);
  assert.equal(run.spec.trials, k);
  assert.equal(run.spec.epochs, scriptNumber(CV, /^EPOCHS = (\d+)/m));
  assert.equal(run.spec.trainSamples, firstFoldTrain(cifar, k));
  assert.deepEqual(run.spec.unknowns, []);
  assert.ok(run.spec.evidence.some((e) => e.startsWith(`×${k} runs:`)));
  // Two folds: two runs, each at the same cost per sample as one of the four.
  const one = onlyRun(edit(CV, "StratifiedKFold(n_splits=N_FOLDS,", "StratifiedKFold(n_splits=2,"));
  assert.equal(one.spec.trials, 2);
  assert.ok(run.trainFlops && one.trainFlops);
  const perRun = (r: typeof run) => (r.trainFlops?.low ?? Number.NaN) / r.spec.trials / (r.spec.trainSamples ?? 1);
  assert.ok(Math.abs(perRun(run) - perRun(one)) / perRun(one) < 1e-12, "the same cost per sample and run");
});

test("KFold's default and the repeated splitters: n_splits=5, × n_repeats", () => {
  const kfold = edit(
    edit(CV, "import StratifiedKFold", "import KFold, RepeatedKFold"),
    "skf = StratifiedKFold(n_splits=N_FOLDS, shuffle=True, random_state=0)",
    "skf = KFold(shuffle=True)",
  );
  // sklearn >= 0.22: n_splits defaults to 5 (KFold API reference).
  assert.equal(onlyRun(kfold).spec.trials, 5);
  const repeated = edit(kfold, "skf = KFold(shuffle=True)", "skf = RepeatedKFold(n_splits=3, n_repeats=2)");
  assert.equal(onlyRun(repeated).spec.trials, 3 * 2);
});

test("an outer loop of unknown length around the training is an unknown, not a silent single run", () => {
  const text = edit(
    CV,
    "enumerate(skf.split(np.arange(len(train_set)), labels))",
    "enumerate(torch.load('splits.pt'))",
  );
  const run = onlyRun(text);
  assert.equal(run.spec.trials, 1);
  const gap = run.spec.unknowns.find((u) => /repeats the whole training an unknown number of times/.test(u.message));
  assert.ok(gap, run.spec.unknowns.map((u) => u.message).join("\n"));
  assert.equal(
    gap.range?.start.line,
    text.split("\n").findIndex((l) => l.startsWith("for fold,")),
  );
});
