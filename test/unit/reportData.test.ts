// The report's pure data path on a real analysis of examples/mnist_cnn.py: the view model's
// numbers are the analysis's numbers, the cost chart sums to the model's FLOPs, the CSV escapes,
// and the equivalents come from the cited factors in report/equivalents.ts.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { layerCsv, csvField, LAYER_CSV_HEADER } from "../../extension/src/report/csv";
import {
  EQUIVALENT_FACTORS,
  KG_CO2_PER_GALLON_GASOLINE,
  KG_CO2_PER_PASSENGER_VEHICLE_YEAR,
  LITRES_PER_US_GALLON,
} from "../../extension/src/report/equivalents";
import { costByLayer, reportViewModel, TOP_LAYERS, whatIfBars } from "../../extension/src/report/reportModel";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { FileAnalysis, ModelCost } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
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

test("the example has what the report draws: a model with layers and a priced run with what-ifs", () => {
  assert.ok(analysis.models.length >= 1 && analysis.models[0].layers.length > 0);
  assert.ok(analysis.runs.length >= 1 && analysis.runs[0].co2eKg !== null && analysis.runs[0].whatIfs.length > 0);
});

test("layer rows carry the analysis's params, MACs and FLOPs = 2 × MACs, share of the model's FLOPs", () => {
  const vm = reportViewModel(analysis);
  assert.equal(vm.models.length, analysis.models.length);
  analysis.models.forEach((m, i) => {
    const rows = vm.models[i].layers;
    assert.equal(rows.length, m.layers.length);
    m.layers.forEach((l, j) => {
      assert.equal(rows[j].path, l.path);
      assert.equal(rows[j].params, l.params);
      assert.equal(rows[j].macs, l.macs);
      assert.equal(rows[j].flops, l.macs === null ? null : 2 * l.macs);
      if (l.macs !== null && m.forwardFlops) assert.equal(rows[j].share, (2 * l.macs) / m.forwardFlops);
      assert.equal(rows[j].line, l.range && !l.file ? l.range.start.line : null);
    });
  });
});

test("the cost chart's bars add up to the model's forward FLOPs, largest first, at most TOP_LAYERS + 2", () => {
  for (const m of analysis.models) {
    const s = costByLayer(m);
    const total = s.values.reduce((a, b) => a + b, 0);
    assert.equal(total, m.forwardFlops);
    assert.ok(s.labels.length <= TOP_LAYERS + 2);
    const named = s.values.slice(0, Math.min(TOP_LAYERS, s.values.length));
    for (let k = 1; k < named.length && !s.labels[k].startsWith("other"); k++) assert.ok(named[k - 1] >= named[k]);
  }
});

test("more layers than the top: the rest is one 'other layers' bar with their exact sum", () => {
  const base = analysis.models[0];
  const layers = Array.from({ length: 20 }, (_, i) => ({ ...base.layers[0], path: `l${i}`, macs: (i + 1) * 1000 }));
  const macs = layers.reduce((s, l) => s + (l.macs as number), 0);
  const m: ModelCost = { ...base, layers, forwardMacs: macs, forwardFlops: 2 * macs };
  const s = costByLayer(m, 5);
  assert.equal(s.labels.length, 6);
  assert.equal(s.labels[5], "other layers (15)");
  const expectedRest = layers.slice(0, 15).reduce((t, l) => t + 2 * (l.macs as number), 0);
  assert.equal(s.values[5], expectedRest);
  const top5 = layers
    .map((l) => 2 * (l.macs as number))
    .sort((a, b) => b - a)
    .slice(0, 5);
  assert.deepEqual(s.values.slice(0, 5), top5);
});

test("what-if bars: the baseline is the run's CO2e, each what-if with an estimate follows in order", () => {
  const r = analysis.runs[0];
  const bars = whatIfBars(r);
  assert.deepEqual(bars[0], { label: "baseline", low: r.co2eKg?.low, high: r.co2eKg?.high, baseline: true });
  const priced = r.whatIfs.filter((w) => w.co2eKg);
  assert.deepEqual(
    bars.slice(1).map((b) => [b.label, b.low, b.high]),
    priced.map((w) => [w.title, w.co2eKg?.low, w.co2eKg?.high]),
  );
});

test("run cards show the device, the grid from the assumptions, and every assumption with its citation", () => {
  const r = analysis.runs[0];
  const view = reportViewModel(analysis).runs[0];
  assert.match(view.cards[0].detail, new RegExp(r.deviceName));
  const grid = r.assumptions.find((a) => a.name.startsWith("grid intensity"));
  assert.ok(grid);
  // "472.94 (world average)" reads "grid 472.94 gCO2e/kWh (world average)" on the card.
  const [number, ...label] = grid.value.split(" ");
  assert.equal(view.cards[2].detail, `grid ${number} gCO2e/kWh ${label.join(" ")}`.trimEnd());
  assert.equal(view.assumptions.length, r.assumptions.length);
  assert.deepEqual(
    view.assumptions.map((a) => a.citation),
    r.assumptions.map((a) => a.citation ?? ""),
  );
});

test("equivalents divide the CO2e range by the cited factors and nothing else", () => {
  const r = analysis.runs[0];
  const eq = reportViewModel(analysis).runs[0].equivalents;
  assert.equal(eq.length, EQUIVALENT_FACTORS.length);
  const litres = eq.find((e) => e.id === "gasoline");
  const perLitre = KG_CO2_PER_GALLON_GASOLINE / LITRES_PER_US_GALLON;
  assert.equal(litres?.amount.low, (r.co2eKg?.low as number) / perLitre);
  assert.equal(litres?.amount.high, (r.co2eKg?.high as number) / perLitre);
  const days = eq.find((e) => e.id === "car-days");
  assert.equal(days?.amount.high, (r.co2eKg?.high as number) / (KG_CO2_PER_PASSENGER_VEHICLE_YEAR / 365));
  for (const f of EQUIVALENT_FACTORS) assert.match(f.citation, /EPA/);
  assert.deepEqual(reportViewModel({ ...analysis, runs: [{ ...r, co2eKg: null }] }).runs[0].equivalents, []);
});

test("unknowns of models and runs are listed with their hints", () => {
  const r = analysis.runs[0];
  const withUnknown: FileAnalysis = {
    ...analysis,
    runs: [{ ...r, unknowns: [{ message: "epochs unknown", range: null, hint: "add `# footprint: epochs 90`" }] }],
  };
  const u = reportViewModel(withUnknown).unknowns.find((x) => x.message === "epochs unknown");
  assert.equal(u?.hint, "add `# footprint: epochs 90`");
  assert.equal(u?.where, `run at line ${r.spec.range.start.line + 1}`);
});

test("CSV fields: quotes, commas and line breaks are quoted and doubled; formula starts are neutralised", () => {
  assert.equal(csvField('a "b", c'), '"a ""b"", c"');
  assert.equal(csvField("two\nlines"), '"two\nlines"');
  assert.equal(csvField("=HYPERLINK(1)"), "'=HYPERLINK(1)");
  assert.equal(csvField("-1+1"), "'-1+1");
  assert.equal(csvField(-3), "-3");
  assert.equal(csvField(null), "");
  assert.equal(csvField(Number.NaN), "");
});

test("layer CSV: a header, then one row per layer with the analysis's numbers", () => {
  const csv = layerCsv(analysis);
  const lines = csv.trimEnd().split("\r\n");
  assert.equal(lines[0], LAYER_CSV_HEADER.join(","));
  const layers = analysis.models.flatMap((m) => m.layers.map((l) => ({ m, l })));
  assert.equal(lines.length, 1 + layers.length);
  const { m, l } = layers[0];
  const cells = lines[1].split(",");
  assert.equal(cells[0], m.name);
  assert.equal(cells[1], l.path);
  assert.equal(Number(cells[3]), l.params);
  assert.equal(cells[6], l.outputShape?.join("x"));
  assert.equal(Number(cells[8]), 2 * (l.macs as number));
});
