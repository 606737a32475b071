// Lightning runs end to end through the Analyzer: a LightningModule is an nn.Module (exact params,
// forward traced on the loader's batch through training_step), Trainer flags give the schedule,
// precision and devices; data from fit's loader, a LightningDataModule or the module's own hook.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import type { TraceEvent } from "../../server/src/analysis/evaluate/trace";
import { deviceCount, lightningPrecision } from "../../server/src/analysis/frameworks/lightning/trainer";
import { sampleCounts } from "../../server/src/analysis/footprint/energyModel";
import { priceRun } from "../../server/src/analysis/footprint/priceRun";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { findDataset } from "../../server/src/analysis/run/datasetCatalog";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";
import { batchNormParams, conv2dParams, linearParams, run } from "./evaluateHelpers";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

const read = (p: string) => readFileSync(join(process.cwd(), p), "utf8");
const analyze = (text: string) =>
  analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;
const scriptNumber = (text: string, pattern: RegExp): number => {
  const m = pattern.exec(text);
  if (!m) throw new Error(`not in the script: ${pattern}`);
  return Number(m[1]);
};
const fitEvent = (trace: TraceEvent[]) => {
  const e = trace.find((x): x is Extract<TraceEvent, { kind: "lightningFit" }> => x.kind === "lightningFit");
  assert.ok(e, "a lightningFit event");
  return e;
};

test("the shipped autoencoder example: random_split size, loader batch, 16-mixed on one GPU, priced", () => {
  const text = read("examples/lightning_autoencoder.py");
  const a = analyze(text);
  assert.equal(a.runs.length, 1);
  const r = a.runs[0];
  const { spec } = r;
  assert.equal(spec.framework, "lightning");
  assert.equal(spec.epochs, scriptNumber(text, /max_epochs=(\d+)/));
  assert.equal(spec.trainSamples, scriptNumber(text, /random_split\(full, \[(\d+),/));
  assert.equal(spec.batchSize, scriptNumber(text, /batch_size=(\d+)\):/));
  assert.equal(spec.precision, "fp16-mixed");
  assert.deepEqual(spec.device, { id: null, count: scriptNumber(text, /devices=(\d+)/), kind: "gpu" });
  // Encoder 784→512→128→latent, decoder latent→128→512→784 (torch.nn.Linear: in·out + out).
  const latent = scriptNumber(text, /LATENT_DIM = (\d+)/);
  const dims = [784, 512, 128, latent, 128, 512, 784];
  const expected = dims.slice(1).reduce((s, out, i) => s + linearParams(dims[i], out), 0);
  assert.equal(spec.params, expected);
  const m = a.models.find((x) => x.name === spec.model);
  assert.ok(m);
  assert.deepEqual(m.inputShape, findDataset("torchvision.datasets.FashionMNIST", { train: true })?.sampleShape);
  assert.ok(spec.forwardFlops && spec.forwardFlops === m.forwardFlops);
  assert.ok(r.energyKWh && r.energyKWh.low > 0 && r.energyKWh.high >= r.energyKWh.low);
  assert.deepEqual(r.co2eKg, priceRun(spec, DEFAULT_SETTINGS).co2eKg);
  assert.deepEqual(r.unknowns, []);
});

test("LightningDataModule: setup's random_split, hparams batch size, DDP ×2 in bf16, conv model traced", () => {
  const text = read("test/fixtures/runs/lightning/cifar_datamodule.py");
  const a = analyze(text);
  assert.equal(a.runs.length, 1);
  const r = a.runs[0];
  const { spec } = r;
  const train = findDataset("torchvision.datasets.CIFAR10", { train: true });
  assert.ok(train?.samples);
  assert.equal(spec.trainSamples, train.samples - scriptNumber(text, /val_size=(\d+)/));
  assert.equal(spec.batchSize, scriptNumber(text, /CIFARData\(batch_size=(\d+)\)/));
  assert.equal(spec.epochs, scriptNumber(text, /max_epochs=(\d+)/));
  assert.equal(spec.device?.count, scriptNumber(text, /devices=(\d+)/));
  assert.equal(spec.precision, "bf16-mixed");
  const w = scriptNumber(text, /SmallResNet\(width=(\d+)\)/);
  const block = (ci: number, co: number) => conv2dParams(ci, co, 3, false) + batchNormParams(co);
  assert.equal(spec.params, block(3, w) + block(w, 2 * w) + block(2 * w, 4 * w) + linearParams(4 * w, 10));
  const m = a.models.find((x) => x.name === spec.model);
  assert.deepEqual(m?.inputShape, train.sampleShape);
  assert.ok(spec.convFlopsShare && spec.convFlopsShare > 0.9);
  assert.ok(r.timeHours && r.energyKWh && r.co2eKg);
});

const MODULE = `
import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader
from torchvision.datasets import MNIST
from torchvision import transforms

class Classifier(L.LightningModule):
    def __init__(self, hidden=64):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(784, self.hparams.hidden), nn.ReLU(), nn.Linear(self.hparams.hidden, 10))

    def training_step(self, batch, batch_idx):
        x, y = batch
        return nn.functional.cross_entropy(self.net(x), y)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters())
`;

test("Trainer flags: limit_train_batches, max_steps, integer precision, device lists, the module's own loader", async () => {
  const mnist = findDataset("torchvision.datasets.MNIST", { train: true });
  assert.ok(mnist?.samples);
  const loader = `DataLoader(MNIST(".", train=True, transform=transforms.ToTensor()), batch_size=100)`;
  const limited = fitEvent(
    (await run(`${MODULE}\nL.Trainer(max_epochs=3, limit_train_batches=0.25).fit(Classifier(), ${loader})`)).trace,
  );
  // A float is a fraction of the batches per epoch (Lightning docs): floor(batches × 0.25) batches.
  assert.equal(limited.loader?.dataset?.samples, Math.floor((mnist.samples / 100) * 0.25) * 100);
  assert.equal(limited.maxEpochs, 3);

  const steps = fitEvent(
    (
      await run(
        `${MODULE}\nL.Trainer(max_steps=500, precision=16, devices=[0, 1, 2, 3], accelerator="cuda").fit(Classifier(hidden=32), train_dataloaders=${loader})`,
      )
    ).trace,
  );
  assert.equal(steps.maxSteps, 500);
  assert.equal(steps.precision, "fp16-mixed");
  assert.equal(steps.devices, 4);
  assert.equal(steps.loader?.batchSize, 100);

  const own = await run(
    `${MODULE.replace("    def configure_optimizers", `    def train_dataloader(self):\n        return ${loader}\n\n    def configure_optimizers`)}\nmodel = Classifier()\nL.Trainer(max_epochs=2).fit(model)`,
  );
  const e = fitEvent(own.trace);
  assert.equal(e.loader?.dataset?.samples, mnist.samples);
  const m = own.models.find((x) => x.id === e.modelId);
  assert.ok(m, "the fitted module is a costed model");
  assert.equal(m.params, linearParams(784, 64) + linearParams(64, 10));
  // Forward traced through training_step on the loader's batch: FLOPs = 2 × MACs of the two Linears.
  assert.equal(m.forwardFlops, 2 * (784 * 64 + 64 * 10));
  assert.deepEqual(m.inputShape, mnist.sampleShape);
  assert.equal(own.models.length, 1, "the child Sequential is part of the module, not a model of its own");
});

test("precision and devices tables follow the Lightning Trainer docs", () => {
  const s = (v: string) => ({ k: "str" as const, v });
  const n = (v: number) => ({ k: "num" as const, v, int: true });
  assert.equal(lightningPrecision(s("bf16-mixed")), "bf16-mixed");
  assert.equal(lightningPrecision(s("bf16")), "bf16-mixed");
  assert.equal(lightningPrecision(s("16-true")), "fp16");
  assert.equal(lightningPrecision(n(64)), "fp64");
  assert.equal(lightningPrecision(s("32-true")), "fp32");
  assert.equal(lightningPrecision(s("transformer-engine")), null);
  assert.equal(deviceCount(s("0,1")), 2);
  assert.equal(deviceCount(s("auto")), null);
  assert.equal(deviceCount(n(-1)), null);
  assert.equal(deviceCount(s("8")), 8);
});

test("accumulate_grad_batches, the validation loop (val_check_interval, limit_val_batches) and EarlyStopping", () => {
  const text = read("test/fixtures/runs/lightning/text_classifier_accumulate.py");
  const a = analyze(text);
  assert.equal(a.runs.length, 1);
  const { spec } = a.runs[0];
  assert.equal(spec.gradientAccumulation, scriptNumber(text, /accumulate_grad_batches=(\d+)/));
  assert.equal(spec.trainSamples, scriptNumber(text, /\[(\d+), \d+\]\)/));
  // Lightning: limit_val_batches=0.25 keeps int(batches × 0.25) batches of the 256-sample val loader;
  // val_check_interval=0.5 validates twice per training epoch.
  const val = scriptNumber(text, /\[\d+, (\d+)\]\)/);
  const valBatch = scriptNumber(text, /DataLoader\(val, batch_size=(\d+)/);
  const kept = Math.floor(Math.ceil(val / valBatch) * scriptNumber(text, /limit_val_batches=([\d.]+)/));
  assert.equal(spec.valSamples, kept * valBatch * Math.round(1 / scriptNumber(text, /val_check_interval=([\d.]+)/)));
  assert.ok(spec.evidence.includes("EarlyStopping callback: the epoch count is an upper bound"));
  assert.ok(!a.findings.some((f) => f.code === "FP160"), "early stopping present: no FP160");
  // Validation forwards are priced: the same run without a validation loop costs less.
  const noVal = analyze(text.replace(/\n {4}def validation_step[\s\S]*?prog_bar=True\)\n/, "\n"));
  assert.equal(noVal.runs[0].spec.valSamples, null);
  const flops = (r: (typeof a.runs)[number]) => r.trainFlops?.low ?? 0;
  assert.ok(flops(a.runs[0]) > flops(noVal.runs[0]));
});

test("max_steps with gradient accumulation counts optimizer steps; check_val_every_n_epoch spaces validation", async () => {
  const loader = `DataLoader(MNIST("data", train=True, download=True, transform=transforms.ToTensor()), batch_size=32)`;
  const withVal = MODULE.replace(
    "    def configure_optimizers",
    `    def validation_step(self, batch, batch_idx):\n        return None\n\n    def val_dataloader(self):\n        return DataLoader(MNIST("data", train=False, transform=transforms.ToTensor()), batch_size=100)\n\n    def configure_optimizers`,
  );
  const r = await run(
    `${withVal}\nL.Trainer(max_steps=1000, accumulate_grad_batches=8, check_val_every_n_epoch=5).fit(Classifier(), ${loader})`,
  );
  const e = fitEvent(r.trace);
  assert.equal(e.accumulate, 8);
  assert.equal(e.valPerEpoch, 1 / 5);
  const test10k = findDataset("torchvision.datasets.MNIST", { train: false });
  assert.equal(e.valLoader?.dataset?.samples, test10k?.samples);
  // Priced samples: 1000 optimizer steps × 8 accumulated batches × 32; validation every 5th epoch of those.
  const a = analyze(
    `${withVal}\nL.Trainer(max_steps=1000, accumulate_grad_batches=8, check_val_every_n_epoch=5).fit(Classifier(), ${loader})`,
  );
  const counts = sampleCounts(a.runs[0].spec, 1);
  assert.ok("train" in counts);
  assert.equal(counts.train, 1000 * 8 * 32);
  const mnist = findDataset("torchvision.datasets.MNIST", { train: true });
  assert.ok(mnist?.samples && test10k?.samples);
  assert.equal(counts.eval, Math.round(((1000 * 8 * 32) / mnist.samples) * (test10k.samples / 5)));
});

test("DataModule built in the __main__ block: limit_train_batches fraction, 16-mixed on devices=2, accumulation, val twice an epoch", () => {
  const text = read("test/fixtures/runs/lightning/mnist_dm_limit_batches.py");
  const a = analyze(text);
  assert.equal(a.runs.length, 1);
  const r = a.runs[0];
  const { spec } = r;
  const batch = scriptNumber(text, /KMNISTData\(batch_size=(\d+)\)/);
  const limit = scriptNumber(text, /limit_train_batches=([\d.]+)/);
  const kmnist = findDataset("torchvision.datasets.KMNIST", { train: true })?.samples;
  const kmnistTest = findDataset("torchvision.datasets.KMNIST", { train: false })?.samples;
  assert.ok(typeof kmnist === "number" && typeof kmnistTest === "number");
  assert.equal(spec.batchSize, batch);
  // Lightning docs: a float limit keeps int(fraction × batches per epoch) batches, of each process's
  // share: on N devices the DistributedSampler gives each ceil(samples / N) samples.
  const devices = scriptNumber(text, /devices=(\d+)/);
  assert.equal(spec.trainSamples, Math.floor(Math.ceil(Math.ceil(kmnist / devices) / batch) * limit) * batch * devices);
  assert.equal(spec.epochs, scriptNumber(text, /max_epochs=(\d+)/));
  assert.equal(spec.gradientAccumulation, scriptNumber(text, /accumulate_grad_batches=(\d+)/));
  assert.equal(spec.precision, "fp16-mixed");
  assert.equal(r.deviceCount, scriptNumber(text, /devices=(\d+)/));
  // val_check_interval=0.5: two validation passes over the test split per epoch.
  assert.equal(spec.valSamples, kmnistTest / scriptNumber(text, /val_check_interval=([\d.]+)/));
  const m = a.models.find((x) => x.name === spec.model);
  assert.ok(m);
  assert.equal(
    m.params,
    conv2dParams(1, 32, 3) + conv2dParams(32, 64, 3) + linearParams(64 * 12 * 12, 512) + linearParams(512, 10),
  );
  assert.ok(r.energyKWh, "priced");
});

test("max_time alone: fit runs the whole wall-clock budget, stated as an assumption, no early-stopping finding", () => {
  const loader = `DataLoader(MNIST("data", train=True, transform=transforms.ToTensor()), batch_size=256)`;
  const text = `${MODULE}\ntrainer = L.Trainer(max_time="00:00:10:00", accelerator="gpu", devices=1)\ntrainer.fit(Classifier(), ${loader})\n`;
  const a = analyze(text);
  const [r] = a.runs;
  const budget = scriptNumber(text, /max_time="00:00:(\d+):00"/) / 60;
  assert.equal(r.spec.maxTimeHours, budget);
  assert.equal(r.spec.epochs, null, "Lightning sets max_epochs=-1 under max_time");
  assert.deepEqual(r.timeHours, { low: budget, high: budget });
  assert.deepEqual(r.energyKWh, priceRun(r.spec, DEFAULT_SETTINGS).energyKWh);
  assert.ok(r.energyKWh && r.energyKWh.low > 0);
  assert.ok(r.assumptions.some((x) => x.name === "max time (h)" && x.source === "script"));
  assert.deepEqual(r.unknowns, []);
  assert.ok(!r.spec.unknowns.some((u) => /epochs/.test(u.message)));
  assert.ok(!a.findings.some((f) => f.code === "FP160"));
});

test("max_time with max_epochs caps the time only when the budget binds (dict and timedelta forms)", () => {
  const loader = `DataLoader(MNIST("data", train=True, transform=transforms.ToTensor()), batch_size=256)`;
  const fit = (flags: string) =>
    analyze(`${MODULE}\nimport datetime\nL.Trainer(max_epochs=1000, ${flags}).fit(Classifier(), ${loader})\n`);
  const free = fit('accelerator="gpu"');
  const freeHours = free.runs[0].timeHours;
  assert.ok(freeHours && free.findings.some((f) => f.code === "FP160"), "1000 epochs, no budget: FP160");

  // A budget of a day and a half is longer than the 1000 epochs take: nothing changes.
  const loose = fit('max_time={"days": 1, "hours": 12}');
  assert.equal(loose.runs[0].spec.maxTimeHours, 24 + 12);
  assert.ok(freeHours.high < 36);
  assert.deepEqual(loose.runs[0].timeHours, freeHours);
  assert.equal(loose.runs[0].spec.epochs, 1000);
  assert.ok(loose.findings.some((f) => f.code === "FP160"));

  // Five minutes is shorter: the time is capped there and the run already stops early.
  const tight = fit("max_time=datetime.timedelta(minutes=5)");
  const cap = 5 / 60;
  assert.ok(freeHours.high > cap);
  assert.equal(tight.runs[0].spec.maxTimeHours, cap);
  assert.equal(tight.runs[0].timeHours?.high, cap);
  assert.equal(tight.runs[0].timeHours?.low, Math.min(freeHours.low, cap));
  assert.ok(!tight.findings.some((f) => f.code === "FP160"));
});

test("DDP on N devices: integer limit_train_batches, limit_val_batches and val_check_interval count each process's batches", () => {
  const text = read("test/fixtures/runs/lightning/svhn_ddp_int_limits.py");
  const { spec } = analyze(text).runs[0];
  const devices = scriptNumber(text, /devices=(\d+)/);
  const batch = scriptNumber(text, /split="train", .*batch_size=(\d+)/);
  const valBatch = scriptNumber(text, /split="test", .*batch_size=(\d+)/);
  const limit = scriptNumber(text, /limit_train_batches=(\d+)/);
  const valLimit = scriptNumber(text, /limit_val_batches=(\d+)/);
  const interval = scriptNumber(text, /val_check_interval=(\d+)/);
  const svhn = findDataset("torchvision.datasets.SVHN", { split: "train" })?.samples;
  assert.ok(typeof svhn === "number");
  // Each process draws `limit` of its own batches: the epoch is devices × limit × batch samples.
  const own = Math.ceil(Math.ceil(svhn / devices) / batch);
  assert.ok(own > limit, "the limit binds");
  assert.equal(spec.trainSamples, limit * batch * devices);
  // Validation every `interval` of a process's (limited) batches, each check limit_val_batches per process.
  const checks = Math.floor(limit / interval);
  assert.equal(spec.valSamples, checks * valLimit * valBatch * devices);
  assert.equal(spec.epochs, scriptNumber(text, /max_epochs=(\d+)/));
  assert.equal(spec.device?.count, devices);
});
