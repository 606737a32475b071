// Human-readable numbers shared by every surface (diagnostics, hovers, inlay hints, CLI), so
// the same quantity reads the same everywhere.
import type { Interval } from "./types";

const SI = [
  { v: 1e15, s: "P" },
  { v: 1e12, s: "T" },
  { v: 1e9, s: "G" },
  { v: 1e6, s: "M" },
  { v: 1e3, s: "K" },
];

/** 11689512 → "11.7M"; 73856 → "73.9K"; 812 → "812". Three significant digits. */
export function compact(n: number): string {
  const a = Math.abs(n);
  for (const { v, s } of SI) {
    if (a >= v) return `${trim3(n / v)}${s}`;
  }
  return trim3(n);
}

function trim3(x: number): string {
  if (x === 0) return "0";
  const a = Math.abs(x);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return Number(x.toFixed(digits)).toString();
}

/** 1199882 → "1,199,882": exact counts are shown exactly. */
export function exact(n: number): string {
  return thousands(Math.round(n));
}

/** A model's parameter count: exact, "≥ n" (a lower bound) or "~n" (approximate); ModelCost.paramsInexact. */
export function paramCount(
  n: number,
  inexact: "lowerBound" | "approximate" | undefined,
  style: (n: number) => string = exact,
): string {
  if (inexact === "lowerBound") return `≥ ${style(n)}`;
  return inexact === "approximate" ? `~${style(n)}` : style(n);
}

/**
 * `n.toLocaleString("en-US")` without ICU: the first Intl call of a process costs ~25 ms (ICU's
 * data is loaded), which landed in the server's first analysis. Safe integers are grouped by hand
 * (identical output, test/unit/format.test.ts); anything else (fractions, -0, NaN, ±Infinity,
 * beyond 2^53) still goes to toLocaleString.
 */
export function thousands(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString("en-US");
  const digits = String(n < 0 ? -n : n);
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

/** FLOPs with unit: "116 MFLOPs", "4.1 GFLOPs". */
export function flops(n: number): string {
  const c = compact(n);
  return /[A-Z]$/.test(c) ? `${c.slice(0, -1)} ${c.slice(-1)}FLOPs` : `${c} FLOPs`;
}

/** A range with unit: "2.1–4.3 kWh"; collapses equal ends. */
export function range(r: Interval, unit: string): string {
  const lo = sig(r.low);
  const hi = sig(r.high);
  return lo === hi ? `${lo} ${unit}` : `${lo}–${hi} ${unit}`;
}

/** Two significant digits, plain notation for the magnitudes people read (0.0031, 2.4, 1,300). */
export function sig(x: number): string {
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1000) return exact(Number(x.toPrecision(2)));
  return Number(x.toPrecision(2)).toString();
}

/** [3, 224, 224] → "3×224×224". */
export function shape(s: readonly number[] | null): string {
  return s ? s.join("×") : "?";
}
