// FP101: the estimate of each training run — time, energy and CO2e as ranges, with the device,
// grid and what is still unknown, so the cost is visible where the loop is written.
import { add } from "../footprint/interval";
import { range } from "../format";
import type { Interval, RunEstimate } from "../types";
import { runsLabel } from "./mergeFindings";
import type { Rule } from "./rule";

export const runEstimate: Rule = {
  code: "FP101",
  title: "Training-run estimate",
  defaultSeverity: "information",
  check({ runs }) {
    return runs.map((run) => ({ message: message([run]), range: run.spec.range, run }));
  },
  mergedMessage: message,
};

/** One run's estimate, or the total of the passes of a list loop (each part only when every pass has it). */
function message(runs: RunEstimate[]): string {
  const first = runs[0];
  const where = `${first.deviceCount}× ${first.deviceName}`;
  const parts: string[] = [];
  const time = total(runs.map((r) => r.timeHours));
  const energy = total(runs.map((r) => r.energyKWh));
  const co2 = total(runs.map((r) => r.co2eKg));
  if (time) parts.push(`${range(time, "h")} on ${where}`);
  if (energy) parts.push(range(energy, "kWh"));
  if (co2) parts.push(range(co2, "kg CO2e"));
  const unknown = runs.flatMap((r) => [...r.spec.unknowns, ...r.unknowns]);
  const known = parts.length ? parts.join(" · ") : `cost unknown on ${where}`;
  const gaps = [...new Set(unknown.map((u) => u.hint ?? u.message))];
  const gap = gaps.length ? ` — ${gaps.join("; ")}` : "";
  const label = first.spec.model ? `Training ${first.spec.model}` : "Training run";
  return runs.length > 1 ? `${label} (${runsLabel(runs)}), in total: ${known}${gap}` : `${label}: ${known}${gap}`;
}

const total = (xs: Array<Interval | null>): Interval | null =>
  xs.every((x): x is Interval => !!x) ? xs.reduce(add) : null;
