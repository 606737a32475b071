// FileAnalysis → the report's view model: summary cards, layer rows, chart series, assumptions,
// unknowns and equivalents. Pure, so tests check it without VS Code and the webview only draws it.
import { compact, exact, flops, range, shape } from "../../../server/src/analysis/format";
import type { FileAnalysis, Interval, ModelCost, RunEstimate } from "../../../server/src/analysis/types";
import { type Equivalent, equivalentsFor } from "./equivalents";

export interface Card {
  label: string;
  value: string;
  detail: string;
}

export interface LayerRow {
  path: string;
  type: string;
  params: number;
  outputShape: string;
  macs: number | null;
  flops: number | null;
  /** Share of the model's forward FLOPs (0–1); null when either is unknown. */
  share: number | null;
  /** 0-based line in the analysed file, for "reveal"; null for layers defined elsewhere. */
  line: number | null;
}

export interface BarSeries {
  labels: string[];
  values: number[];
}

export interface ModelView {
  title: string;
  line: number;
  cards: Card[];
  layers: LayerRow[];
  /** Forward FLOPs by layer: the top layers, then "other layers" and FLOPs outside any layer. */
  costByLayer: BarSeries;
}

export interface RangeBar {
  label: string;
  low: number;
  high: number;
  baseline: boolean;
}

export interface AssumptionView {
  name: string;
  value: string;
  source: string;
  citation: string;
}

export interface UnknownView {
  where: string;
  message: string;
  hint: string;
}

export interface RunView {
  title: string;
  line: number;
  cards: Card[];
  /** CO2e low–high of the baseline then each what-if with an estimate, kg. */
  whatIfs: RangeBar[];
  assumptions: AssumptionView[];
  equivalents: Equivalent[];
}

export interface ReportViewModel {
  path: string;
  notices: string[];
  models: ModelView[];
  runs: RunView[];
  unknowns: UnknownView[];
}

/** Bars in the cost chart before the rest is summed into "other layers". */
export const TOP_LAYERS = 15;

const OUTSIDE_LAYERS = "not in a layer (functional ops)";

function layerRows(m: ModelCost): LayerRow[] {
  return m.layers.map((l) => {
    const layerFlops = l.macs === null ? null : 2 * l.macs;
    return {
      path: l.path,
      type: l.type,
      params: l.params,
      outputShape: shape(l.outputShape),
      macs: l.macs,
      flops: layerFlops,
      share: layerFlops !== null && m.forwardFlops ? layerFlops / m.forwardFlops : null,
      line: l.range && !l.file ? l.range.start.line : null,
    };
  });
}

/** Top layers by FLOPs; the rest summed, plus what the model costs outside its layers (F.relu, matmuls). */
export function costByLayer(m: ModelCost, top = TOP_LAYERS): BarSeries {
  const known = m.layers
    .filter((l) => l.macs !== null && l.macs > 0)
    .map((l) => ({ label: l.path, value: 2 * (l.macs as number) }))
    .sort((a, b) => b.value - a.value);
  const shown = known.slice(0, top);
  const labels = shown.map((s) => s.label);
  const values = shown.map((s) => s.value);
  const rest = known.slice(top).reduce((s, x) => s + x.value, 0);
  if (rest > 0) {
    labels.push(`other layers (${known.length - top})`);
    values.push(rest);
  }
  const inLayers = known.reduce((s, x) => s + x.value, 0);
  if (m.forwardFlops !== null && m.forwardFlops > inLayers) {
    labels.push(OUTSIDE_LAYERS);
    values.push(m.forwardFlops - inLayers);
  }
  return { labels, values };
}

function modelView(m: ModelCost): ModelView {
  const frozen = m.params - m.trainableParams;
  const cards: Card[] = [
    {
      label: "Parameters",
      value: compact(m.params),
      detail: `${exact(m.params)}${frozen > 0 ? ` (${exact(frozen)} frozen)` : ""}`,
    },
    {
      label: "Forward FLOPs / sample",
      value: m.forwardFlops === null ? "unknown" : flops(m.forwardFlops),
      detail: m.inputShape
        ? `input ${shape(m.inputShape)} (${m.inputShapeSource ?? "unknown source"})`
        : "no input shape",
    },
  ];
  return {
    title: `${m.name} (${m.className})`,
    line: m.range.start.line,
    cards,
    layers: layerRows(m),
    costByLayer: costByLayer(m),
  };
}

const orUnknown = (i: Interval | null, unit: string) => (i ? range(i, unit) : "unknown");

/** The grid the run was priced on, as its assumption says ("472.94 (world average)"). */
function gridOf(r: RunEstimate): string {
  const a = r.assumptions.find((x) => x.name.startsWith("grid intensity"));
  // The value reads "472.94 (world average)": put the unit after the number.
  return a ? `grid ${a.value.replace(/^([\d.,]+)/, "$1 gCO2e/kWh")}` : "grid unknown";
}

export function whatIfBars(r: RunEstimate): RangeBar[] {
  const bars: RangeBar[] = [];
  if (r.co2eKg) bars.push({ label: "baseline", low: r.co2eKg.low, high: r.co2eKg.high, baseline: true });
  for (const w of r.whatIfs) {
    if (w.co2eKg) bars.push({ label: w.title, low: w.co2eKg.low, high: w.co2eKg.high, baseline: false });
  }
  return bars;
}

function runView(r: RunEstimate): RunView {
  const device = `${r.deviceCount}× ${r.deviceName}`;
  return {
    title: `Training run of ${r.spec.model ?? "an unknown model"} (${r.spec.framework}, line ${r.spec.range.start.line + 1})`,
    line: r.spec.range.start.line,
    cards: [
      { label: "Training time", value: orUnknown(r.timeHours, "h"), detail: device },
      { label: "Energy", value: orUnknown(r.energyKWh, "kWh"), detail: r.method ?? "no pricing method" },
      { label: "Emissions", value: orUnknown(r.co2eKg, "kg CO2e"), detail: gridOf(r) },
    ],
    whatIfs: whatIfBars(r),
    assumptions: r.assumptions.map((a) => ({
      name: a.name,
      value: a.value,
      source: a.source,
      citation: a.citation ?? "",
    })),
    equivalents: equivalentsFor(r.co2eKg),
  };
}

/** Every unknown of the file, with where it belongs, so the user sees what would sharpen the estimate. */
function unknownViews(f: FileAnalysis): UnknownView[] {
  const out: UnknownView[] = [];
  for (const m of f.models) {
    for (const u of m.unknowns) out.push({ where: m.name, message: u.message, hint: u.hint ?? "" });
  }
  for (const r of f.runs) {
    const where = `run at line ${r.spec.range.start.line + 1}`;
    for (const u of [...r.spec.unknowns, ...r.unknowns]) out.push({ where, message: u.message, hint: u.hint ?? "" });
  }
  return out;
}

export function reportViewModel(f: FileAnalysis): ReportViewModel {
  return {
    path: f.path,
    notices: f.notices,
    models: f.models.map(modelView),
    runs: f.runs.map(runView),
    unknowns: unknownViews(f),
  };
}
