// FP101: the estimate of each training run — time, energy and CO2e as ranges, with the device,
// grid and what is still unknown, so the cost is visible where the loop is written.
import { range } from "../format";
import type { Rule } from "./rule";

export const runEstimate: Rule = {
  code: "FP101",
  title: "Training-run estimate",
  defaultSeverity: "information",
  check({ runs }) {
    return runs.map((run) => {
      const where = `${run.deviceCount}× ${run.deviceName}`;
      const parts: string[] = [];
      if (run.timeHours) parts.push(`${range(run.timeHours, "h")} on ${where}`);
      if (run.energyKWh) parts.push(range(run.energyKWh, "kWh"));
      if (run.co2eKg) parts.push(range(run.co2eKg, "kg CO2e"));
      const unknown = [...run.spec.unknowns, ...run.unknowns];
      const known = parts.length ? parts.join(" · ") : `cost unknown on ${where}`;
      const gap = unknown.length ? ` — ${unknown.map((u) => u.hint ?? u.message).join("; ")}` : "";
      const label = run.spec.model ? `Training ${run.spec.model}` : "Training run";
      return { message: `${label}: ${known}${gap}`, range: run.spec.range };
    });
  },
};
