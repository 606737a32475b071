// The default `footprint check` output: per file, a models table, a runs table and the
// findings as `path:line:col`, then totals. Plain text, aligned columns, no colours.
import { exact, paramCount, range, shape, sig } from "../analysis/format";
import type { FileAnalysis, Interval } from "../analysis/types";
import type { CheckResult } from "./check";

/** Left-aligned columns separated by two spaces; numbers are right-aligned. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[\d,.–~-]+$|^–$/.test(r[i])));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

const orDash = (x: string | null | undefined) => (x === null || x === undefined || x === "" ? "–" : x);
const num = (n: number | null) => (n === null ? "–" : exact(n));
const interval = (r: Interval | null) => (r ? range(r, "").trim() : "–");

function fileSection(f: FileAnalysis): string[] {
  const out: string[] = [f.path];
  const indent = (lines: string[]) => lines.map((l) => `    ${l}`);
  if (f.models.length > 0) {
    out.push("  Models");
    const rows = f.models.map((m) => [
      `${m.name} (${m.className})`,
      String(m.range.start.line + 1),
      paramCount(m.params, m.paramsInexact),
      paramCount(m.trainableParams, m.paramsInexact),
      m.forwardFlops === null ? "–" : sig(m.forwardFlops / 1e9),
      shape(m.inputShape),
    ]);
    out.push(...indent(table(["model", "line", "params", "trainable", "GFLOPs/sample", "input"], rows)));
  }
  if (f.runs.length > 0) {
    out.push("  Training runs");
    const rows = f.runs.map((r) => [
      orDash(r.spec.model),
      String(r.spec.range.start.line + 1),
      num(r.spec.epochs),
      num(r.spec.trainSamples),
      r.deviceName ? `${r.deviceCount} × ${r.deviceName}` : "–",
      interval(r.timeHours),
      interval(r.energyKWh),
      interval(r.co2eKg),
    ]);
    out.push(...indent(table(["model", "line", "epochs", "samples", "device", "hours", "kWh", "kg CO2e"], rows)));
  }
  if (f.findings.length > 0) {
    out.push("  Findings");
    for (const x of f.findings) {
      out.push(
        `    ${f.path}:${x.range.start.line + 1}:${x.range.start.character + 1}  ${x.severity}  ${x.code}  ${x.message}`,
      );
    }
  }
  for (const n of f.notices) out.push(`  note: ${n}`);
  for (const u of f.unknowns ?? [])
    out.push(
      `  not known: line ${u.range ? u.range.start.line + 1 : "?"}: ${u.message}${u.hint ? ` — ${u.hint}` : ""}`,
    );
  if (f.models.length === 0 && f.runs.length === 0 && f.findings.length === 0 && f.notices.length === 0) {
    out.push("  no models or training runs found");
  }
  return out;
}

export function textReport(result: CheckResult, quiet: boolean): string {
  const out: string[] = [];
  if (!quiet) {
    for (const f of result.files) out.push(...fileSection(f), "");
    const models = result.files.reduce((s, f) => s + f.models.length, 0);
    const runs = result.files.reduce((s, f) => s + f.runs.length, 0);
    const { energyKWh, co2eKg, runsWithoutEstimate } = result.totals;
    const totals = [
      `${result.files.length} file(s), ${models} model(s), ${runs} training run(s)`,
      energyKWh ? range(energyKWh, "kWh") : null,
      co2eKg ? range(co2eKg, "kg CO2e") : null,
    ].filter(Boolean);
    out.push(`Total: ${totals.join(" · ")}`);
    if (runsWithoutEstimate > 0) out.push(`${runsWithoutEstimate} run(s) without an estimate are not in the total.`);
  }
  for (const b of result.budgets) {
    const unit = b.name === "energyKWh" ? "kWh" : "kg CO2e";
    const total = b.total ? range(b.total, unit) : `no estimate`;
    if (b.exceeded)
      out.push(`Budget exceeded: ${b.flag} ${b.limit}: estimate ${total} (upper bound is over the limit)`);
    else if (!quiet) out.push(`Budget ok: ${b.flag} ${b.limit}: estimate ${total}`);
  }
  return out.length > 0 ? `${out.join("\n")}\n` : "";
}
