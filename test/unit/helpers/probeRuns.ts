// Shared by the unseen-style probe tests (hfprobe, lightningProbe): analyse a fixture or a text with
// the real Analyzer, read a run's priced sample totals, and look up catalogued splits and checkpoints.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before } from "node:test";
import { Analyzer } from "../../../server/src/analysis/analyze";
import { sampleCounts } from "../../../server/src/analysis/footprint/energyModel";
import { hfRows } from "../../../server/src/analysis/frameworks/transformers/hfZoo";
import { loadPythonParser } from "../../../server/src/analysis/parse/loadParser";
import { findDataset } from "../../../server/src/analysis/run/datasetCatalog";
import type { RunEstimate } from "../../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../../server/src/shared/settings";

let analyzer: Analyzer;
/** Call once at the top of a test file: loads the parser before its tests run. */
export function useAnalyzer(): void {
  before(async () => {
    analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
  });
}

/** A fixture under test/fixtures/runs, as text. */
export const fixtureText = (fixture: string) =>
  readFileSync(join(process.cwd(), "test/fixtures/runs", fixture), "utf8");

export const analyzeText = (text: string) =>
  analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;

export const analyze = (fixture: string) => analyzeText(fixtureText(fixture));

export function onlyRun(fixture: string): RunEstimate {
  const a = analyze(fixture);
  assert.equal(a.runs.length, 1, `${fixture}: one training run`);
  return a.runs[0];
}

/** Samples trained and evaluated on the device count the run is priced on. */
export function seen(r: RunEstimate): { train: number; eval: number } {
  const s = sampleCounts(r.spec, r.spec.device?.count ?? 1);
  assert.ok(!("missing" in s), `samples known: ${JSON.stringify(s)}`);
  return s;
}

/** A Hugging Face dataset split's size from the catalog (its dataset card). */
export function split(name: string, splitName: string, config?: string): number {
  const n = findDataset(`hf:${name}`, { split: splitName, config })?.samples;
  assert.ok(typeof n === "number", `${name} ${splitName} catalogued`);
  return n;
}

/** A catalogued hub checkpoint (config.json values and the published count). */
export function row(id: string) {
  const r = hfRows().find((x) => x.id === id);
  assert.ok(r, `${id} catalogued`);
  return r;
}
