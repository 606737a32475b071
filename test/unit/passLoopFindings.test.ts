// Runs priced pass by pass at one list loop get one finding per rule, not one per pass: the merged
// message names the passes and sums their savings, and the quick fixes appear once. Expected
// numbers are recomputed from the priced runs and what-ifs with the formulas written here.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { range, sig } from "../../server/src/analysis/format";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { whatIf } from "../../server/src/analysis/rules/savings";
import type { Interval, RunEstimate } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

const fixture = (name: string) => readFileSync(join(process.cwd(), "test/fixtures/runs", name), "utf8");
const analyze = (text: string) =>
  analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;
const mid = (r: Interval) => (r.low + r.high) / 2;
const sum = (xs: Interval[]): Interval => ({
  low: xs.reduce((s, x) => s + x.low, 0),
  high: xs.reduce((s, x) => s + x.high, 0),
});

/** Σ run CO2e − Σ what-if CO2e (midpoints), and both summed ranges, as the merged message prints them. */
function summedCo2(runs: RunEstimate[], id: string) {
  const base = sum(runs.map((r) => r.co2eKg!));
  const what = sum(runs.map((r) => whatIf(r, id)!.co2eKg!));
  return `−${sig(mid(base) - mid(what))} kg CO2e (${range(what, "kg")} instead of ${range(base, "kg")})`;
}

test("architectures compared in a list loop: one FP110, one FP190 and one FP101 naming both, savings summed", () => {
  const text = fixture("arch_compare_cifar.py");
  const a = analyze(text);
  assert.equal(a.runs.length, 2);
  const loopLine = a.runs[0].spec.range.start.line;
  assert.ok(a.runs.every((r) => r.spec.range.start.line === loopLine));
  for (const code of ["FP101", "FP110", "FP190"]) {
    assert.equal(a.findings.filter((f) => f.code === code && f.range.start.line === loopLine).length, 1, code);
  }
  const fp110 = a.findings.find((f) => f.code === "FP110")!;
  assert.match(fp110.message, /\(2 runs: "resnet18", "resnet50"\)/);
  // Time: 1 − Σ mid(what-if time) / Σ mid(run time), over both passes.
  const dt =
    1 -
    a.runs.reduce((s, r) => s + mid(whatIf(r, "mixed-precision:bf16")!.timeHours!), 0) /
      a.runs.reduce((s, r) => s + mid(r.timeHours!), 0);
  assert.ok(fp110.message.includes(`≈ −${Math.round(dt * 100)}% time, ${summedCo2(a.runs, "mixed-precision:bf16")}`));
  // One set of fixes: the autocast wrap once, then the two suppressions.
  assert.deepEqual(
    fp110.fixes.map((f) => f.title),
    [
      "Wrap the forward pass and loss in torch.autocast (bf16)",
      "Ignore FP110 on this line",
      "Ignore FP110 in this file",
    ],
  );
  const fp190 = a.findings.find((f) => f.code === "FP190")!;
  assert.ok(fp190.message.includes(summedCo2(a.runs, "region")), fp190.message);
  const fp101 = a.findings.find((f) => f.code === "FP101")!;
  assert.ok(fp101.message.includes(range(sum(a.runs.map((r) => r.timeHours!)), "h")), fp101.message);
  assert.ok(fp101.message.includes(range(sum(a.runs.map((r) => r.co2eKg!)), "kg CO2e")), fp101.message);
});

test("curriculum phases both over the early-stopping threshold: one FP160 with both epoch counts", () => {
  // The fixture's warmup is short; give it enough epochs that both phases get the finding.
  const text = fixture("curriculum_phases.py").replace('("warmup", 2,', '("warmup", 25,');
  const a = analyze(text);
  const epochs = a.runs.map((r) => r.spec.epochs);
  assert.deepEqual(epochs, [25, 20]);
  const fp160 = a.findings.filter((f) => f.code === "FP160");
  assert.equal(fp160.length, 1);
  assert.ok(
    fp160[0].message.startsWith(`${epochs.join(" + ")} epochs with no early stopping (2 runs: "warmup", "main")`),
  );
  assert.ok(fp160[0].message.includes(summedCo2(a.runs, "early-stopping")), fp160[0].message);
});

test("a single run keeps its one-run message", () => {
  const a = analyze(
    fixture("curriculum_phases.py").replace('[("warmup", 2, 1e-3), ("main", 20, 1e-1)]', '[("main", 20, 1e-1)]'),
  );
  assert.equal(a.runs.length, 1);
  const fp110 = a.findings.filter((f) => f.code === "FP190");
  assert.equal(fp110.length, 1);
  assert.ok(!fp110[0].message.includes("runs:"), fp110[0].message);
  assert.ok(fp110[0].message.includes(summedCo2(a.runs, "region")), fp110[0].message);
});
