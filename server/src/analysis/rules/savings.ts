// How rules quote a what-if from the footprint model: "≈ −45% time, −0.8 kg CO2e with bf16
// autocast on A100", so the user sees the number before applying a fix.
import { range, sig } from "../format";
import type { RunEstimate, WhatIf } from "../types";

/** The first what-if whose id starts with one of `prefixes`. */
export function whatIf(run: RunEstimate, ...prefixes: string[]): WhatIf | null {
  for (const p of prefixes) {
    const w = run.whatIfs.find((x) => x.id === p || x.id.startsWith(`${p}:`) || x.id.startsWith(p));
    if (w) return w;
  }
  return null;
}

const mid = (r: { low: number; high: number }) => (r.low + r.high) / 2;

/** "≈ −45% time, −0.80 kg CO2e (0.9–1.8 → 0.5–1.0 kg)"; null when the saving is not priced. */
export function describeSaving(run: RunEstimate, w: WhatIf | null): string | null {
  if (!w) return null;
  const parts: string[] = [];
  if (run.timeHours && w.timeHours) {
    const dt = 1 - mid(w.timeHours) / mid(run.timeHours);
    if (Math.abs(dt) >= 0.005) parts.push(`${dt > 0 ? "−" : "+"}${Math.round(Math.abs(dt) * 100)}% time`);
  }
  if (run.co2eKg && w.co2eKg) {
    const dc = mid(run.co2eKg) - mid(w.co2eKg);
    parts.push(
      `${dc >= 0 ? "−" : "+"}${sig(Math.abs(dc))} kg CO2e (${range(w.co2eKg, "kg")} instead of ${range(run.co2eKg, "kg")})`,
    );
  }
  return parts.length ? `≈ ${parts.join(", ")}` : null;
}
