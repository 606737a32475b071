// Hugging Face Trainer runs whose TrainingArguments are not written as keywords: unpacked from a
// config dict (`TrainingArguments(**config)`), or filled by HfArgumentParser from dataclass
// defaults, the command line or parse_dict. Expected values come from the script text and the
// dataset catalog; the parser's launch-time values are unknown and must be said so.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { sampleCounts } from "../../server/src/analysis/footprint/energyModel";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { FRAMEWORK_DEFAULTS } from "../../server/src/analysis/run/frameworkRuns";
import { findDataset } from "../../server/src/analysis/run/datasetCatalog";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

const read = (name: string) => readFileSync(join(process.cwd(), "test/fixtures/runs/hf", name), "utf8");
const analyze = (text: string) =>
  analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;
const scriptNumber = (text: string, pattern: RegExp): number => {
  const m = pattern.exec(text);
  if (!m) throw new Error(`not in the script: ${pattern}`);
  return Number(m[1]);
};
const catalog = (name: string, split: string) => {
  const n = findDataset(`hf:${name}`, { split })?.samples;
  assert.ok(typeof n === "number", `${name} ${split} in the catalog`);
  return n;
};

test("TrainingArguments(**config): max_steps overrides epochs, accumulation and bf16 come from the dict", () => {
  const text = read("trainer_dict_config.py");
  const a = analyze(text);
  assert.equal(a.runs.length, 1);
  const { spec } = a.runs[0];
  const steps = scriptNumber(text, /"max_steps": (\d+)/);
  const batch = scriptNumber(text, /"per_device_train_batch_size": (\d+)/);
  const accum = scriptNumber(text, /"gradient_accumulation_steps": (\d+)/);
  assert.equal(spec.maxSteps, steps);
  assert.equal(spec.epochs, null, "num_train_epochs is overridden by max_steps");
  assert.equal(spec.batchSize, batch);
  assert.equal(spec.gradientAccumulation, accum);
  assert.equal(spec.precision, "bf16-mixed");
  assert.equal(spec.tokensPerSample, scriptNumber(text, /max_length=(\d+)/));
  const train = catalog("dair-ai/emotion", "train");
  assert.equal(spec.trainSamples, train);
  assert.equal(spec.valSamples, catalog("dair-ai/emotion", "validation"));
  // Samples seen: steps × batch × accumulation; evaluation once per epoch of those.
  const seen = sampleCounts(spec, 1);
  assert.ok("train" in seen);
  assert.equal(seen.train, steps * batch * accum);
  assert.equal(seen.eval, Math.round((seen.train / train) * catalog("dair-ai/emotion", "validation")));
});

test("HfArgumentParser + Seq2SeqTrainer: dataclass defaults give the checkpoint and lengths, launch values are unknown", () => {
  const text = read("seq2seq_hfargparser.py");
  const a = analyze(text);
  assert.equal(a.runs.length, 1);
  const { spec } = a.runs[0];
  const model = a.models.find((m) => m.name === spec.model);
  assert.ok(model && model.params > 0, "t5-small from the dataclass default is sized from the catalog");
  assert.equal(spec.params, model.params);
  assert.ok(spec.forwardFlops !== null && spec.forwardFlops > 0);
  assert.equal(spec.tokensPerSample, scriptNumber(text, /max_source_length: int = field\(default=(\d+)\)/));
  assert.equal(spec.trainSamples, catalog("samsum", "train"));
  assert.equal(spec.epochs, FRAMEWORK_DEFAULTS.hfEpochs.value);
  assert.equal(spec.batchSize, FRAMEWORK_DEFAULTS.hfBatch.value);
  assert.ok(a.runs[0].energyKWh, "priced");
  const note = (a.unknowns ?? []).find((u) => /HfArgumentParser/.test(u.message));
  assert.ok(note?.hint?.includes("# footprint: epochs"), "says the launch command's values are not in the script");
});

test("HfArgumentParser.parse_dict: the dict's keys reach both the script's dataclass and TrainingArguments", () => {
  const text = read("seq2seq_hfargparser.py").replace(
    "parser.parse_args_into_dataclasses()",
    'parser.parse_dict({"model_name": "t5-base", "num_train_epochs": 7, "per_device_train_batch_size": 4, "bf16": True})',
  );
  const a = analyze(text);
  const { spec } = a.runs[0];
  assert.equal(spec.epochs, 7);
  assert.equal(spec.batchSize, 4);
  assert.equal(spec.precision, "bf16-mixed");
  const small = analyze(read("seq2seq_hfargparser.py")).runs[0].spec.params;
  assert.ok(spec.params !== null && small !== null && spec.params > small, "t5-base from the dict, not t5-small");
  assert.ok(!(a.unknowns ?? []).some((u) => /HfArgumentParser/.test(u.message)));
});

test("HfArgumentParser.parse_json_file: a JSON file in the workspace is read like parse_dict", () => {
  const text = read("seq2seq_hfargparser.py").replace(
    "parser.parse_args_into_dataclasses()",
    'parser.parse_json_file(json_file="args/t5_base.json")',
  );
  const json = '{"model_name": "t5-base", "num_train_epochs": 7, "per_device_train_batch_size": 4, "bf16": true}';
  const workspace = { roots: ["/w"], readFile: (p: string) => (p === "/w/args/t5_base.json" ? json : null) };
  const a = analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace }).analysis;
  const { spec } = a.runs[0];
  assert.equal(spec.epochs, 7);
  assert.equal(spec.batchSize, 4);
  assert.equal(spec.precision, "bf16-mixed");
  assert.ok(a.notices.some((n) => n.includes("HfArgumentParser.parse_json_file reads args/t5_base.json")));
  // Without the file the launch-time note stays.
  const missing = analyze(text);
  assert.ok((missing.unknowns ?? []).some((u) => /HfArgumentParser\.parse_json_file/.test(u.message)));
});
