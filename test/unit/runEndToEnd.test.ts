// Training runs end to end through the Analyzer (parser → interpreter → detectRuns → priceRun) on
// small scripts in test/fixtures/runs; sample counts are checked against the dataset catalog.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { priceRun } from "../../server/src/analysis/footprint/priceRun";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { findDataset } from "../../server/src/analysis/run/datasetCatalog";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

const fixture = (name: string) => readFileSync(join(process.cwd(), "test/fixtures/runs", name), "utf8");
const analyze = (text: string, settings = DEFAULT_SETTINGS) =>
  analyzer.analyze({ path: "/w/train.py", text, settings, workspace: EMPTY_WORKSPACE }).analysis;

test("MNIST CNN: 14 epochs over the catalog's train split, eval over its test split, on the GPU", () => {
  const a = analyze(fixture("mnist_cnn.py"));
  assert.equal(a.runs.length, 1);
  const r = a.runs[0];
  const { spec } = r;
  assert.equal(spec.epochs, 14);
  assert.equal(spec.trainSamples, findDataset("torchvision.datasets.MNIST", { train: true })?.samples);
  assert.equal(spec.valSamples, findDataset("torchvision.datasets.MNIST", { train: false })?.samples);
  assert.equal(spec.batchSize, 64);
  assert.equal(spec.precision, "fp32");
  assert.equal(spec.device?.kind, "gpu");
  const m = a.models.find((x) => x.name === spec.model);
  assert.ok(m && m.forwardFlops !== null);
  assert.equal(spec.forwardFlops, m.forwardFlops);
  assert.ok(spec.convFlopsShare !== null && spec.convFlopsShare !== undefined && spec.convFlopsShare > 0.5);
  // The Analyzer priced exactly what priceRun gives for that spec under the same settings.
  assert.deepEqual(r.energyKWh, priceRun(spec, DEFAULT_SETTINGS).energyKWh);
  assert.ok(r.co2eKg && r.co2eKg.low > 0 && r.co2eKg.high >= r.co2eKg.low);
  assert.deepEqual(r.unknowns, []);
  // The schedule is stated as script assumptions, each citing the evidence line that gave it.
  const cite = (name: string) => r.assumptions.find((x) => x.name === name)?.citation ?? "";
  assert.match(cite("epochs"), /range\(14\)/);
  assert.match(cite("training samples"), /mnist train/);
  assert.match(cite("validation samples"), /mnist test/);
  assert.match(cite("batch size"), /DataLoader/);
});

test("sweep × epochs, random_split sizes, bf16 autocast and gradient accumulation from the source", () => {
  const a = analyze(fixture("cifar_sweep_amp.py"));
  assert.equal(a.runs.length, 1);
  const { spec } = a.runs[0];
  assert.equal(spec.trials, 2);
  assert.equal(spec.epochs, 30);
  // random_split's 45,000 in batches of 128 with drop_last=True: floor(45000 / 128) = 351 full batches.
  assert.equal(spec.trainSamples, Math.floor(45000 / 128) * 128);
  assert.equal(spec.valSamples, 5000);
  assert.equal(spec.batchSize, 128);
  assert.equal(spec.precision, "bf16-mixed");
  assert.equal(spec.gradientAccumulation, 4);
  assert.ok(!a.runs[0].whatIfs.some((w) => w.id.startsWith("mixed-precision:")), "already mixed precision");
});

test("directives fill samples, input shape and device for a dataset the catalog cannot know", () => {
  const text = fixture("custom_data.py");
  const a = analyze(text);
  const r = a.runs[0];
  assert.equal(r.spec.trainSamples, 120000);
  assert.equal(r.deviceName, "NVIDIA T4");
  assert.equal(r.deviceCount, 2);
  assert.ok(r.energyKWh);
  // Without the input directive the run still appears, with the gap and the directive that fills it.
  const noInput = analyze(text.replace("# footprint: input 300\n", "")).runs[0];
  assert.equal(noInput.energyKWh, null);
  assert.equal(noInput.spec.epochs, 5);
  assert.ok(noInput.spec.unknowns.some((u) => u.hint?.includes("# footprint: input")));
});

test("a region setting changes CO2e but not energy", () => {
  const text = fixture("mnist_cnn.py");
  const world = analyze(text).runs[0];
  const fra = analyze(text, { ...DEFAULT_SETTINGS, region: "FRA" }).runs[0];
  assert.deepEqual(fra.energyKWh, world.energyKWh);
  assert.ok(fra.co2eKg && world.co2eKg && fra.co2eKg.high < world.co2eKg.high);
});

test("drop_last=True prices full batches only; without it the partial batch counts", () => {
  const script = (dropLast: boolean) => `import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
ds = TensorDataset(torch.randn(1000, 8), torch.randint(0, 2, (1000,)))
loader = DataLoader(ds, batch_size=64, shuffle=True${dropLast ? ", drop_last=True" : ""})
model = nn.Linear(8, 2).cuda()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(3):
    for x, y in loader:
        loss = nn.functional.cross_entropy(model(x.cuda()), y.cuda())
        opt.zero_grad()
        loss.backward()
        opt.step()
`;
  // 1,000 samples in batches of 64: 15 full batches (960 samples) and one of 40.
  assert.equal(analyze(script(true)).runs[0].spec.trainSamples, 15 * 64);
  assert.equal(analyze(script(false)).runs[0].spec.trainSamples, 1000);
});
