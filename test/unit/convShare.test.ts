// The share of a run's forward MACs in convolutions: PyTorch runs those in TF32 by default (so an fp32
// run's peak mixes TF32 and FP32) and convolution-dominated runs take the CNN MFU range. Zoo models'
// shares come from the zoo oracle's per-child convolution MACs, traced layers' from their own ops.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { CONV_MFU, MFU } from "../../server/src/analysis/footprint/data/modelConstants";
import { torchvisionZoo } from "../../server/src/analysis/frameworks/torch/zooData";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { RunEstimate } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { resolveSettings } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

/** The MFU range a run was priced with, and its citation. */
function mfuOf(run: RunEstimate): { value: string; citation: string } {
  const a = run.assumptions.find((x) => x.name === "model FLOPs utilisation")!;
  return { value: a.value, citation: a.citation ?? "" };
}

function onlyRun(text: string): RunEstimate {
  const { analysis, tree } = analyzer.analyze({
    path: "/w/train.py",
    text,
    settings: resolveSettings({}).settings,
    workspace: EMPTY_WORKSPACE,
  });
  tree?.delete();
  assert.equal(analysis.runs.length, 1, analysis.notices.join("\n"));
  return analysis.runs[0];
}

const LOOP = `
opt = torch.optim.SGD(model.parameters(), lr=0.1)
loader = DataLoader(datasets.CIFAR10("data", train=True, download=True), batch_size=128, num_workers=4, pin_memory=True)
for epoch in range(5):
    for x, y in loader:
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
`;
const HEAD = `import torch
from torch import nn
from torch.utils.data import DataLoader
from torchvision import datasets, models
`;

describe("convolution share of a run", () => {
  it("a torchvision ResNet-50 is convolution but for its head, from the oracle's per-child counts", () => {
    const run = onlyRun(`${HEAD}model = models.resnet50(num_classes=10)\n${LOOP}`);
    // Expected from the zoo data itself: every body child's convMacs over its macs, plus the Linear head.
    const e = torchvisionZoo().resnet50;
    const body = e.children.filter((c) => c.path !== "fc");
    const conv = body.reduce((s, c) => s + (c.convMacs ?? 0), 0);
    const total = body.reduce((s, c) => s + (c.macs ?? 0), 0);
    assert.equal(conv, total, "resnet50's body is all convolution in the oracle");
    const rowAt32 = e.macs["32"];
    const bodyAt32 = rowAt32.macs - rowAt32.headMacsPerClass! * 1000;
    const share = run.spec.convFlopsShare!;
    assert.ok(Math.abs(share - bodyAt32 / (bodyAt32 + 2048 * 10)) < 1e-6, `share ${share}`);
    assert.equal(mfuOf(run).value, "0.14–0.5");
    assert.equal(mfuOf(run).citation, `convolution-dominated (100% of forward MACs): ${CONV_MFU.source}`);
  });

  it("convolutions called through torch.nn.functional count as convolution", () => {
    const run = onlyRun(`${HEAD}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(64, 3, 3, 3))
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = nn.functional.conv2d(x, self.w, padding=1)
        return self.fc(x.mean((2, 3)))

model = Net()
${LOOP}`);
    // conv: 32·32·64 outputs × 3·3·3 = 1,769,472 MACs; fc: 640.
    assert.equal(run.spec.convFlopsShare, 1_769_472 / (1_769_472 + 640));
    assert.equal(mfuOf(run).value, "0.14–0.5");
  });

  it("an MLP has no convolution and keeps the transformer MFU range", () => {
    const run = onlyRun(`${HEAD}
model = nn.Sequential(nn.Flatten(), nn.Linear(3 * 32 * 32, 512), nn.ReLU(), nn.Linear(512, 10))
${LOOP}`);
    assert.equal(run.spec.convFlopsShare, 0);
    assert.deepEqual(mfuOf(run), { value: "0.2–0.5", citation: MFU.source });
  });
});
