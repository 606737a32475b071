// Evaluation every k epochs (`if epoch % k == 0:` around the evaluation loop, or around the call of
// the function that holds it): the interpreter traces one epoch, whose epoch number skips the branch,
// so the run reads the guard from the source and prices 1/k of an evaluation pass per epoch. A
// period that cannot be read is an Unknown, not a pass every epoch. Expected values come from the
// script text and the dataset catalog.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
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
  const runs = analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE })
    .analysis.runs;
  assert.equal(runs.length, 1);
  return runs[0].spec;
};
const scriptNumber = (text: string, pattern: RegExp): number => {
  const m = pattern.exec(text);
  if (!m) throw new Error(`not in the script: ${pattern}`);
  return Number(m[1]);
};
const samples = (cls: string, split: { train: boolean } | { split: string }) => {
  const n = findDataset(`torchvision.datasets.${cls}`, split)?.samples;
  assert.ok(typeof n === "number", `${cls} in the catalog`);
  return n;
};

test("an inline evaluation loop under `if epoch % EVAL_EVERY == 0`: the test split once every k epochs", () => {
  const text = readFileSync(join(process.cwd(), "test/fixtures/runs/stl10_eval_every_k.py"), "utf8");
  const spec = onlyRun(text);
  const k = scriptNumber(text, /^EVAL_EVERY = (\d+)/m);
  assert.equal(spec.epochs, scriptNumber(text, /^MAX_EPOCHS = (\d+)/m));
  assert.equal(spec.trainSamples, samples("STL10", { split: "train" }));
  assert.equal(spec.valSamples, samples("STL10", { split: "test" }) / k);
  assert.ok(
    spec.evidence.some((e) => e.includes(`every ${k} epochs`)),
    spec.evidence.join("\n"),
  );
  // The patience check breaks out of the epoch loop: the epochs are said to be an upper bound.
  const breakLine = text.split("\n").findIndex((l) => l.trim() === "break") + 1;
  assert.ok(
    spec.evidence.some((e) => e.includes(`break out of the epoch loop (line ${breakLine}`) && /upper bound/.test(e)),
    spec.evidence.join("\n"),
  );
  // The same loop without the guard runs every epoch.
  const everyEpoch = text.replace("    if epoch % EVAL_EVERY == 0:\n", "    if True:\n");
  assert.notEqual(everyEpoch, text);
  assert.equal(onlyRun(everyEpoch).valSamples, samples("STL10", { split: "test" }));
});

const HELPERS = `import argparse
import json
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from torchvision import datasets, models, transforms

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=60)
parser.add_argument("--eval-freq", type=int, default=3)
args = parser.parse_args()

train_loader = DataLoader(datasets.CIFAR10("data", train=True, transform=transforms.ToTensor()), batch_size=100, shuffle=True)
test_loader = DataLoader(datasets.CIFAR10("data", train=False, transform=transforms.ToTensor()), batch_size=500)
model = models.resnet18(num_classes=10).cuda()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
crit = nn.CrossEntropyLoss()


@torch.no_grad()
def evaluate(net, loader):
    net.eval()
    correct = 0
    for x, y in loader:
        correct += (net(x.cuda()).argmax(1) == y.cuda()).sum().item()
    return correct / len(loader.dataset)


def train_one_epoch(net, loader):
    net.train()
    for x, y in loader:
        opt.zero_grad()
        crit(net(x.cuda()), y.cuda()).backward()
        opt.step()


for epoch in range(args.epochs):
    train_one_epoch(model, train_loader)
    if (epoch + 1) % args.eval_freq == 0 or epoch == args.epochs - 1:
        print(f"epoch {epoch}: {evaluate(model, test_loader):.3f}")
`;

test("a helper called under `if (epoch + 1) % args.eval_freq == 0`: the period from the argparse default", () => {
  const spec = onlyRun(HELPERS);
  assert.ok(!spec.evidence.some((e) => /upper bound/.test(e)), "no break: the epochs are exact");
  const k = scriptNumber(HELPERS, /"--eval-freq", type=int, default=(\d+)/);
  assert.equal(spec.epochs, scriptNumber(HELPERS, /"--epochs", type=int, default=(\d+)/));
  assert.equal(spec.valSamples, samples("CIFAR10", { train: false }) / k);
});

test("a period read from a file at run time: the evaluation passes are an Unknown, not one every epoch", () => {
  const text = HELPERS.replace(
    "args = parser.parse_args()\n",
    'args = parser.parse_args()\nwith open("schedule.json") as fh:\n    schedule = json.load(fh)\n',
  ).replace("% args.eval_freq", '% schedule["eval_every"]');
  assert.notEqual(text, HELPERS);
  const spec = onlyRun(text);
  assert.equal(spec.valSamples, null);
  assert.ok(
    spec.unknowns.some((u) => /evaluation loop runs under .* period that cannot be read/.test(u.message)),
    spec.unknowns.map((u) => u.message).join("\n"),
  );
});
