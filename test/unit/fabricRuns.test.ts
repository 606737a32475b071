// Lightning Fabric loops: setup()/setup_dataloaders() hand the objects back, fabric.backward is the
// training step, launch(fn, *args) runs the user's function, and precision / accelerator / devices
// price the run. Schedule from the script text, samples from the dataset catalog.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { applyEdits } from "../../server/src/analysis/fixes/textEdits";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { findDataset } from "../../server/src/analysis/run/datasetCatalog";
import type { FileAnalysis } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

const analyze = (text: string): FileAnalysis =>
  analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;
const FIXTURE = readFileSync(join(process.cwd(), "test/fixtures/runs/lightning/fabric_vit_cifar100.py"), "utf8");
const scriptNumber = (text: string, pattern: RegExp): number => {
  const m = pattern.exec(text);
  if (!m) throw new Error(`not in the script: ${pattern}`);
  return Number(m[1]);
};

test("a ViT under Fabric.launch(train, epochs): 4 devices, bf16, CIFAR-100", () => {
  const a = analyze(FIXTURE);
  assert.equal(a.runs.length, 1);
  const { spec } = a.runs[0];
  const cifar100 = findDataset("torchvision.datasets.CIFAR100", { train: true });
  assert.equal(spec.epochs, scriptNumber(FIXTURE, /fabric\.launch\(train, (\d+)\)/));
  assert.equal(spec.trainSamples, cifar100?.samples);
  assert.equal(spec.precision, "bf16-mixed");
  assert.equal(spec.device?.kind, "gpu");
  assert.equal(spec.device?.count, scriptNumber(FIXTURE, /devices=(\d+)/));
  const model = a.models.find((m) => m.name === "model");
  assert.ok(model);
  assert.deepEqual(model.inputShape, cifar100?.sampleShape);
  assert.equal(spec.params, model.params);
  assert.ok(a.runs[0].co2eKg, "priced");
  assert.ok(!a.findings.some((f) => f.code === "FP110"), "already mixed precision");
});

test("devices × num_nodes, the '16-mixed' spelling, and lightning.fabric / lightning_fabric imports", () => {
  for (const header of [
    "from lightning.fabric import Fabric",
    "from lightning_fabric import Fabric",
    "import lightning as L\nFabric = L.Fabric",
  ]) {
    const text = `${header}
import torch
import torch.nn as nn

fabric = Fabric(accelerator="gpu", devices=8, num_nodes=2, precision="16-mixed")
fabric.launch()
model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 4))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
model, opt = fabric.setup(model, opt)
for epoch in range(5):
    for step in range(100):
        x = torch.randn(16, 32, device=fabric.device)
        loss = model(x).sum()
        fabric.backward(loss)
        opt.step()
`;
    const { spec } = analyze(text).runs[0];
    assert.equal(spec.device?.count, 8 * 2, header);
    assert.equal(spec.precision, "fp16-mixed", header);
    assert.equal(spec.model, "model", header);
  }
});

test("FP110 on an fp32 Fabric loop sets precision on the Fabric", () => {
  const text = FIXTURE.replace(', precision="bf16-mixed")', ")");
  const before = analyze(text);
  assert.equal(before.runs[0].spec.precision, "fp32");
  const fix = before.findings.find((f) => f.code === "FP110")?.fixes.find((f) => f.isPreferred);
  assert.equal(fix?.title, 'Set precision="bf16-mixed" in Fabric');
  const fixed = applyEdits(text, fix.edits);
  assert.ok(fixed.includes('L.Fabric(accelerator="cuda", devices=4, precision="bf16-mixed")'), fixed);
  const after = analyze(fixed);
  assert.deepEqual(after.syntaxErrors, []);
  assert.equal(after.runs[0].spec.precision, "bf16-mixed");
  assert.ok(!after.findings.some((f) => f.code === "FP110"));
});
