// Export Report and Compare Devices and Regions on a real mnist_cnn analysis: the JSON export is the
// CLI's contract for that file, the Markdown is the CLI's renderer, and the comparison re-prices
// the first run with priceRun exactly as the settings override says.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import {
  COMPARE_REGIONS,
  compareDevices,
  compareMarkdown,
  compareRegions,
} from "../../extension/src/commands/compareTable";
import { checkResultOf, exportText } from "../../extension/src/commands/exportFormats";
import { COMMANDS } from "../../extension/src/commands/ids";
import { layerCsv } from "../../extension/src/report/csv";
import { Analyzer } from "../../server/src/analysis/analyze";
import { DEVICE_ROWS } from "../../server/src/analysis/footprint/data/devices";
import { priceRun } from "../../server/src/analysis/footprint/priceRun";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { FileAnalysis } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { JSON_REPORT_VERSION, jsonReport } from "../../server/src/cli/jsonReport";
import { markdownReport } from "../../server/src/cli/renderMarkdown";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

let analysis: FileAnalysis;
before(async () => {
  const analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
  const text = readFileSync(join(process.cwd(), "examples/mnist_cnn.py"), "utf8");
  analysis = analyzer.analyze({
    path: "examples/mnist_cnn.py",
    text,
    settings: DEFAULT_SETTINGS,
    workspace: EMPTY_WORKSPACE,
  }).analysis;
});

test("JSON export: the CLI contract with this file and the runs' totals", () => {
  const json = JSON.parse(exportText(analysis, "json", "9.9.9"));
  assert.equal(json.version, JSON_REPORT_VERSION);
  assert.deepEqual(json.tool, { name: "footprint-lint", version: "9.9.9" });
  assert.deepEqual(json, JSON.parse(JSON.stringify(jsonReport(checkResultOf(analysis), "9.9.9"))));
  const energyLow = analysis.runs.reduce((s, r) => s + (r.energyKWh?.low ?? 0), 0);
  assert.equal(json.totals.energyKWh.low, energyLow);
  assert.equal(json.files[0].models[0].params, analysis.models[0].params);
});

test("Markdown and CSV exports are the CLI renderer and the layer CSV", () => {
  assert.equal(exportText(analysis, "markdown", "1"), markdownReport([analysis]));
  assert.equal(exportText(analysis, "csv", "1"), layerCsv(analysis));
});

test("device comparison: one row per trainable device, each the run priced on that device", () => {
  const spec = analysis.runs[0].spec;
  const rows = compareDevices(spec, DEFAULT_SETTINGS);
  const trainable = DEVICE_ROWS.filter((d) => d.trains);
  assert.equal(rows.length, trainable.length);
  const t4 = trainable.find((d) => d.id === "t4");
  assert.ok(t4);
  const expected = priceRun(
    { ...spec, device: { id: "t4", count: spec.device?.count ?? null, kind: "gpu" } },
    DEFAULT_SETTINGS,
  );
  const row = rows.find((r) => r.label === t4.name);
  assert.deepEqual(row?.co2eKg, expected.co2eKg);
  for (let i = 1; i < rows.length; i++) {
    if (rows[i].co2eKg && rows[i - 1].co2eKg)
      assert.ok((rows[i - 1].co2eKg?.high as number) <= (rows[i].co2eKg?.high as number));
  }
});

test("region comparison: the current region plus the list, each priced with that region and no intensity override", () => {
  const spec = analysis.runs[0].spec;
  const settings = { ...DEFAULT_SETTINGS, region: "aws:eu-north-1", gridIntensity: 100 };
  const rows = compareRegions(spec, settings);
  assert.equal(rows.length, new Set([settings.region, ...COMPARE_REGIONS]).size);
  const fra = rows.find((r) => r.label.startsWith("FRA"));
  assert.deepEqual(fra?.co2eKg, priceRun(spec, { ...settings, region: "FRA", gridIntensity: null }).co2eKg);
  assert.ok(rows.some((r) => r.label.endsWith("← current")));
});

test("the comparison Markdown names the run and has both tables; no run says so", () => {
  const md = compareMarkdown(analysis, DEFAULT_SETTINGS);
  assert.match(md, new RegExp(`line ${analysis.runs[0].spec.range.start.line + 1}`));
  assert.match(md, /## Devices/);
  assert.match(md, /## Regions/);
  assert.match(compareMarkdown({ ...analysis, runs: [] }, DEFAULT_SETTINGS), /No training run found/);
});

test("package.json contributes every palette command this module registers, in the Footprint category", () => {
  const manifest = JSON.parse(readFileSync(join(process.cwd(), "package.json"), "utf8"));
  const contributed = new Map<string, { category: string; title: string }>(
    manifest.contributes.commands.map((c: { command: string; category: string; title: string }) => [c.command, c]),
  );
  for (const id of Object.values(COMMANDS)) {
    assert.equal(contributed.get(id)?.category, "Footprint", id);
    assert.ok(contributed.get(id)?.title, id);
  }
});
