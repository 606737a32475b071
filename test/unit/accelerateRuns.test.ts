// Hand-written Hugging Face `accelerate` loops (test/fixtures/runs/accelerate): prepare() keeps
// the model, loader and optimizer visible, accelerator.backward is the training step, and
// mixed_precision= sets the run's precision; FP110 offers the Accelerator's own switch. Schedules
// are read from the script text, sample counts from the dataset catalog.
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

const read = (name: string) => readFileSync(join(process.cwd(), "test/fixtures/runs/accelerate", name), "utf8");
const analyze = (text: string): FileAnalysis =>
  analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;
/** A number the script writes after `pattern` (the script is the oracle for its own schedule). */
const scriptNumber = (text: string, pattern: RegExp): number => {
  const m = pattern.exec(text);
  if (!m) throw new Error(`not in the script: ${pattern}`);
  return Number(m[1]);
};

test("BERT on MRPC: the prepared model, loader and schedule are priced in bf16", () => {
  const text = read("mrpc_bert_accelerate.py");
  const a = analyze(text);
  assert.equal(a.runs.length, 1);
  const { spec } = a.runs[0];
  assert.equal(spec.framework, "pytorch");
  assert.equal(spec.model, "model");
  assert.equal(spec.epochs, scriptNumber(text, /"--epochs", type=int, default=(\d+)/));
  assert.equal(spec.trainSamples, findDataset("hf:glue", { split: "train", config: "mrpc" })?.samples);
  assert.equal(spec.precision, "bf16-mixed");
  assert.equal(spec.device?.kind, "gpu");
  // prepare() hands back the model unchanged: the same size as the checkpoint built on its own.
  const alone = analyze(
    'from transformers import AutoModelForSequenceClassification\nmodel = AutoModelForSequenceClassification.from_pretrained("bert-base-cased", num_labels=2)\n',
  );
  assert.equal(spec.params, alone.models[0].params);
  assert.ok(spec.forwardFlops !== null && spec.forwardFlops > 0, "forward FLOPs from the tokenized length");
  assert.ok(a.runs[0].co2eKg, "priced");
  assert.ok(!a.findings.some((f) => f.code === "FP110"), "already mixed precision");
});

test("a custom conv net with accumulate(), clipping and fp16", () => {
  const text = read("cifar_convnet_accelerate.py");
  const a = analyze(text);
  assert.equal(a.runs.length, 1);
  const { spec } = a.runs[0];
  const cifar = findDataset("torchvision.datasets.CIFAR10", { train: true });
  assert.equal(spec.epochs, scriptNumber(text, /EPOCHS = (\d+)/));
  assert.equal(spec.trainSamples, cifar?.samples);
  assert.equal(spec.precision, "fp16-mixed");
  const model = a.models.find((m) => m.name === "model");
  assert.ok(model);
  assert.deepEqual(model.inputShape, cifar?.sampleShape);
  assert.equal(spec.params, model.params);
});

test("FP110 on an fp32 accelerate loop sets mixed_precision on the Accelerator", () => {
  const text = read("mrpc_bert_accelerate.py").replace('Accelerator(mixed_precision="bf16")', "Accelerator()");
  const before = analyze(text);
  assert.equal(before.runs[0].spec.precision, "fp32");
  const fp110 = before.findings.filter((f) => f.code === "FP110");
  assert.equal(fp110.length, 1);
  const fix = fp110[0].fixes.find((f) => f.isPreferred);
  assert.equal(fix?.title, 'Set mixed_precision="bf16" in Accelerator');
  const fixed = applyEdits(text, fix.edits);
  assert.ok(fixed.includes('accelerator = Accelerator(mixed_precision="bf16")'), fixed);
  const after = analyze(fixed);
  assert.deepEqual(after.syntaxErrors, []);
  assert.equal(after.runs[0].spec.precision, "bf16-mixed");
  assert.ok(!after.findings.some((f) => f.code === "FP110"), "fixed once, nothing left to fix");
});

test("accelerator.accumulate() with a sync_gradients step counter and a break: optimizer-step budget × accumulation", () => {
  const text = read("food101_vit_accumulate.py");
  const a = analyze(text);
  assert.equal(a.runs.length, 1);
  const r = a.runs[0];
  const { spec } = r;
  const accum = scriptNumber(text, /"--gradient_accumulation_steps", type=int, default=(\d+)/);
  const budget = scriptNumber(text, /"--max_train_steps", type=int, default=(\d+)/);
  const batch = scriptNumber(text, /"--per_device_batch_size", type=int, default=(\d+)/);
  const epochs = scriptNumber(text, /"--num_train_epochs", type=int, default=(\d+)/);
  const food = findDataset("torchvision.datasets.Food101", { split: "train" })?.samples;
  assert.ok(typeof food === "number");
  assert.ok(budget * batch * accum < epochs * food, "the budget ends the run before the epochs do");
  assert.equal(spec.gradientAccumulation, accum);
  assert.equal(spec.maxSteps, budget, "sync_gradients counts optimizer steps, not micro-batches");
  assert.equal(spec.epochs, null);
  assert.equal(spec.batchSize, batch);
  assert.equal(spec.trainSamples, food);
  assert.equal(spec.precision, "bf16-mixed");
  assert.ok(r.trainFlops && spec.forwardFlops);
  assert.equal(r.trainFlops.low, 3 * spec.forwardFlops * budget * batch * accum);
  // Without the accumulate() context there is no accumulation: the same budget is that many batches.
  const plain = text.replace("            with accelerator.accumulate(model):\n", "            if True:\n");
  assert.notEqual(plain, text);
  assert.equal(analyze(plain).runs[0].spec.gradientAccumulation, 1);
});
