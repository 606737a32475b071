// Pricing never crashes or yields NaN/∞ or low > high, whatever the spec and settings hold:
// a seeded sweep over odd but type-valid inputs (zeros, nulls, huge counts, every device and precision).
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEVICE_ROWS } from "../../server/src/analysis/footprint/data/devices";
import { priceRun } from "../../server/src/analysis/footprint/priceRun";
import type { Interval, Precision, RunEstimate } from "../../server/src/analysis/types";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";
import { spec } from "./helpers/runSpec";

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PRECISIONS: Precision[] = ["fp64", "fp32", "tf32", "fp16-mixed", "bf16-mixed", "fp16", "bf16", "int8"];

function checkInterval(iv: Interval | null, what: string) {
  if (iv === null) return;
  assert.ok(Number.isFinite(iv.low) && Number.isFinite(iv.high), `${what} finite: ${JSON.stringify(iv)}`);
  assert.ok(iv.low >= 0 && iv.low <= iv.high, `${what} ordered: ${JSON.stringify(iv)}`);
}

function checkEstimate(e: RunEstimate, tag: string) {
  for (const k of ["trainFlops", "timeHours", "energyKWh", "co2eKg"] as const) checkInterval(e[k], `${tag} ${k}`);
  for (const w of e.whatIfs) {
    checkInterval(w.timeHours, `${tag} ${w.id} time`);
    checkInterval(w.energyKWh, `${tag} ${w.id} energy`);
    checkInterval(w.co2eKg, `${tag} ${w.id} co2e`);
    assert.ok(w.saving === null || Number.isFinite(w.saving), `${tag} ${w.id} saving`);
  }
}

test("2,000 random specs price to finite, ordered intervals or to null with unknowns", () => {
  const r = rng(20261128);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const maybe = (v: number) => (r() < 0.2 ? null : v);
  const big = () => Math.floor(10 ** (r() * 12));
  for (let i = 0; i < 2000; i++) {
    const params = maybe(big());
    const s = spec({
      epochs: maybe(Math.floor(r() * 300)),
      maxSteps: r() < 0.3 ? big() : null,
      trainSamples: maybe(big()),
      valSamples: maybe(Math.floor(r() * 1e6)),
      batchSize: maybe(Math.floor(r() * 4096)),
      gradientAccumulation: 1 + Math.floor(r() * 8),
      tokensPerSample: maybe(Math.floor(r() * 8192)),
      precision: pick(PRECISIONS),
      device:
        r() < 0.5
          ? null
          : { id: pick([...DEVICE_ROWS.map((d) => d.id), "nope"]), count: maybe(Math.floor(r() * 4096)), kind: "gpu" },
      trials: 1 + Math.floor(r() * 50),
      forwardFlops: r() < 0.3 ? null : r() * 1e13,
      params,
      trainableParams: params === null ? null : Math.floor(params * r()),
      convFlopsShare: r() < 0.5 ? null : r(),
      loaderWorkers: r() < 0.5 ? null : Math.floor(r() * 16),
    });
    const settings = {
      ...DEFAULT_SETTINGS,
      region: pick(["world", "FRA", "SWE", "aws:us-east-1", "gcp:europe-north1", "azure:westus2", "mars"]),
      pue: r() < 0.3 ? 1 + r() * 2 : null,
      mfu: r() < 0.3 ? 0.01 + r() * 0.99 : null,
      gridIntensity: r() < 0.2 ? r() * 1999 : null,
      deviceCount: 1 + Math.floor(r() * 64),
    };
    const e = priceRun(s, settings);
    checkEstimate(e, `case ${i}`);
    if (e.energyKWh === null)
      assert.ok(
        e.unknowns.some((u) => u.hint || /power/.test(u.message)),
        `case ${i}: a null estimate says why: ${JSON.stringify(e.unknowns)}`,
      );
  }
});
