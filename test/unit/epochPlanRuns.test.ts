// An epoch's samples once the device count is known (footprint/epochPlan.ts): DistributedSampler
// pads each rank to ceil(N / W) and each rank's DataLoader drops its own last partial batch; HF's
// Trainer counts whole update steps (dataloader_drop_last, gradient accumulation); evaluation passes
// when a step budget ends the last epoch early are counted by the schedule's rule, not spread.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { epochPlan } from "../../server/src/analysis/footprint/epochPlan";
import { sampleCounts } from "../../server/src/analysis/footprint/energyModel";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { findDataset } from "../../server/src/analysis/run/datasetCatalog";
import type { RunSpec } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});
const fixture = (p: string) => readFileSync(join(process.cwd(), "test/fixtures/runs", p), "utf8");
const analyze = (text: string, deviceCount = 1) =>
  analyzer.analyze({
    path: "/w/train.py",
    text,
    settings: { ...DEFAULT_SETTINGS, deviceCount },
    workspace: EMPTY_WORKSPACE,
  }).analysis;

/**
 * Samples all ranks train per epoch, measured with torch 1.13 over a 60,000-row TensorDataset,
 * batch 256: sum over ranks of the batch sizes DataLoader(ds, 256, sampler=DistributedSampler(ds,
 * num_replicas=W, rank=r, drop_last=samplerDropLast), drop_last=dropLast) yields.
 */
const TORCH_113 = [
  { w: 7, samplerDropLast: false, dropLast: false, samples: 60004, batches: 34 },
  { w: 7, samplerDropLast: false, dropLast: true, samples: 59136, batches: 33 },
  { w: 7, samplerDropLast: true, dropLast: false, samples: 59997, batches: 34 },
  { w: 4, samplerDropLast: false, dropLast: true, samples: 59392, batches: 58 },
  { w: 4, samplerDropLast: true, dropLast: false, samples: 60000, batches: 59 },
];

const bare = (over: Partial<RunSpec>): RunSpec => ({
  model: "m",
  range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
  framework: "pytorch",
  epochs: 1,
  maxSteps: null,
  trainSamples: 60000,
  valSamples: null,
  batchSize: 256,
  gradientAccumulation: 1,
  tokensPerSample: null,
  precision: "fp32",
  device: null,
  trials: 1,
  forwardFlops: 1,
  params: 1,
  trainableParams: 1,
  evidence: [],
  unknowns: [],
  ...over,
});

test("DistributedSampler epochs match torch 1.13 per rank, with either drop_last", () => {
  for (const t of TORCH_113) {
    const spec = bare({
      epochShape: {
        dataset: 60000,
        batch: 256,
        dropLast: t.dropLast,
        shard: "sampler",
        samplerDropLast: t.samplerDropLast,
        how: "test",
      },
    });
    const plan = epochPlan(spec, t.w);
    assert.equal(plan?.samples, t.samples, JSON.stringify(t));
    assert.equal(plan?.batchesPerRank, t.batches, JSON.stringify(t));
  }
});

test("a torchrun script with DistributedSampler(drop_last per rank) is priced per rank on the device count", () => {
  const text = fixture("ddp_sampler_droplast_fmnist.py");
  const fm = findDataset("torchvision.datasets.FashionMNIST", { train: true })?.samples;
  assert.equal(fm, 60000, "the torch measurement above used the Fashion-MNIST train size");
  const epochs = Number(/--epochs", type=int, default=(\d+)/.exec(text)?.[1]);
  const batch = Number(/--batch-size", type=int, default=(\d+)/.exec(text)?.[1]);
  assert.equal(batch, 256);
  const seven = TORCH_113.find((t) => t.w === 7 && t.dropLast && !t.samplerDropLast);
  const run = analyze(text, 7).runs[0];
  assert.equal(run.deviceCount, 7);
  const samples = run.assumptions.find((a) => a.name === "training samples");
  assert.equal(samples?.value, `${seven?.samples.toLocaleString("en-US")} an epoch on 7 devices`);
  assert.match(samples?.citation ?? "", /per rank/);
  const counts = sampleCounts(run.spec, 7);
  assert.ok("train" in counts);
  assert.equal(counts.train, epochs * (seven?.samples ?? 0));
  // One device: the whole set, drop_last on one process.
  const one = sampleCounts(analyze(text, 1).runs[0].spec, 1);
  assert.ok("train" in one);
  assert.equal(one.train, epochs * Math.floor(60000 / batch) * batch);
});

/** The RTE fine-tune with its TrainingArguments JSON, as the workspace holds them. */
function rte(deviceCount: number, edit = (j: Record<string, unknown>) => j) {
  const dir = "hf/drop_last_cfg";
  const cfg = edit(JSON.parse(fixture(`${dir}/train_cfg.json`)));
  const workspace = {
    roots: ["/w"],
    readFile: (p: string) => (p === "/w/train_cfg.json" ? JSON.stringify(cfg) : null),
  };
  const a = analyzer.analyze({
    path: "/w/finetune_rte.py",
    text: fixture(`${dir}/finetune_rte.py`),
    settings: { ...DEFAULT_SETTINGS, deviceCount },
    workspace,
  }).analysis;
  return { cfg, run: a.runs[0] };
}

test("HF dataloader_drop_last read from a parse_json_file config: whole update steps per epoch, as Trainer counts them", () => {
  const { cfg, run } = rte(1);
  const rows = findDataset("glue", { config: "rte", split: "train" })?.samples ?? Number.NaN;
  const b = cfg.per_device_train_batch_size as number;
  const acc = cfg.gradient_accumulation_steps as number;
  const epochs = cfg.num_train_epochs as number;
  assert.equal(cfg.dataloader_drop_last, true);
  assert.equal(run.spec.trainSamples, rows);
  // Trainer: len(dataloader) = rows // b with drop_last; num_update_steps_per_epoch = max(len // acc, 1).
  const updates = Math.max(1, Math.floor(Math.floor(rows / b) / acc));
  const c = sampleCounts(run.spec, 1);
  assert.ok("train" in c);
  assert.equal(c.train, epochs * updates * acc * b);
  assert.ok(c.train < epochs * rows, "the dropped batch and the left-over micro-batch are not priced");
  assert.match(run.assumptions.find((a) => a.name === "training samples")?.citation ?? "", /whole updates/);
  // Without drop_last (the default) and no accumulation, an epoch is the whole set again.
  const plain = rte(1, (j) => ({ ...j, dataloader_drop_last: false, gradient_accumulation_steps: 1 })).run;
  const p = sampleCounts(plain.spec, 1);
  assert.ok("train" in p);
  assert.equal(p.train, epochs * rows);
});

test("HF on W processes: accelerate deals whole batches round-robin (BatchSamplerShard.__len__)", () => {
  const { cfg, run } = rte(4);
  const rows = findDataset("glue", { config: "rte", split: "train" })?.samples ?? Number.NaN;
  const b = cfg.per_device_train_batch_size as number;
  const acc = cfg.gradient_accumulation_steps as number;
  // accelerate BatchSamplerShard: B = rows // b batches (drop_last); B // 4 per process when drop_last.
  const perProcess = Math.floor(Math.floor(rows / b) / 4);
  const updates = Math.max(1, Math.floor(perProcess / acc));
  const c = sampleCounts(run.spec, 4);
  assert.ok("train" in c);
  assert.equal(c.train, (cfg.num_train_epochs as number) * updates * acc * b * 4);
});

test("HF eval_strategy=epoch with max_steps: the epoch max_steps cuts short is evaluated too (on_epoch_end)", () => {
  const { run } = rte(1, (j) => ({ ...j, max_steps: 100 }));
  const rows = findDataset("glue", { config: "rte", split: "train" })?.samples ?? Number.NaN;
  const val = findDataset("glue", { config: "rte", split: "validation" })?.samples ?? Number.NaN;
  const updates = Math.max(1, Math.floor(Math.floor(rows / 32) / 2));
  const c = sampleCounts(run.spec, 1);
  assert.ok("train" in c);
  // Trainer: num_train_epochs = ceil(max_steps / updates per epoch), each ending in an evaluation.
  assert.equal(c.eval, Math.ceil(100 / updates) * val);
  assert.ok(100 % updates !== 0, "the budget ends mid-epoch, so the rule matters");
  assert.equal(c.evalPasses?.passes, Math.ceil(100 / updates));
  assert.match(run.assumptions.find((a) => a.name === "evaluation passes")?.citation ?? "", /on_epoch_end/);
});

test("a loop validating every k steps inside the batch loop, stopped by a global step budget: floor(S / k) passes", () => {
  const text = fixture("step_budget_val_every_k.py");
  const run = analyze(text).runs[0];
  const maxSteps = Number(/^MAX_STEPS = (\d+)/m.exec(text)?.[1]);
  const every = Number(/^EVAL_EVERY = (\d+)/m.exec(text)?.[1]);
  const val = findDataset("torchvision.datasets.CIFAR10", { train: false })?.samples ?? Number.NaN;
  assert.equal(run.spec.maxSteps, maxSteps);
  assert.deepEqual(run.spec.evalEverySteps, { steps: every, samples: val });
  const c = sampleCounts(run.spec, 1);
  assert.ok("train" in c);
  assert.equal(c.eval, Math.floor(maxSteps / every) * val);
  assert.equal(c.stepEvalPasses?.passes, Math.floor(maxSteps / every));
  // Priced, so not reported as forwards left out.
  assert.ok(!run.unknowns.some((u) => /forward-only outside the training step/.test(u.message)));
});

/** CIFAR-10, a per-epoch validation after the batch loop, and a step budget that breaks out mid-epoch. */
const budgetScript = (between: string) => `import torch, torch.nn as nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms
MAX_STEPS = 1000
tf = transforms.ToTensor()
train_loader = DataLoader(datasets.CIFAR10("d", train=True, transform=tf), batch_size=128, shuffle=True)
val_loader = DataLoader(datasets.CIFAR10("d", train=False, transform=tf), batch_size=256)
model = nn.Sequential(nn.Flatten(), nn.Linear(3072, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
step = 0
for epoch in range(100):
    for x, y in train_loader:
        loss = nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step >= MAX_STEPS:
            break
${between}
    with torch.no_grad():
        for x, y in val_loader:
            model(x)
`;

test("per-epoch validation with a step budget that ends mid-epoch: the cut-short epoch is validated unless the loop leaves first", () => {
  const train = findDataset("torchvision.datasets.CIFAR10", { train: true })?.samples ?? Number.NaN;
  const val = findDataset("torchvision.datasets.CIFAR10", { train: false })?.samples ?? Number.NaN;
  const stepsPerEpoch = Math.ceil(train / 128);
  assert.ok(1000 % stepsPerEpoch !== 0, "the budget ends mid-epoch");
  const after = analyze(budgetScript("")).runs[0];
  const a = sampleCounts(after.spec, 1);
  assert.ok("train" in a);
  assert.equal(after.spec.epochEvalRule?.partialEpoch, "evaluated");
  assert.equal(a.eval, Math.ceil(1000 / stepsPerEpoch) * val);
  assert.match(after.assumptions.find((x) => x.name === "evaluation passes")?.citation ?? "", /evaluated too/);
  const left = analyze(budgetScript("    if step >= MAX_STEPS:\n        break")).runs[0];
  const b = sampleCounts(left.spec, 1);
  assert.ok("train" in b);
  assert.equal(left.spec.epochEvalRule?.partialEpoch, "skipped");
  assert.equal(b.eval, Math.floor(1000 / stepsPerEpoch) * val);
});

test("the training-samples assumption cites the line that gave its value (drop_last's kept samples, not the dataset's size)", () => {
  const text = budgetScript("").replace("batch_size=128, shuffle=True", "batch_size=128, shuffle=True, drop_last=True");
  const run = analyze(text.replace("MAX_STEPS = 1000", "MAX_STEPS = 10**9")).runs[0];
  const train = findDataset("torchvision.datasets.CIFAR10", { train: true })?.samples ?? Number.NaN;
  const kept = Math.floor(train / 128) * 128;
  const a = run.assumptions.find((x) => x.name === "training samples");
  assert.equal(a?.value, kept.toLocaleString("en-US"));
  assert.match(a?.citation ?? "", /drop_last keeps/);
});

test("a loader through accelerate's prepare() is dealt in whole batches per process (BatchSamplerShard, even_batches)", () => {
  const text = fixture("accelerate/cifar_convnet_accelerate.py");
  const batch = Number(/^BATCH = (\d+)/m.exec(text)?.[1]);
  const train = findDataset("torchvision.datasets.CIFAR10", { train: true })?.samples ?? Number.NaN;
  const run = analyze(text, 4).runs[0];
  // BatchSamplerShard.__len__ without drop_last: ceil(B / W) batches per process, the last completed.
  const perProcess = Math.ceil(Math.ceil(train / batch) / 4);
  assert.equal(epochPlan(run.spec, 4)?.samples, 4 * perProcess * batch);
  assert.match(run.assumptions.find((a) => a.name === "training samples")?.citation ?? "", /dealt over 4 processes/);
  // One process: the whole set, as before.
  assert.equal(epochPlan(analyze(text, 1).runs[0].spec, 1)?.samples, train);
});

test("HF fractional num_train_epochs: ceil(epochs × updates) steps, and the cut-short last epoch is evaluated", () => {
  const { cfg, run } = rte(1, (j) => ({ ...j, num_train_epochs: 2.5 }));
  const rows = findDataset("glue", { config: "rte", split: "train" })?.samples ?? Number.NaN;
  const val = findDataset("glue", { config: "rte", split: "validation" })?.samples ?? Number.NaN;
  const b = cfg.per_device_train_batch_size as number;
  const acc = cfg.gradient_accumulation_steps as number;
  const updates = Math.max(1, Math.floor(Math.floor(rows / b) / acc));
  const c = sampleCounts(run.spec, 1);
  assert.ok("train" in c);
  // Trainer: max_steps = ceil(2.5 × updates), num_train_epochs = ceil(2.5) = 3 epochs started.
  assert.equal(c.train, Math.ceil(2.5 * updates) * acc * b);
  assert.equal(c.eval, 3 * val);
});
