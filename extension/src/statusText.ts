// The status bar's text for one file's analysis (pure, so unit tests check it without VS Code):
// total parameters of its models, then the summed training energy and CO2e of its runs.
import { compact, range } from "../../server/src/analysis/format";
import type { FileAnalysis, Interval } from "../../server/src/analysis/types";

/** Low and high summed over the known intervals; null when none is known. */
export function sumIntervals(intervals: Array<Interval | null>): Interval | null {
  const known = intervals.filter((i): i is Interval => i !== null);
  if (known.length === 0) return null;
  return { low: known.reduce((s, i) => s + i.low, 0), high: known.reduce((s, i) => s + i.high, 0) };
}

/** "$(pulse) 825K params · 0.00014–0.039 kWh · 0.000067–0.019 kg CO2e"; null when nothing to show. */
export function statusText(analysis: Pick<FileAnalysis, "models" | "runs">): string | null {
  if (analysis.models.length === 0 && analysis.runs.length === 0) return null;
  const params = analysis.models.reduce((s, m) => s + m.params, 0);
  const energy = sumIntervals(analysis.runs.map((r) => r.energyKWh));
  const co2e = sumIntervals(analysis.runs.map((r) => r.co2eKg));
  const parts = [`$(pulse) ${compact(params)} params`];
  if (energy) parts.push(range(energy, "kWh"));
  if (co2e) parts.push(range(co2e, "kg CO2e"));
  return parts.join(" · ");
}
