// Interval arithmetic for estimates: every quantity downstream of an uncertain constant is a
// low–high pair, and these helpers keep low ≤ high for the monotone operations the model uses.
import type { Interval } from "../types";

export const point = (v: number): Interval => ({ low: v, high: v });

export const iv = (low: number, high: number): Interval => (low <= high ? { low, high } : { low: high, high: low });

/** Product of non-negative intervals. */
export function mul(a: Interval, b: Interval): Interval {
  return { low: a.low * b.low, high: a.high * b.high };
}

/** a / b for non-negative a and positive b: the low end divides by b's high end. */
export function div(a: Interval, b: Interval): Interval {
  return { low: a.low / b.high, high: a.high / b.low };
}

export function add(a: Interval, b: Interval): Interval {
  return { low: a.low + b.low, high: a.high + b.high };
}

export function scale(a: Interval, k: number): Interval {
  return iv(a.low * k, a.high * k);
}

/** Element-wise max: the time of a run is the larger of its compute time and its step floor at both ends. */
export function max(a: Interval, b: Interval): Interval {
  return { low: Math.max(a.low, b.low), high: Math.max(a.high, b.high) };
}

export const mid = (a: Interval): number => (a.low + a.high) / 2;
