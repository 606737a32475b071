// How rules quote a what-if from the footprint model: "≈ −45% time, −0.8 kg CO2e with bf16
// autocast on A100", so the user sees the number before applying a fix.
import { range, sig } from "../format";
import { add } from "../footprint/interval";
import type { Interval, RunEstimate, WhatIf } from "../types";

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
  return describeSavings([{ run, w }]);
}

/**
 * The saving of several runs together (the passes of a list loop that one finding covers): the
 * time change is the summed what-if time against the summed run time, the CO2e change and ranges
 * are sums. Each part is said only when every run has it priced; one run gives describeSaving's text.
 */
export function describeSavings(pairs: Array<{ run: RunEstimate; w: WhatIf | null }>): string | null {
  if (!pairs.length || pairs.some((p) => !p.w)) return null;
  const parts: string[] = [];
  const time = sumBoth(pairs, (p) => [p.run.timeHours, p.w?.timeHours ?? null]);
  if (time) {
    const dt = 1 - mid(time.what) / mid(time.base);
    if (Math.abs(dt) >= 0.005) parts.push(`${dt > 0 ? "−" : "+"}${Math.round(Math.abs(dt) * 100)}% time`);
  }
  const co2 = sumBoth(pairs, (p) => [p.run.co2eKg, p.w?.co2eKg ?? null]);
  if (co2) {
    const dc = mid(co2.base) - mid(co2.what);
    parts.push(
      `${dc >= 0 ? "−" : "+"}${sig(Math.abs(dc))} kg CO2e (${range(co2.what, "kg")} instead of ${range(co2.base, "kg")})`,
    );
  }
  return parts.length ? `≈ ${parts.join(", ")}` : null;
}

/** The runs' and the what-ifs' intervals summed, or null when one of them is not priced. */
function sumBoth<P>(
  pairs: P[],
  get: (p: P) => [Interval | null, Interval | null],
): { base: Interval; what: Interval } | null {
  let base: Interval = { low: 0, high: 0 };
  let what: Interval = { low: 0, high: 0 };
  for (const p of pairs) {
    const [b, w] = get(p);
    if (!b || !w) return null;
    base = add(base, b);
    what = add(what, w);
  }
  return { base, what };
}
