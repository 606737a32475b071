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

test("zip(source_loader, target_loader): an epoch ends with the shorter loader (USPS, not MNIST)", () => {
  const text = fixture("zip_domain_adapt.py");
  const a = analyze(text);
  assert.equal(a.runs.length, 1);
  const { spec } = a.runs[0];
  assert.ok(tvSamples("USPS", true) < tvSamples("MNIST", true));
  assert.equal(spec.trainSamples, tvSamples("USPS", true));
  assert.equal(spec.epochs, scriptNumber(text, /^EPOCHS = (\d+)/m));
  assert.equal(spec.batchSize, scriptNumber(text, /^BATCH = (\d+)/m));
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
