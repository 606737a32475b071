// Unseen-style Lightning and Accelerate scripts: the training run each one really does, worked out by
// hand from the libraries' documented semantics (Lightning Trainer, accelerate launchers), against the analyzer.
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyze, analyzeText, fixtureText, onlyRun, row, seen, split, useAnalyzer } from "./helpers/probeRuns";
import { batchNormParams, conv2dParams, linearParams } from "./evaluateHelpers";

useAnalyzer();

test("notebook_launcher(fn, args, num_processes=2) runs the training function on 2 GPUs", () => {
  // Before: notebook_launcher returned None without calling fn, so the script had no model and no run.
  const r = onlyRun("accelerate/sst2_notebook_launcher.py");
  assert.equal(r.spec.device?.count, 2);
  assert.equal(r.spec.precision, "bf16-mixed");
  assert.equal(r.spec.gradientAccumulation, 4);
  // The prepared training loader is dealt in whole batches over both processes (accelerate's BatchSamplerShard,
  // even_batches=True: the batch count is rounded up to a multiple of 2, the last ones refilled from
  // the start), so 2 epochs see ceil(ceil(N / b) / 2) × 2 × b samples each.
  const dealt = (n: number, b: number) => Math.ceil(Math.ceil(n / b) / 2) * 2 * b;
  const s = seen(r);
  assert.equal(s.train, 2 * dealt(split("glue", "train", "sst2"), 32));
  // Evaluation passes are counted over the validation split as a whole (its own refill of 24 rows
  // a pass is not modelled).
  assert.equal(s.eval, 2 * split("glue", "validation", "sst2"));
  assert.deepEqual(r.spec.unknowns, []);
});

test("notebook_launcher without num_processes leaves the count to the launcher, said so", () => {
  const text = fixtureText("accelerate/sst2_notebook_launcher.py");
  const a = analyzeText(text.replace(", num_processes=2)", ")"));
  assert.equal(a.runs.length, 1);
  assert.equal(a.runs[0].spec.device?.count ?? null, null);
  assert.ok(a.runs[0].spec.unknowns.some((u) => /number of GPUs/.test(u.message)));
});

test("Lightning max_epochs=10 with max_steps=5000: the epochs end first (220 optimizer steps)", () => {
  const r = onlyRun("lightning/cifar_dm_full_trainer.py");
  // random_split → 45,000 train rows; DistributedSampler on 2 devices → 22,500 each → ceil(/64) = 352
  // batches; limit_train_batches=0.25 → int(352 × 0.25) = 88 batches; ÷ accumulate 4 → 22 optimizer
  // steps an epoch, 220 in 10 epochs < max_steps 5000. Lightning's fit loop stops at whichever limit
  // is reached first, so 10 × 88 × 64 × 2 samples (before: 5000 × 64 × 4 × 2 = 2,560,000, 22.7× too many).
  const s = seen(r);
  assert.equal(s.train, 10 * 88 * 64 * 2);
  // val_check_interval=0.5 → 2 validations an epoch over the 5,000 held-out rows, then
  // trainer.test(model, datamodule=dm) runs CIFAR-10's 10,000 test images once (5,000 per device).
  assert.equal(s.eval, 10 * 2 * 5000 + 10000);
  assert.equal(r.spec.extraEvalSamples?.samples, 10000);
  assert.equal(r.spec.precision, "bf16-mixed");
  assert.equal(r.spec.device?.count, 2);
  const params =
    conv2dParams(3, 64, 3) +
    conv2dParams(64, 128, 3) +
    conv2dParams(128, 256, 3) +
    batchNormParams(64) +
    batchNormParams(128) +
    batchNormParams(256) +
    linearParams(256, 10);
  assert.equal(r.spec.params, params);
});

test("Lightning max_steps binding before max_epochs still prices max_steps", () => {
  const text = fixtureText("lightning/cifar_dm_full_trainer.py");
  const a = analyzeText(text.replace("max_steps=5000", "max_steps=150"));
  // 150 optimizer steps × 4 accumulated batches × 64 × 2 devices, fewer than 10 epochs' 112,640.
  const s = seen(a.runs[0]);
  assert.equal(s.train, 150 * 4 * 64 * 2);
  // 150 × 4 = 600 batches a device = 600 / 88 epochs, each validated twice; plus the test pass.
  assert.equal(s.eval, Math.round((600 / 88) * 2 * 5000) + 10000);
});

test("LightningModule wrapping a hub model: the dict batch traces FLOPs at 128 tokens", () => {
  const a = analyze("lightning/hf_module_max_steps.py");
  const r = a.runs[0];
  // Before: `self.model(**batch)` left the module without an input, FLOPs unknown (6ND fallback).
  const m = a.models.find((x) => x.name === r.spec.model);
  assert.deepEqual(m?.inputShape, [128]);
  assert.ok(r.spec.forwardFlops !== null && r.spec.forwardFlops > 0);
  // The DistilBERT (6 layers) AG News model traces 11,174,811,648 FLOPs at 128 tokens
  // (runs/hf/ag_news_steps.py); BERT-base has twice the layers at the same width.
  const distil = analyze("hf/ag_news_steps.py").models[0].forwardFlops as number;
  assert.ok(Math.abs(r.spec.forwardFlops / distil - 2) < 0.01, `${r.spec.forwardFlops / distil}`);
  // max_steps 2000 × accumulate 2 × 32 × 4 devices; bert-base-uncased + a 4-way head.
  assert.equal(seen(r).train, 2000 * 2 * 32 * 4);
  assert.equal(r.spec.params, row("bert-base-uncased").published.params + linearParams(768, 4));
});

test("no_trainer style: max_train_steps derived from the loader equals the 3 epochs", () => {
  const r = onlyRun("accelerate/yelp_no_trainer_steps.py");
  // select(range(100000)) of yelp_polarity; max_train_steps = 3 × ceil(6,250 / 2): the break never fires first.
  assert.equal(r.spec.trainSamples, 100000);
  assert.equal(seen(r).train, 3 * 100000);
  assert.equal(r.spec.gradientAccumulation, 2);
  assert.equal(r.spec.precision, "fp16-mixed");
  // accelerate launch decides the process count: priced on the setting and said so.
  assert.ok(r.spec.unknowns.some((u) => /set by the launcher/.test(u.message)));
});

test("Lightning trainer.validate / test / predict: one pass over their loader after limit_*_batches", () => {
  const lit = fixtureText("lightning/cifar_dm_full_trainer.py");
  const extra = (text: string) => analyzeText(text).runs[0].spec.extraEvalSamples?.samples ?? 0;
  // Before: trainer.test(...) was a no-op, so its 10,000 test images were never priced.
  assert.equal(extra(lit.replace("    trainer.test(model, datamodule=dm)\n", "")), 0);
  // validate() with no arguments reuses fit's model and datamodule: the 5,000 validation rows once.
  assert.equal(extra(lit.replace("trainer.test(model, datamodule=dm)", "trainer.validate()")), 5000);
  // limit_test_batches=20 → 20 batches of 64 on each of 2 devices.
  const limited = lit.replace("val_check_interval=0.5,", "val_check_interval=0.5,\n        limit_test_batches=20,");
  assert.equal(extra(limited), 20 * 64 * 2);
  // test() called before fit() still joins the run.
  const early = lit
    .replace("    trainer.test(model, datamodule=dm)\n", "")
    .replace(
      "    trainer.fit(model, datamodule=dm)",
      "    trainer.test(model, datamodule=dm)\n    trainer.fit(model, datamodule=dm)",
    );
  assert.equal(extra(early), 10000);
});

test("LightningCLI: fit runs with the classes' defaults and trainer_defaults; the rest is open at launch", () => {
  const text = fixtureText("lightning/fashion_cli.py");
  // Before: LightningCLI was unknown to the analyzer, so the script had a model but no training run.
  const r = analyzeText(text).runs[0];
  // trainer_defaults max_epochs=12 over random_split's 55,000 rows (batch_size default 128), val 5,000 a pass.
  assert.equal(r.spec.epochs, 12);
  assert.equal(r.spec.batchSize, 128);
  const s = seen(r);
  assert.equal(s.train, 12 * 55000);
  assert.equal(s.eval, 12 * 5000);
  assert.equal(r.spec.precision, "fp16-mixed");
  assert.equal(r.spec.params, conv2dParams(1, 32, 3) + conv2dParams(32, 64, 3) + linearParams(64 * 7 * 7, 10));
  // Without trainer_defaults the epochs come from --trainer.max_epochs at launch: an Unknown, not 1000.
  const bare = analyzeText(text.replace(/\n {8}trainer_defaults=\{[^}]*\},/, "")).runs[0];
  assert.equal(bare.spec.epochs, null);
  assert.ok(bare.spec.unknowns.some((u) => /--trainer\.\* \/ --config/.test(u.message)));
  // run=False hands back cli.model / cli.datamodule / cli.trainer for the script's own fit.
  const own = text.replace(
    '        save_config_kwargs={"overwrite": True},\n    )',
    "        run=False,\n    ).trainer.fit(FashionCNN(), datamodule=FashionData())",
  );
  assert.ok(own.includes("run=False"));
  const runs = analyzeText(own).runs;
  assert.equal(runs.length, 1);
  assert.equal(seen(runs[0]).train, 12 * 55000);
});
