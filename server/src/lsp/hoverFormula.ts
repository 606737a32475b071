// The run hover's "how it was computed": the three formulas of docs/MODEL.md (energyModel.ts) with
// the run's own numbers plugged in, read from its assumptions, so a reader can redo the arithmetic.
import { flops, range } from "../analysis/format";
import type { Assumption, Interval, RunEstimate } from "../analysis/types";

/** FLOP counts in SI units ("13.5 PFLOPs"), a range only when low and high differ. */
function flopsRange(r: Interval): string {
  const lo = flops(r.low);
  const hi = flops(r.high);
  return lo === hi ? lo : `${lo} – ${hi}`;
}

/** Where an assumption came from, in the words a user knows the place by. */
export const SOURCE_LABEL: Record<Assumption["source"], string> = {
  script: "from the script",
  directive: "from a `# footprint:` comment",
  setting: "from your settings",
  project: "from pyproject.toml [tool.footprint]",
  default: "default",
};

function value(run: RunEstimate, name: string): string | null {
  const a = run.assumptions.find((x) => x.name === name || x.name.startsWith(`${name} (`));
  return a ? a.value : null;
}

/** "19.5 TFLOP/s (fp32, dense) per device" → "19.5 TFLOP/s"; "472.94 (world average)" → "472.94". */
const leading = (v: string) => v.replace(/\s*\(.*$/, "").replace(/ per device$/, "");

/**
 * Markdown lines: time = max(FLOPs ÷ (devices × peak × MFU), step floor); energy = time × devices ×
 * W per device × PUE; CO2e = energy × grid. A line is left out when one of its inputs is unknown.
 */
export function formulaLines(run: RunEstimate): string[] {
  const lines: string[] = [];
  const peak = value(run, "peak throughput");
  const mfu = value(run, "model FLOPs utilisation");
  if (run.trainFlops && run.timeHours && peak && mfu) {
    lines.push(
      `- time = max(FLOPs ÷ (devices × peak × MFU), step floor) = max(${flopsRange(run.trainFlops)} ÷ (${run.deviceCount} × ${leading(peak)} × ${mfu}), dispatch + loading) → **${range(run.timeHours, "h")}**`,
    );
  }
  const watts = value(run, "power per device (W)");
  const pue = value(run, "PUE");
  if (run.timeHours && run.energyKWh && watts && pue) {
    lines.push(
      `- energy = time × devices × W per device × PUE = ${range(run.timeHours, "h")} × ${run.deviceCount} × (${watts}) W × ${pue} → **${range(run.energyKWh, "kWh")}**`,
    );
  }
  const grid = value(run, "grid intensity");
  if (run.energyKWh && run.co2eKg && grid) {
    lines.push(
      `- CO2e = energy × grid = ${range(run.energyKWh, "kWh")} × ${leading(grid)} gCO2e/kWh → **${range(run.co2eKg, "kg CO2e")}**`,
    );
  }
  return lines.length > 0 ? ["**How**", ...lines] : [];
}
