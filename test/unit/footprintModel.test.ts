// The footprint formulas against values derived here from docs/MODEL.md and the data files'
// constants (read from the data, never retyped), plus settings overrides and unknowns.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEVICE_ROWS } from "../../server/src/analysis/footprint/data/devices";
import {
  CPU_TDP_FRACTION,
  HOST_REFERENCE,
  MFU,
  POWER_FRACTION,
  PUE,
  RAM_W_PER_GB,
  LOAD_PER_SAMPLE_S,
  LOADER_WORKERS,
  STEP_DISPATCH_S,
} from "../../server/src/analysis/footprint/data/modelConstants";
import { trainMultiplier } from "../../server/src/analysis/footprint/energyModel";
import { worldIntensity } from "../../server/src/analysis/footprint/grid";
import { priceRun } from "../../server/src/analysis/footprint/priceRun";
import type { Interval } from "../../server/src/analysis/types";
import { DEFAULT_SETTINGS, type Settings } from "../../server/src/shared/settings";
import { spec } from "./helpers/runSpec";

const device = (id: string) => {
  const d = DEVICE_ROWS.find((x) => x.id === id);
  assert.ok(d, id);
  return d;
};

/** Step floor from docs/MODEL.md §3: steps × dispatch + samples × un-overlapped loading, in hours. */
const floorOf = (steps: number, samples: number): Interval => ({
  low: (steps * STEP_DISPATCH_S.value + samples * LOAD_PER_SAMPLE_S.value.low) / 3600,
  high: (steps * STEP_DISPATCH_S.value + samples * LOAD_PER_SAMPLE_S.value.high) / 3600,
});

const close = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
const closeIv = (a: Interval | null, b: Interval, what: string) => {
  assert.ok(a, what);
  close(a.low, b.low, `${what}.low`);
  close(a.high, b.high, `${what}.high`);
};

test("training multiplier: 3× when all parameters train, 1–2× for the frozen share", () => {
  assert.deepEqual(trainMultiplier(100, 100), { low: 3, high: 3 });
  assert.deepEqual(trainMultiplier(null, null), { low: 3, high: 3 });
  const m = trainMultiplier(100, 25);
  close(m.low, 0.25 * 3 + 0.75 * 1, "low");
  close(m.high, 0.25 * 3 + 0.75 * 2, "high");
});

test("defaults: one A100 80GB, world grid, PUE and MFU ranges, the documented formula end to end", () => {
  const s = spec();
  const est = priceRun(s, DEFAULT_SETTINGS);
  const a100 = device(DEFAULT_SETTINGS.device);
  assert.equal(est.deviceName, a100.name);
  assert.equal(est.deviceCount, 1);
  const flops = 90 * 1_281_167 * 3 * 8.178e9 + 90 * 50_000 * 8.178e9;
  closeIv(est.trainFlops, { low: flops, high: flops }, "flops");
  assert.equal(est.method, "3×forward×samples×epochs");
  const peak = (a100.peak.fp32 as number) * 1e12;
  const compute = { low: flops / (peak * MFU.value.high) / 3600, high: flops / (peak * MFU.value.low) / 3600 };
  const steps = Math.ceil((90 * 1_281_167) / 256) + Math.ceil((90 * 50_000) / 256);
  const floor = floorOf(steps, 90 * (1_281_167 + 50_000));
  const time = { low: Math.max(compute.low, floor.low), high: Math.max(compute.high, floor.high) };
  closeIv(est.timeHours, time, "time");
  const ref = HOST_REFERENCE;
  const cpuW = ref.cpus * ref.cpuTdpW * CPU_TDP_FRACTION.value;
  const host = { low: cpuW / ref.accelerators, high: (cpuW + ref.ramGB * RAM_W_PER_GB.value) / ref.accelerators };
  const power = a100.powerW as number;
  const kwh = {
    low: (time.low * (power * POWER_FRACTION.value.low + host.low) * PUE.value.low) / 1000,
    high: (time.high * (power * POWER_FRACTION.value.high + host.high) * PUE.value.high) / 1000,
  };
  closeIv(est.energyKWh, kwh, "energy");
  const g = worldIntensity();
  closeIv(est.co2eKg, { low: (kwh.low * g) / 1000, high: (kwh.high * g) / 1000 }, "co2e");
  // Every default is stated.
  const names = est.assumptions.map((a) => `${a.name}:${a.source}`);
  for (const n of [
    "device:default",
    "PUE:default",
    "grid intensity (gCO2e/kWh):default",
    "model FLOPs utilisation:default",
  ])
    assert.ok(names.includes(n), `${n} in ${names.join(", ")}`);
  assert.ok(est.assumptions.every((a) => a.source !== "default" || a.citation || a.name === "device count"));
  assert.deepEqual(est.unknowns, []);
});

test("settings pin MFU, PUE and grid to points; device count multiplies power and divides time", () => {
  const settings: Settings = { ...DEFAULT_SETTINGS, mfu: 0.4, pue: 1.2, gridIntensity: 100, deviceCount: 4 };
  const s = spec({ batchSize: 4096 });
  const est = priceRun(s, settings);
  const one = priceRun(s, { ...settings, deviceCount: 1 });
  assert.ok(est.timeHours && one.timeHours && est.energyKWh && one.energyKWh && est.co2eKg);
  close(est.timeHours.low * 4, one.timeHours.low, "time/4");
  close(est.energyKWh.low, one.energyKWh.low, "same energy when compute-bound");
  close(est.co2eKg.low, est.energyKWh.low * 0.1, "100 g/kWh");
  const pue = est.assumptions.find((a) => a.name === "PUE");
  assert.equal(pue?.source, "setting");
  assert.equal(pue?.value, "1.2");
});

test("the step floor sets the time of a small model", () => {
  const s = spec({
    epochs: 10,
    trainSamples: 60_000,
    valSamples: 10_000,
    batchSize: 64,
    forwardFlops: 2 * 100_000,
    params: 100_000,
    trainableParams: 100_000,
  });
  const est = priceRun(s, DEFAULT_SETTINGS);
  const steps = Math.ceil(600_000 / 64) + Math.ceil(100_000 / 64);
  closeIv(est.timeHours, floorOf(steps, 600_000 + 100_000), "floor");
  assert.match(est.method ?? "", /per-step floor/);
  // Mixed precision cannot help a loop-bound run, so it is not offered; early stopping still is.
  assert.ok(!est.whatIfs.some((w) => w.id.startsWith("mixed-precision:")));
  assert.ok(est.whatIfs.some((w) => w.id === "early-stopping"));
  // Loader workers are unknown here, so no loader what-if; with num_workers=0 it is offered and
  // divides the un-overlapped loading by LOADER_WORKERS.
  assert.ok(!est.whatIfs.some((w) => w.id === "loader-workers"));
  const w0 = priceRun({ ...s, loaderWorkers: 0 }, DEFAULT_SETTINGS).whatIfs.find((w) => w.id === "loader-workers");
  const k = LOADER_WORKERS.value;
  const hi = (steps * STEP_DISPATCH_S.value + (700_000 * LOAD_PER_SAMPLE_S.value.high) / k) / 3600;
  assert.ok(w0?.timeHours && Math.abs(w0.timeHours.high - hi) < 1e-12, `${w0?.timeHours?.high} vs ${hi}`);
  assert.ok((w0.saving as number) < 0);
});

test("fp32 in Keras runs on TF32 units; PyTorch only for its convolution share", () => {
  const a100 = device("a100-sxm4-80gb");
  const big = spec({ batchSize: 1 << 20 });
  const torchEst = priceRun({ ...big, convFlopsShare: 0.5 }, { ...DEFAULT_SETTINGS, mfu: 1 });
  const kerasEst = priceRun({ ...big, framework: "keras" }, { ...DEFAULT_SETTINGS, mfu: 1 });
  const flops = (torchEst.trainFlops as Interval).low;
  const mixed = (1 / (0.5 / (a100.peak.tf32 as number) + 0.5 / (a100.peak.fp32 as number))) * 1e12;
  close((torchEst.timeHours as Interval).low, flops / mixed / 3600, "torch mix");
  close((kerasEst.timeHours as Interval).low, flops / ((a100.peak.tf32 as number) * 1e12) / 3600, "keras tf32");
});

test("frozen parameters and trials scale FLOPs", () => {
  const frozen = priceRun(spec({ trainableParams: 0, valSamples: null }), DEFAULT_SETTINGS);
  const f = 90 * 1_281_167 * 8.178e9;
  closeIv(frozen.trainFlops, { low: f, high: 2 * f }, "frozen");
  assert.match(frozen.method ?? "", /frozen/);
  const trials = priceRun(spec({ trials: 3, valSamples: null }), DEFAULT_SETTINGS);
  closeIv(trials.trainFlops, { low: 9 * f, high: 9 * f }, "trials");
});

test("6×params×tokens prices a language model without a traced forward", () => {
  const lm = spec({
    forwardFlops: null,
    tokensPerSample: 1024,
    params: 124_439_808,
    trainableParams: 124_439_808,
    epochs: 1,
    trainSamples: 100_000,
    valSamples: null,
  });
  const est = priceRun(lm, DEFAULT_SETTINGS);
  const f = 6 * 124_439_808 * 100_000 * 1024;
  closeIv(est.trainFlops, { low: f, high: f }, "6ND");
  assert.equal(est.method, "6×params×tokens");
  const withFwd = priceRun({ ...lm, forwardFlops: 2 * 124_439_808 * 1024 * 1.1 }, DEFAULT_SETTINGS);
  assert.match(withFwd.method ?? "", /^3×forward×samples×epochs; cross-check 6×params×tokens/);
});

test("max_steps × global batch gives the samples", () => {
  const est = priceRun(
    spec({ epochs: null, maxSteps: 1000, batchSize: 32, gradientAccumulation: 4, valSamples: null }),
    { ...DEFAULT_SETTINGS, deviceCount: 2 },
  );
  const f = 1000 * 32 * 4 * 2 * 3 * 8.178e9;
  closeIv(est.trainFlops, { low: f, high: f }, "steps");
});

test("unknown inputs leave the outputs null and say which directive fills each gap", () => {
  const est = priceRun(spec({ forwardFlops: null, trainSamples: null, epochs: null }), DEFAULT_SETTINGS);
  assert.equal(est.trainFlops, null);
  assert.equal(est.energyKWh, null);
  const hints = est.unknowns.map((u) => u.hint ?? "");
  for (const h of ["# footprint: input", "# footprint: samples", "# footprint: epochs"])
    assert.ok(
      hints.some((x) => x.includes(h)),
      `${h} in ${hints.join(" | ")}`,
    );
  assert.deepEqual(est.whatIfs, []);
});

test("device directives, kinds and bad device names", () => {
  const h100 = priceRun(spec({ device: { id: "h100", count: 8, kind: "gpu" } }), DEFAULT_SETTINGS);
  assert.equal(h100.deviceName, device("h100-sxm5-80gb").name);
  assert.equal(h100.deviceCount, 8);
  assert.equal(h100.assumptions.find((a) => a.name === "device")?.source, "directive");
  const cpu = priceRun(spec({ device: { id: null, count: null, kind: "cpu" } }), DEFAULT_SETTINGS);
  assert.equal(device("xeon-8480").name, cpu.deviceName);
  const coral = priceRun(spec({ device: { id: "coral", count: 1, kind: "gpu" } }), DEFAULT_SETTINGS);
  assert.equal(coral.deviceName, device(DEFAULT_SETTINGS.device).name);
  assert.ok(coral.unknowns.some((u) => /inference-only/.test(u.message)));
  const bogus = priceRun(spec({ device: { id: "quantum-9000", count: 1, kind: "gpu" } }), DEFAULT_SETTINGS);
  assert.ok(bogus.unknowns.some((u) => u.hint?.includes("# footprint: device")));
  const badSetting = priceRun(spec(), { ...DEFAULT_SETTINGS, device: "nope" });
  assert.equal(badSetting.deviceName, device("a100-sxm4-80gb").name);
  assert.ok(badSetting.unknowns.length > 0);
});
