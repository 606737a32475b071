// Lightning's check_val_every_n_epoch=n validates after epochs n, 2n, … only, so max_epochs E gives
// floor(E / n) validation passes (Lightning 2.x TrainingEpochLoop._should_check_val_epoch:
// (current_epoch + 1) % n == 0; its test_check_val_every_n_epoch expects 0, 2, 2 validations for
// max_epochs 1, 4, 5 with n=2), not E / n. Counts come from the fixture's constants and the catalog.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { sampleCounts } from "../../server/src/analysis/footprint/energyModel";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { findDataset } from "../../server/src/analysis/run/datasetCatalog";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

const FIXTURE = readFileSync(join(process.cwd(), "test/fixtures/runs/lightning/fashion_val_every_3.py"), "utf8");
const analyze = (text: string) =>
  analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;
const constant = (text: string, name: string) => Number(new RegExp(`^${name} = (\\d+)$`, "m").exec(text)?.[1]);
const valSamples = () => {
  const n = findDataset("torchvision.datasets.FashionMNIST", { train: false })?.samples;
  assert.ok(typeof n === "number");
  return n;
};

/** The evaluated samples the run is priced with, for max_epochs E and check_val_every_n_epoch n. */
function evalSamples(epochs: number, every: number) {
  const text = FIXTURE.replace(/^MAX_EPOCHS = \d+$/m, `MAX_EPOCHS = ${epochs}`).replace(
    /^VAL_EVERY = \d+$/m,
    `VAL_EVERY = ${every}`,
  );
  assert.equal(constant(text, "MAX_EPOCHS"), epochs);
  const a = analyze(text);
  assert.equal(a.runs.length, 1);
  assert.equal(a.runs[0].spec.epochs, epochs);
  const counts = sampleCounts(a.runs[0].spec, 1);
  assert.ok("eval" in counts);
  return { eval: counts.eval, evidence: a.runs[0].spec.evidence };
}

const near = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

test("the fixture's 10 epochs validated every 3rd: floor(10 / 3) full validation passes, not 10 / 3", () => {
  const epochs = constant(FIXTURE, "MAX_EPOCHS");
  const every = constant(FIXTURE, "VAL_EVERY");
  const got = evalSamples(epochs, every);
  const passes = Math.floor(epochs / every);
  assert.ok(near(got.eval, passes * valSamples()), `${got.eval} vs ${passes} × ${valSamples()}`);
  assert.ok(!near(got.eval, (epochs / every) * valSamples()), "the 1/n-per-epoch average would differ here");
  assert.ok(
    got.evidence.some((e) => e.includes(`${passes} of ${epochs} epochs`)),
    got.evidence.join("\n"),
  );
});

test("Lightning's own cases for n=2: max_epochs 1, 4 and 5 validate 0, 2 and 2 times", () => {
  for (const [epochs, passes] of [
    [1, 0],
    [4, 2],
    [5, 2],
  ]) {
    const got = evalSamples(epochs, 2);
    assert.ok(near(got.eval, passes * valSamples()), `max_epochs=${epochs}: ${got.eval}`);
  }
});

test("n=1 (Lightning's default) validates after every epoch", () => {
  const epochs = constant(FIXTURE, "MAX_EPOCHS");
  assert.ok(near(evalSamples(epochs, 1).eval, epochs * valSamples()));
});
