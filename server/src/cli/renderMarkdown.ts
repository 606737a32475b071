// A readable Markdown report of analyses: summary, per-model layer tables, training runs with
// assumptions and what-ifs, findings. Used by `footprint check --format markdown` and by the
// VS Code client's "Footprint: Show Report" preview.
import { compact, exact, flops, paramCount, range, shape, sig } from "../analysis/format";
import { flopsRange, savingText } from "../lsp/hoverText";
import type { FileAnalysis, ModelCost, RunEstimate, Unknown } from "../analysis/types";

const esc = (s: string) => s.replace(/\|/g, "\\|");
const pct = (part: number, whole: number) => (whole > 0 ? `${sig((100 * part) / whole)}%` : "–");

function unknowns(list: readonly Unknown[]): string[] {
  if (list.length === 0) return [];
  return [
    "",
    "Not known:",
    "",
    ...list.map(
      (u) => `- ${u.message}${u.range ? ` (line ${u.range.start.line + 1})` : ""}${u.hint ? ` — ${u.hint}` : ""}`,
    ),
  ];
}

function modelSection(m: ModelCost): string[] {
  const out = [`### \`${m.name}\` — ${m.className} (${m.framework}), line ${m.range.start.line + 1}`, ""];
  const frozen = m.params - m.trainableParams;
  out.push(
    `- **${paramCount(m.params, m.paramsInexact)} parameters**${frozen > 0 ? ` (${exact(frozen)} frozen)` : ""}`,
  );
  if (m.forwardFlops !== null && m.forwardMacs !== null) {
    out.push(
      `- **${flops(m.forwardFlops)}** per sample forward (${compact(m.forwardMacs)} MACs; FLOPs = 2 × MACs) at input ${shape(m.inputShape)}${m.inputShapeSource ? ` from ${m.inputShapeSource}` : ""}`,
    );
  } else {
    out.push("- FLOPs unknown: no input shape reached the forward pass");
  }
  if (m.layers.length > 0) {
    out.push("", "| layer | type | params | output | FLOPs | share |", "|---|---|--:|---|--:|--:|");
    for (const l of m.layers) {
      const f = l.macs === null ? "–" : compact(2 * l.macs);
      const share = l.macs !== null && m.forwardMacs ? pct(l.macs, m.forwardMacs) : "–";
      const line = l.range && !l.file ? ` (line ${l.range.start.line + 1})` : "";
      const frozen = l.params > 0 && l.trainableParams === 0 ? " frozen" : "";
      out.push(
        `| \`${esc(l.path)}\`${line} | ${esc(l.type)} | ${exact(l.params)}${frozen} | ${shape(l.outputShape)} | ${f} | ${share} |`,
      );
    }
  }
  out.push(...unknowns(m.unknowns));
  return out;
}

function runSection(r: RunEstimate): string[] {
  const s = r.spec;
  const out = [
    `### Training run${s.model ? ` of \`${s.model}\`` : ""} (${s.framework}), line ${s.range.start.line + 1}`,
    "",
  ];
  out.push(`- Time: **${r.timeHours ? range(r.timeHours, "h") : "unknown"}**`);
  out.push(`- Energy: **${r.energyKWh ? range(r.energyKWh, "kWh") : "unknown"}**`);
  out.push(`- Emissions: **${r.co2eKg ? range(r.co2eKg, "kg CO2e") : "unknown"}**`);
  if (r.deviceName) out.push(`- Hardware: ${r.deviceCount} × ${r.deviceName}`);
  const schedule = [
    s.epochs !== null ? `${exact(s.epochs)} epochs` : null,
    s.maxSteps !== null ? `${exact(s.maxSteps)} steps` : null,
    s.trainSamples !== null ? `${exact(s.trainSamples)} training samples` : null,
    s.valSamples !== null ? `${exact(s.valSamples)} validation samples` : null,
    s.batchSize !== null ? `batch ${s.batchSize}` : null,
    s.gradientAccumulation > 1 ? `gradient accumulation ${s.gradientAccumulation}` : null,
    `precision ${s.precision}`,
    s.trials > 1 ? `${s.trials} trials` : null,
  ].filter(Boolean);
  out.push(`- Schedule: ${schedule.join(", ")}`);
  if (r.method) out.push(`- Method: ${r.method}${r.trainFlops ? ` = ${flopsRange(r.trainFlops)}` : ""}`);
  if (r.assumptions.length > 0) {
    out.push("", "| assumption | value | source |", "|---|---|---|");
    for (const a of r.assumptions) {
      out.push(`| ${esc(a.name)} | ${esc(a.value)} | ${a.source}${a.citation ? ` — ${esc(a.citation)}` : ""} |`);
    }
  }
  if (r.whatIfs.length > 0) {
    out.push("", "| what if | time | energy | CO2e | change |", "|---|---|---|---|--:|");
    for (const w of r.whatIfs) {
      const change = savingText(w.saving).replace(/^ \((.*)\)$/, "$1") || "–";
      out.push(
        `| ${esc(w.title)}${w.note ? ` (${esc(w.note)})` : ""} | ${w.timeHours ? range(w.timeHours, "h") : "–"} | ${w.energyKWh ? range(w.energyKWh, "kWh") : "–"} | ${w.co2eKg ? range(w.co2eKg, "kg") : "–"} | ${change} |`,
      );
    }
  }
  if (r.inference && (r.inference.options.length > 0 || r.inference.notOffered.length > 0)) {
    out.push("", `Serving the trained model, per ${exact(r.inference.inferences)} inferences:`, "");
    out.push("| target | energy | CO2e | per inference | notes |", "|---|---|---|---|---|");
    for (const o of r.inference.options)
      out.push(
        `| ${esc(o.title)} | ${range(o.energyKWh, "kWh")} | ${range(o.co2eKg, "kg")} | ${range(o.joulesPerInference, "J")} | ${esc(o.note)} |`,
      );
    for (const n of r.inference.notOffered) out.push(`| not offered | – | – | – | ${esc(n)} |`);
  }
  out.push(...unknowns([...s.unknowns, ...r.unknowns]));
  return out;
}

/** The report for one file, starting at a level-2 heading. */
export function fileMarkdown(f: FileAnalysis): string[] {
  const out = [`## ${f.path}`, ""];
  const params = f.models.reduce((s, m) => s + m.params, 0);
  const summary = [`${f.models.length} model(s)`, `${f.runs.length} training run(s)`];
  if (f.models.length > 0) summary.push(`${compact(params)} parameters in total`);
  out.push(summary.join(" · "));
  for (const n of f.notices) out.push("", `> ${n}`);
  if (f.models.length > 0) out.push("", ...f.models.flatMap((m) => [...modelSection(m), ""]));
  if (f.runs.length > 0) out.push("", ...f.runs.flatMap((r) => [...runSection(r), ""]));
  out.push(...unknowns(f.unknowns ?? []));
  if (f.findings.length > 0) {
    out.push("", "### Findings", "");
    for (const x of f.findings)
      out.push(`- line ${x.range.start.line + 1}: **${x.code}** (${x.severity}) ${x.message}`);
  }
  if (f.models.length === 0 && f.runs.length === 0 && f.notices.length === 0) {
    out.push("", "No models or training runs found in this file.");
  }
  return out;
}

export function markdownReport(files: FileAnalysis[]): string {
  return `${["# Footprint report", "", ...files.flatMap((f) => [...fileMarkdown(f), ""])].join("\n")}\n`;
}
