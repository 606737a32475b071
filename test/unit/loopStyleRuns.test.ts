// Training loops in the styles real projects write, end to end through the Analyzer on the scripts
// in test/fixtures/runs: zip() over two loaders, a step budget over itertools.cycle / iter()+next(),
// accumulation guards whose factor is a function parameter, torchrun DDP, AMP with GradScaler.
// Expected values are read from the script text and the dataset catalog, never typed by hand.
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

const fixture = (name: string) => readFileSync(join(process.cwd(), "test/fixtures/runs", name), "utf8");
const analyze = (text: string) =>
  analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;
/** A number the script writes after `pattern` (the script is the oracle for its own schedule). */
const scriptNumber = (text: string, pattern: RegExp): number => {
  const m = pattern.exec(text);
  if (!m) throw new Error(`not in the script: ${pattern}`);
  return Number(m[1].replace(/_/g, ""));
};
const tvSamples = (cls: string, train: boolean) => {
  const n = findDataset(`torchvision.datasets.${cls}`, { train })?.samples;
  assert.ok(typeof n === "number", `${cls} in the catalog`);
  return n;
};

test("zip(source_loader, target_loader): an epoch ends with the shorter loader; a model called twice costs twice", () => {
  const text = fixture("zip_domain_adapt.py");
  const a = analyze(text);
  assert.equal(a.runs.length, 1);
  const { spec } = a.runs[0];
  assert.ok(tvSamples("USPS", true) < tvSamples("MNIST", true));
  // Both loaders drop their last partial batch (drop_last=True): USPS's full batches only.
  const batch = scriptNumber(text, /^BATCH = (\d+)/m);
  assert.equal(spec.trainSamples, Math.floor(tvSamples("USPS", true) / batch) * batch);
  assert.equal(spec.epochs, scriptNumber(text, /^EPOCHS = (\d+)/m));
  assert.equal(spec.batchSize, batch);
  // Each step runs the shared encoder and the discriminator on both batches: two forwards (and
  // backwards) each per sample, the classifier one.
  const flops = (name: string) => a.models.find((m) => m.name === name)?.forwardFlops ?? Number.NaN;
  assert.equal(spec.forwardFlops, 2 * flops("encoder") + flops("classifier") + 2 * flops("discriminator"));
  // The two arms of an if/else are one call per step, not two.
  const branched = text.replace(
    "        fs, ft = encoder(xs), encoder(xt)\n",
    "        if torch.rand(1).item() < 0.5:\n            fs = encoder(xs)\n        else:\n            fs = encoder(xs.flip(3))\n        ft = fs\n",
  );
  assert.notEqual(branched, text);
  const b = analyze(branched).runs[0].spec;
  assert.equal(b.forwardFlops, flops("encoder") + flops("classifier") + 2 * flops("discriminator"));
});

test("a step budget over itertools.cycle(loader) and over iter()+next(): steps × the loader's batch", () => {
  const text = fixture("max_steps_cycle.py");
  const a = analyze(text);
  assert.equal(a.runs.length, 2);
  const [cycled, restarted] = a.runs;
  const batch = scriptNumber(text, /batch_size=(\d+)/);
  assert.equal(cycled.spec.maxSteps, scriptNumber(text, /^max_steps = ([\d_]+)/m));
  assert.equal(cycled.spec.batchSize, batch);
  assert.ok(cycled.energyKWh, "priced");
  assert.equal(restarted.spec.maxSteps, scriptNumber(text, /^finetune_steps = ([\d_]+)/m));
  assert.equal(restarted.spec.batchSize, batch);
});

test("tqdm(enumerate-style) loop in a helper: accumulation factor passed in from argparse, eval loop in another helper", () => {
  const text = fixture("accum_tqdm_cifar.py");
  const a = analyze(text);
  assert.equal(a.runs.length, 1);
  const { spec } = a.runs[0];
  assert.equal(spec.epochs, scriptNumber(text, /"--epochs", type=int, default=(\d+)/));
  assert.equal(spec.batchSize, scriptNumber(text, /"--batch-size", type=int, default=(\d+)/));
  assert.equal(spec.trainSamples, tvSamples("CIFAR100", true));
  assert.equal(spec.valSamples, tvSamples("CIFAR100", false));
  const accum = scriptNumber(text, /"--accum-steps", type=int, default=(\d+)/);
  assert.ok(accum > 1);
  assert.equal(spec.gradientAccumulation, accum);
  assert.equal(spec.loaderWorkers, scriptNumber(text, /"--workers", type=int, default=(\d+)/));
  // An `or` clause for the last batch keeps the factor; a literal at the call site wins over argparse.
  const withOr = text.replace(
    "if (step + 1) % accum_steps == 0:",
    "if (step + 1) % accum_steps == 0 or (step + 1) == len(loader):",
  );
  assert.notEqual(withOr, text);
  assert.equal(analyze(withOr).runs[0].spec.gradientAccumulation, accum);
  // `step % k == k - 1` on the 0-based index is the same guard; `== 1` with no `k - 1` is not one.
  const lastOfGroup = text.replace("if (step + 1) % accum_steps == 0:", "if step % accum_steps == accum_steps - 1:");
  assert.notEqual(lastOfGroup, text);
  assert.equal(analyze(lastOfGroup).runs[0].spec.gradientAccumulation, accum);
  const offset = text.replace("if (step + 1) % accum_steps == 0:", "if step % accum_steps == 1:");
  assert.equal(analyze(offset).runs[0].spec.gradientAccumulation, 1);
  const literal = text.replace("args.accum_steps, epoch)", "8, epoch)");
  assert.notEqual(literal, text);
  assert.equal(analyze(literal).runs[0].spec.gradientAccumulation, 8);
  // Callers that pass different factors leave it unread rather than picking one.
  const twoCallers = text.replace(
    "        acc = evaluate(",
    "        train_one_epoch(model, train_loader, optimizer, scheduler, device, 2, epoch)\n        acc = evaluate(",
  );
  assert.notEqual(twoCallers, text);
  assert.equal(analyze(twoCallers).runs[0].spec.gradientAccumulation, 1);
});

test("torchrun DDP with bf16 autocast: the GPU count is the launcher's, said as an unknown a directive fills", () => {
  const text = fixture("ddp_torchrun_bf16.py");
  const r = analyze(text).runs[0];
  assert.equal(r.spec.precision, "bf16-mixed");
  assert.equal(r.spec.device?.kind, "gpu");
  assert.equal(r.spec.device?.count, null);
  assert.equal(r.spec.epochs, scriptNumber(text, /^EPOCHS = (\d+)/m));
  assert.equal(r.spec.batchSize, scriptNumber(text, /^PER_GPU_BATCH = (\d+)/m));
  assert.equal(r.spec.trainSamples, tvSamples("CIFAR10", true));
  const gap = r.spec.unknowns.find((u) => /launcher/.test(u.message));
  assert.ok(gap?.hint?.includes("# footprint: device"), "says the count is the launcher's and how to state it");
  assert.ok(r.energyKWh, "still priced, on the configured count");
  const stated = analyze(`# footprint: device a100 x4\n${text}`).runs[0];
  assert.equal(stated.deviceCount, 4);
  assert.ok(!stated.spec.unknowns.some((u) => /launcher/.test(u.message)));
  // The same scale-out costs the same energy: 4 GPUs for a quarter of the steps each.
  assert.ok(stated.energyKWh && stated.energyKWh.high > 0);
});

test("fp16 autocast + GradScaler with a dataclass config: mixed precision already, so FP110 stays silent", () => {
  const text = fixture("amp_scaler_dataclass.py");
  const a = analyze(text);
  const { spec } = a.runs[0];
  assert.equal(spec.precision, "fp16-mixed");
  assert.equal(spec.epochs, scriptNumber(text, /epochs: int = (\d+)/));
  assert.equal(spec.batchSize, scriptNumber(text, /batch_size: int = (\d+)/));
  assert.equal(spec.loaderWorkers, scriptNumber(text, /num_workers: int = (\d+)/));
  const svhn = findDataset("torchvision.datasets.SVHN", { split: "train" })?.samples;
  assert.ok(typeof svhn === "number");
  assert.equal(spec.trainSamples, svhn);
  assert.ok(!a.findings.some((f) => f.code === "FP110"));
  // Without autocast and the scaler the same loop is fp32: the precision came from them, not a default.
  const fp32 = text
    .replace("            with autocast():\n                loss =", "            if True:\n                loss =")
    .replace("scaler.scale(loss).backward()", "loss.backward()")
    .replace("scaler.step(optimizer)", "optimizer.step()")
    .replace("    scaler = GradScaler()\n", "");
  assert.notEqual(fp32, text);
  assert.equal(analyze(fp32).runs[0].spec.precision, "fp32");
});

test("a while loop around the loader with an optimizer-step budget and a micro-batch accumulation counter", () => {
  const text = fixture("while_step_budget.py");
  const budget = scriptNumber(text, /^TOTAL_STEPS = ([\d_]+)/m);
  const accum = scriptNumber(text, /^GRAD_ACCUM = (\d+)/m);
  const batch = scriptNumber(text, /^MICRO_BATCH = (\d+)/m);
  const stl10 = findDataset("torchvision.datasets.STL10", { split: "train" })?.samples;
  assert.ok(typeof stl10 === "number");
  const spec = (t: string) => {
    const runs = analyze(t).runs;
    assert.equal(runs.length, 1);
    return runs[0].spec;
  };
  const s = spec(text);
  assert.equal(s.gradientAccumulation, accum, "`micro_step % GRAD_ACCUM` counts batches, so it is accumulation");
  assert.equal(s.maxSteps, budget);
  assert.equal(s.epochs, null);
  assert.equal(s.batchSize, batch);
  assert.equal(s.precision, "bf16-mixed");
  assert.deepEqual(s.unknowns, []);
  // Only the while condition left: the same budget, read from `while opt_step < TOTAL_STEPS`.
  const whileOnly = text.replace("                if opt_step >= TOTAL_STEPS:\n                    break\n", "");
  assert.notEqual(whileOnly, text);
  assert.equal(spec(whileOnly).maxSteps, budget);
  // A budget on the micro-batch counter is in batches: optimizer steps are a GRAD_ACCUM-th of it.
  const inBatches = whileOnly.replace("while opt_step < TOTAL_STEPS:", "while micro_step < TOTAL_STEPS:");
  assert.equal(spec(inBatches).maxSteps, Math.ceil(budget / accum));
  // Known epochs and a budget: whichever ends first.
  const epochs = (n: number) => text.replace("while opt_step < TOTAL_STEPS:", `for epoch in range(${n}):`);
  const stepsPerEpoch = Math.floor(stl10 / batch) / accum;
  const many = Math.ceil((2 * budget) / stepsPerEpoch);
  assert.equal(spec(epochs(many)).maxSteps, budget);
  const few = Math.floor(budget / stepsPerEpoch / 2);
  assert.ok(few >= 1);
  const short = spec(epochs(few));
  assert.equal(short.epochs, few);
  assert.equal(short.maxSteps, null);
  // The batch loop's own index caps each epoch, not the run.
  const capped = text.replace(
    "    while opt_step < TOTAL_STEPS:\n        for images, labels in loader:\n",
    "    for epoch in range(4):\n        for i, (images, labels) in enumerate(loader):\n            if i >= 20:\n                break\n",
  );
  assert.notEqual(capped, text);
  const c = spec(capped);
  assert.equal(c.epochs, 4);
  assert.equal(c.trainSamples, 20 * batch);
});

test("train/val phase loop under torch.set_grad_enabled(phase == ...): the training forward is a trained model", () => {
  const text = fixture("phase_loop_finetune.py");
  const a = analyze(text);
  assert.equal(a.runs.length, 1);
  const { spec } = a.runs[0];
  const net = a.models.find((m) => m.name === "net");
  assert.ok(net?.forwardFlops, "the fine-tuned ResNet-50 is sized");
  assert.equal(spec.model, "net");
  assert.equal(spec.forwardFlops, net.forwardFlops);
  assert.equal(spec.epochs, scriptNumber(text, /^NUM_EPOCHS = (\d+)/m));
  assert.equal(spec.batchSize, scriptNumber(text, /^BATCH_SIZE = (\d+)/m));
  assert.equal(spec.trainSamples, findDataset("torchvision.datasets.OxfordIIITPet", { split: "trainval" })?.samples);
  assert.ok(a.runs[0].energyKWh, "priced");
  // The test phase re-runs the same batch loop without backward: said, since it is not priced.
  assert.ok(
    spec.unknowns.some((u) => /phase in \["trainval", "test"\]/.test(u.message) && /evaluation/.test(u.message)),
  );
  // set_grad_enabled(False) is no_grad: nothing trains with grad, so no model is named for the run.
  const off = text.replace('torch.set_grad_enabled(phase == "trainval")', "torch.set_grad_enabled(False)");
  assert.notEqual(off, text);
  assert.equal(analyze(off).runs[0]?.spec.model ?? null, null);
  // enable_grad inside no_grad turns grad back on.
  const nested = text.replace(
    'with torch.set_grad_enabled(phase == "trainval"):\n                logits = net(images)',
    "with torch.no_grad(), torch.enable_grad():\n                logits = net(images)",
  );
  assert.notEqual(nested, text);
  assert.equal(analyze(nested).runs[0].spec.model, "net");
});

test("a Trainer class: loaders and config on self, the dataclass default overridden where it is built", () => {
  const text = fixture("class_trainer_amp.py");
  const spec = (t: string) => analyze(t).runs[0].spec;
  const s = spec(text);
  assert.equal(
    s.epochs,
    scriptNumber(text, /TrainConfig\(epochs=(\d+)\)/),
    "the constructor's epochs, not the field default",
  );
  assert.equal(s.batchSize, scriptNumber(text, /batch_size: int = (\d+)/));
  assert.equal(s.gradientAccumulation, scriptNumber(text, /accum: int = (\d+)/));
  assert.equal(s.trainSamples, tvSamples("CIFAR100", true));
  assert.equal(s.valSamples, tvSamples("CIFAR100", false));
  assert.equal(s.precision, "fp16-mixed");
  // An accumulation factor passed where the config is built wins over the field's default.
  const passed = text.replace("TrainConfig(epochs=60)", "TrainConfig(epochs=60, accum=8)");
  assert.notEqual(passed, text);
  assert.equal(spec(passed).gradientAccumulation, 8);
});

test("DDP started by torch.multiprocessing.spawn: the worker's loop is the run, nprocs is the GPU count", () => {
  const text = fixture("ddp_spawn_resnet.py");
  const a = analyze(text);
  assert.equal(a.runs.length, 1);
  const r = a.runs[0];
  assert.equal(r.spec.epochs, scriptNumber(text, /^EPOCHS = (\d+)/m));
  assert.equal(r.spec.batchSize, scriptNumber(text, /^BATCH_PER_GPU = (\d+)/m));
  assert.equal(r.spec.trainSamples, findDataset("torchvision.datasets.SVHN", { split: "train" })?.samples);
  assert.equal(r.deviceCount, scriptNumber(text, /^GPUS = (\d+)/m));
  assert.ok(!r.spec.unknowns.some((u) => /launcher/.test(u.message)), "the script states the count");
  assert.ok(r.energyKWh, "priced");
  // A count the script leaves to the machine (device_count()) is the launcher's unknown again.
  const any = analyze(text.replace("nprocs=GPUS", "nprocs=torch.cuda.device_count()")).runs[0];
  assert.ok(any.spec.unknowns.some((u) => /launcher/.test(u.message)));
});

test("a loop over several models trains each: every model gets its input and FLOPs and a run of its own", () => {
  const text = `import torch
from torch import nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

def mlp(hidden):
    return nn.Sequential(nn.Flatten(), nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, 10))

loader = DataLoader(datasets.MNIST("data", train=True, transform=transforms.ToTensor()), batch_size=128)
small, wide = mlp(64), mlp(1024)
for net in (small, wide):
    opt = torch.optim.Adam(net.parameters())
    for epoch in range(3):
        for x, y in loader:
            opt.zero_grad()
            nn.functional.cross_entropy(net(x), y).backward()
            opt.step()
`;
  const a = analyze(text);
  // One construction site in mlp(), two models with names of their own: both are listed.
  assert.deepEqual(
    a.models.map((m) => m.name),
    ["small", "wide"],
  );
  for (const [m, hidden] of [
    [a.models[0], 64],
    [a.models[1], 1024],
  ] as const) {
    assert.deepEqual(m.inputShape, [1, 28, 28]);
    assert.equal(m.forwardFlops, 2 * (784 * hidden + hidden * 10), m.name);
  }
  // Each model has its own epoch loop inside the model loop: one run per model, each once.
  assert.deepEqual(
    a.runs.map((r) => [r.spec.forwardFlops, r.spec.trials, r.spec.epochs]),
    a.models.map((m) => [m.forwardFlops, 1, 3]),
  );
  assert.ok(!(a.unknowns ?? []).some((u) => /trains each in turn/.test(u.message)));
  // Without an epoch loop of its own the model loop is read as the epoch loop's place: the first
  // model is priced once per item, and the run says so.
  const flat = text.replace("    for epoch in range(3):\n", "    if True:\n");
  assert.notEqual(flat, text);
  const b = analyze(flat);
  assert.equal(b.runs.length, 1);
  assert.equal(b.runs[0].spec.trials, 2);
  const note = (b.unknowns ?? []).find((u) => /the loop over 2 models trains each in turn/.test(u.message));
  assert.equal(
    note?.range?.start.line,
    text.split("\n").findIndex((l) => l.startsWith("for net in")),
  );
});
