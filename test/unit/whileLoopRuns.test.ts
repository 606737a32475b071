// Training loops driven by a `while` counter, end to end on test/fixtures/runs: a counter bumped
// once per pass outside the batch loop counts epochs (not steps); a `while step < n:` loop that
// draws batches with next(iter(loader)) is n steps × that loader's batch size.
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
const scriptNumber = (text: string, pattern: RegExp): number => {
  const m = pattern.exec(text);
  if (!m) throw new Error(`not in the script: ${pattern}`);
  return Number(m[1].replace(/_/g, ""));
};
const edit = (text: string, from: string, to: string) => {
  const out = text.replace(from, to);
  assert.notEqual(out, text, `fixture holds ${JSON.stringify(from)}`);
  return out;
};
const onlyRun = (text: string) => {
  const runs = analyze(text).runs;
  assert.equal(runs.length, 1);
  return runs[0];
};

test("`while epoch < args.epochs:` with `epoch += 1` outside the batch loop: epochs, each a full pass", () => {
  const text = fixture("while_epoch_counter.py");
  const epochs = scriptNumber(text, /"--epochs", type=int, default=(\d+)/);
  const svhn = findDataset("torchvision.datasets.SVHN", { split: "train" })?.samples;
  assert.ok(typeof svhn === "number");
  const run = onlyRun(text);
  assert.equal(run.spec.epochs, epochs);
  assert.equal(run.spec.maxSteps, null);
  assert.equal(run.spec.trainSamples, svhn);
  assert.equal(run.spec.batchSize, scriptNumber(text, /"--batch-size", type=int, default=(\d+)/));
  assert.deepEqual(run.spec.unknowns, []);
  assert.ok(run.spec.evidence.some((e) => e.startsWith(`epochs ${epochs} from \`epoch < args.epochs\``)));
  const fwd = run.spec.forwardFlops ?? Number.NaN;
  assert.equal(run.trainFlops?.low, 3 * fwd * svhn * epochs);
  // Counting from 1 with `<=` is the same number of passes; `= epoch + 1` is the same increment.
  const fromOne = edit(
    edit(text, "epoch = 0\nwhile epoch < args.epochs:", "epoch = 1\nwhile epoch <= args.epochs:"),
    "    epoch += 1\n",
    "    epoch = epoch + 1\n",
  );
  assert.equal(onlyRun(fromOne).spec.epochs, epochs);
  // Bumped once per batch instead, the same counter is a budget of that many optimizer steps.
  const perBatch = edit(
    edit(text, "    epoch += 1\n", ""),
    "        optimizer.step()\n",
    "        optimizer.step()\n        epoch += 1\n",
  );
  const s = onlyRun(perBatch).spec;
  assert.equal(s.maxSteps, epochs);
  assert.equal(s.epochs, null);
});

test("`while step < NUM_STEPS:` drawing with next(iter(loader)): steps × the loader's batch size", () => {
  const text = fixture("while_next_steps.py");
  const steps = scriptNumber(text, /^NUM_STEPS = ([\d_]+)/m);
  const batch = scriptNumber(text, /^BATCH_SIZE = (\d+)/m);
  const a = analyze(text);
  assert.equal(a.runs.length, 1);
  const run = a.runs[0];
  assert.equal(run.spec.maxSteps, steps);
  assert.equal(run.spec.batchSize, batch);
  assert.equal(run.spec.epochs, null);
  assert.equal(run.spec.trainSamples, null, "a step loop's size is its steps, not the loader's epoch");
  assert.equal(run.spec.loaderWorkers, 0);
  assert.ok(run.spec.evidence.some((e) => e.includes("from the DataLoader behind next()")));
  assert.deepEqual(run.spec.unknowns, []);
  assert.equal(run.trainFlops?.low, 3 * (run.spec.forwardFlops ?? Number.NaN) * steps * batch);
  // The loader feeds training, so the starved-loader rule sees its num_workers=0.
  assert.ok(a.findings.some((f) => f.code === "FP170"));
  // `while True:` with the budget as a break in the body reads the same.
  const withBreak = edit(
    edit(text, "while step < NUM_STEPS:", "while True:"),
    "    step += 1\n",
    "    step += 1\n    if step >= NUM_STEPS:\n        break\n",
  );
  assert.equal(onlyRun(withBreak).spec.maxSteps, steps);
  // Accumulating over 4 batches on the same counter: a quarter of the optimizer steps.
  const accum = edit(
    text,
    "    opt.step()\n    step += 1\n",
    "    step += 1\n    if step % 4 == 0:\n        opt.step()\n",
  );
  const acc = onlyRun(accum).spec;
  assert.equal(acc.gradientAccumulation, 4);
  assert.equal(acc.maxSteps, Math.ceil(steps / 4));
  // No counter in the body: the budget is not read, and the run says what it lacks.
  const noCounter = onlyRun(edit(text, "    step += 1\n", ""));
  assert.equal(noCounter.spec.maxSteps, null);
  assert.equal(noCounter.trainFlops, null);
});
