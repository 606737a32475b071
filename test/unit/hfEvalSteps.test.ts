// HF Trainer eval_strategy="steps" evaluates every eval_steps optimizer steps, and an epoch has
// train samples / (per_device_train_batch_size × devices × gradient_accumulation_steps) of them:
// the evaluations follow the device count the run is priced on, not one device. HF counts one
// evaluation when global_step % eval_steps == 0 (DefaultFlowCallback.on_step_end), so S steps give
// floor(S / eval_steps). Every number below comes from the fixture's text and the dataset catalog.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { sampleCounts } from "../../server/src/analysis/footprint/energyModel";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { findDataset } from "../../server/src/analysis/run/datasetCatalog";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS, type Settings } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

const TEXT = readFileSync(join(process.cwd(), "test/fixtures/runs/hf/imdb_eval_steps_4gpu.py"), "utf8");
const analyze = (text: string, settings: Settings = DEFAULT_SETTINGS) =>
  analyzer.analyze({ path: "/w/train.py", text, settings, workspace: EMPTY_WORKSPACE }).analysis;
const num = (pattern: RegExp, text = TEXT) => {
  const m = pattern.exec(text);
  assert.ok(m, `in the fixture: ${pattern}`);
  return Number(m[1]);
};
const imdb = (split: string) => {
  const n = findDataset("hf:imdb", { split })?.samples;
  assert.ok(typeof n === "number", `imdb ${split} in the catalog`);
  return n;
};

/** Samples evaluated over the run: floor(total optimizer steps / eval_steps) passes of the test split. */
function expectedEval(devices: number): number {
  const steps =
    (num(/num_train_epochs=(\d+)/) * imdb("train")) /
    (num(/per_device_train_batch_size=(\d+)/) * num(/gradient_accumulation_steps=(\d+)/) * devices);
  return Math.floor(steps / num(/eval_steps=(\d+)/)) * imdb("test");
}

test("the fixture's 4 GPUs (its device directive) take a quarter of the steps, so a quarter of the evaluations", () => {
  const devices = num(/# footprint: device a100 x(\d+)/);
  const [r] = analyze(TEXT).runs;
  assert.equal(r.deviceCount, devices);
  const priced = sampleCounts(r.spec, r.deviceCount);
  assert.ok("eval" in priced);
  assert.equal(priced.eval, expectedEval(devices));
  // One device would have evaluated more than the devices' share allows: the old one-device figure.
  assert.ok(expectedEval(1) > expectedEval(devices));
  // The schedule assumption shows the priced figure, averaged per epoch.
  const val = r.assumptions.find((x) => x.name === "validation samples");
  assert.equal(val?.value, Math.round(expectedEval(devices) / num(/num_train_epochs=(\d+)/)).toLocaleString("en-US"));
});

test("the count from footprint.deviceCount prices the same way; without either it is one device", () => {
  const noDirective = TEXT.replace(/^# footprint: device .*\n/m, "");
  assert.notEqual(noDirective, TEXT);
  const [four] = analyze(noDirective, { ...DEFAULT_SETTINGS, deviceCount: 4 }).runs;
  const c4 = sampleCounts(four.spec, four.deviceCount);
  assert.ok("eval" in c4);
  assert.equal(c4.eval, expectedEval(4));
  const [one] = analyze(noDirective).runs;
  assert.equal(one.deviceCount, 1);
  const c1 = sampleCounts(one.spec, one.deviceCount);
  assert.ok("eval" in c1);
  assert.equal(c1.eval, expectedEval(1));
});

test("max_steps with eval_steps: floor(max_steps / eval_steps) evaluations whatever the device count", () => {
  const text = TEXT.replace("num_train_epochs=2,", "max_steps=950,");
  const [r] = analyze(text).runs;
  const c = sampleCounts(r.spec, r.deviceCount);
  assert.ok("eval" in c);
  assert.equal(c.eval, Math.floor(num(/max_steps=(\d+)/, text) / num(/eval_steps=(\d+)/)) * imdb("test"));
});
