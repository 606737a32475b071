// A dataset's transform written by the user is run on a symbolic image: SimCLR's TwoViews(aug) makes
// each sample two crops (before: the raw STL-10 image went nowhere, so FLOPs were unknown), and a
// lambda or function that reshapes the image sets the model's input shape.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { loadOracle } from "../oracle/modelAccuracy";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});
const analyze = (text: string) =>
  analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;

test("SimCLR's two-view transform: the STL-10 crop reaches the model, and each step runs it on both views", () => {
  const text = readFileSync(join(process.cwd(), "test/fixtures/torch/simclr_stl10.py"), "utf8");
  const a = analyze(text);
  const oracle = loadOracle().cases.find((c) => c.id === "simclr_stl10#model");
  assert.ok(oracle?.forwardMacs, "simclr_stl10 is an oracle case with an input");
  const m = a.models.find((x) => x.name === "model");
  assert.equal(m?.forwardMacs, oracle.forwardMacs);
  assert.deepEqual(m?.inputShape, oracle.inputs?.[0].shape);
  // nt_xent(model(x1), model(x2)): two forwards (and backwards) per sample.
  assert.equal(a.runs[0].spec.forwardFlops, 2 * 2 * oracle.forwardMacs);
});

test("a lambda transform that repeats MNIST's channel gives the model a 3-channel input", () => {
  const text = `import torch, torch.nn as nn
from torchvision import datasets, transforms
from torch.utils.data import DataLoader
tf = transforms.Compose([transforms.ToTensor(), transforms.Lambda(lambda x: x.repeat(3, 1, 1))])
to3 = lambda img: tf(img)
train = datasets.MNIST("data", train=True, download=True, transform=to3)
loader = DataLoader(train, batch_size=64)
model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Flatten(), nn.Linear(8 * 26 * 26, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(2):
    for x, y in loader:
        loss = nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
`;
  const m = analyze(text).models.find((x) => x.name === "model");
  assert.deepEqual(m?.inputShape, [3, 28, 28]);
});
