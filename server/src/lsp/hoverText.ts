// Markdown for hovers on a layer, a model and a training run. Short lines and lists, no wide
// tables: VS Code's hover is narrow. All numbers go through format.ts.
import { compact, exact, flops, paramCount, range, shape, sig } from "../analysis/format";
import type { Interval, LayerCost, ModelCost, RunEstimate, Unknown } from "../analysis/types";
import { formulaLines, SOURCE_LABEL } from "./hoverFormula";

/** " (−45%)" for a what-if's relative change; nothing when unknown. */
export function savingText(saving: number | null): string {
  if (saving === null) return "";
  if (Math.abs(saving) < 0.005) return " (no change)";
  return ` (${saving < 0 ? "−" : "+"}${sig(Math.abs(saving) * 100)}%)`;
}

/** "21 TFLOPs" or "2.1 TFLOPs – 4.3 TFLOPs": FLOP counts are too large for plain digits. */
export function flopsRange(r: Interval): string {
  const lo = flops(r.low);
  const hi = flops(r.high);
  return lo === hi ? lo : `${lo} – ${hi}`;
}

const FLOPS_NOTE = "_FLOPs = 2 × multiply-accumulates (MACs)._";

function percent(part: number, whole: number): string {
  if (whole <= 0) return "–";
  return `${sig((100 * part) / whole)}%`;
}

function trainability(params: number, trainable: number): string {
  if (params === 0) return "no parameters";
  if (trainable === params) return "trainable";
  if (trainable === 0) return "frozen";
  return `${exact(trainable)} trainable, ${exact(params - trainable)} frozen`;
}

function unknownLines(unknowns: readonly Unknown[], max = 4): string[] {
  if (unknowns.length === 0) return [];
  const lines = unknowns.slice(0, max).map((u) => `- ${u.message}${u.hint ? ` — ${u.hint}` : ""}`);
  if (unknowns.length > max) lines.push(`- …and ${unknowns.length - max} more`);
  return ["**Not known**", ...lines];
}

/** One layer, or several built by the same line (a loop), inside `model`. */
export function layerHover(model: ModelCost, layers: readonly LayerCost[]): string {
  // A container (Sequential, a block) owns no parameters itself: count its whole subtree.
  const subtree = model.layers.filter((l) => layers.some((g) => l === g || l.path.startsWith(`${g.path}.`)));
  const params = subtree.reduce((s, l) => s + l.params, 0);
  const trainable = subtree.reduce((s, l) => s + l.trainableParams, 0);
  const macs = subtree.every((l) => l.macs !== null) ? subtree.reduce((s, l) => s + (l.macs ?? 0), 0) : null;
  const first = layers[0];
  const out: string[] = [];
  if (layers.length === 1) {
    out.push(`**${first.type}** \`${first.path}\` in \`${model.name}\` (${model.className})`);
  } else {
    const names = layers.slice(0, 6).map((l) => `\`${l.path}\``);
    if (layers.length > 6) names.push("…");
    out.push(`**${layers.length} × ${first.type}** built here in \`${model.name}\`: ${names.join(", ")}`);
  }
  const inside = subtree.length > layers.length ? ` in ${subtree.length - layers.length} sublayers` : "";
  out.push(
    `**${exact(params)} params**${inside} · ${percent(params, model.params)} of the model · ${trainability(params, trainable)}`,
  );
  if (layers.length === 1 && (first.inputShape || first.outputShape)) {
    out.push(`Shape per sample: ${shape(first.inputShape)} → ${shape(first.outputShape)}`);
  }
  if (macs !== null) {
    const calls = layers.reduce((s, l) => s + l.calls, 0);
    const share = model.forwardMacs ? ` · ${percent(macs, model.forwardMacs)} of the forward pass` : "";
    const callNote = calls > layers.length ? ` over ${calls} calls` : "";
    out.push(`**${flops(2 * macs)}**/sample (${compact(macs)} MACs)${callNote}${share}`);
  } else {
    out.push(`FLOPs unknown: the forward pass did not reach this layer with a known shape.`);
  }
  if (macs !== null) out.push(FLOPS_NOTE);
  return out.join("\n\n");
}

export function modelHover(model: ModelCost, topN = 8): string {
  const out: string[] = [];
  out.push(`**${model.name}** = \`${model.className}(…)\` · ${model.framework}`);
  out.push(
    `**${paramCount(model.params, model.paramsInexact)} params** · ${trainability(model.params, model.trainableParams)}`,
  );
  if (model.forwardFlops !== null && model.forwardMacs !== null) {
    const source = model.inputShapeSource ? ` (input from ${model.inputShapeSource})` : "";
    out.push(
      `**${flops(model.forwardFlops)}**/sample forward (${compact(model.forwardMacs)} MACs) at input ${shape(model.inputShape)}${source}`,
    );
  } else {
    out.push("FLOPs unknown: no input shape reached the forward pass.");
  }
  const byFlops = model.forwardMacs !== null && model.layers.some((l) => (l.macs ?? 0) > 0);
  const ranked = [...model.layers]
    .filter((l) => (byFlops ? (l.macs ?? 0) > 0 : l.params > 0))
    .sort((a, b) => (byFlops ? (b.macs ?? 0) - (a.macs ?? 0) : b.params - a.params))
    .slice(0, topN);
  if (ranked.length > 0) {
    const lines = ranked.map((l) => {
      const cost =
        byFlops && l.macs !== null ? ` · ${flops(2 * l.macs)} (${percent(l.macs, model.forwardMacs ?? 0)})` : "";
      const frozen = l.params > 0 && l.trainableParams === 0 ? " · frozen" : "";
      return `- \`${l.path}\` ${l.type} — ${compact(l.params)} params${cost}${frozen}`;
    });
    const more = model.layers.length > ranked.length ? ` (${ranked.length} of ${model.layers.length})` : "";
    out.push([`**Top layers by ${byFlops ? "FLOPs" : "params"}**${more}`, ...lines].join("\n"));
  }
  const unknown = unknownLines(model.unknowns);
  if (unknown.length) out.push(unknown.join("\n"));
  if (model.forwardFlops !== null) out.push(FLOPS_NOTE);
  return out.join("\n\n");
}

export function runHover(run: RunEstimate): string {
  const { spec } = run;
  const out: string[] = [];
  out.push(`**Training run**${spec.model ? ` of \`${spec.model}\`` : ""} · ${spec.framework}`);
  const figures = [
    run.timeHours ? `**${range(run.timeHours, "h")}**` : "time unknown",
    run.energyKWh ? `**${range(run.energyKWh, "kWh")}**` : "energy unknown",
    run.co2eKg ? `**${range(run.co2eKg, "kg CO2e")}**` : "CO2e unknown",
  ];
  out.push(figures.join(" · "));
  const schedule = [
    run.deviceName ? `${run.deviceCount} × ${run.deviceName}` : null,
    spec.epochs !== null ? `${exact(spec.epochs)} epochs` : null,
    spec.maxSteps !== null ? `${exact(spec.maxSteps)} steps` : null,
    spec.trainSamples !== null ? `${exact(spec.trainSamples)} samples` : null,
    spec.batchSize !== null ? `batch ${spec.batchSize}` : null,
    spec.precision,
    spec.trials > 1 ? `× ${spec.trials} trials` : null,
  ].filter(Boolean);
  out.push(schedule.join(" · "));
  if (run.method) out.push(`Method: ${run.method}${run.trainFlops ? ` → ${flopsRange(run.trainFlops)}` : ""}`);
  const formula = formulaLines(run);
  if (formula.length) out.push(formula.join("\n"));
  if (run.assumptions.length) {
    const lines = run.assumptions.map((a) => `- ${a.name}: ${a.value} _(${SOURCE_LABEL[a.source]})_`);
    out.push(["**Assumptions** (where each comes from)", ...lines].join("\n"));
  }
  // Cheapest first: the what-if that saves most leads; unpriced savings go last.
  const whatIfs = run.whatIfs
    .filter((w) => w.energyKWh)
    .sort((a, b) => (a.saving ?? Number.POSITIVE_INFINITY) - (b.saving ?? Number.POSITIVE_INFINITY))
    .slice(0, 5);
  if (whatIfs.length) {
    const lines = whatIfs.map((w) => {
      const co2 = w.co2eKg ? ` · ${range(w.co2eKg, "kg CO2e")}` : "";
      return `- ${w.title}: ${range(w.energyKWh!, "kWh")}${co2}${savingText(w.saving)}`;
    });
    out.push(["**What if**", ...lines].join("\n"));
  }
  const serving = run.inference?.options ?? [];
  if (serving.length) {
    const lines = serving.map((o) => `- ${o.title}: ${range(o.energyKWh, "kWh")} · ${range(o.co2eKg, "kg CO2e")}`);
    out.push([`**Serving it** (per ${exact(run.inference?.inferences ?? 0)} inferences)`, ...lines].join("\n"));
  }
  const unknown = unknownLines([...spec.unknowns, ...run.unknowns]);
  if (unknown.length) out.push(unknown.join("\n"));
  return out.join("\n\n");
}
