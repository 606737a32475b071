// Prices a training run: resolves device, grid, PUE and MFU from the spec, directives and settings
// (each becoming an Assumption with its source), runs the energy model and adds the what-ifs.
import { DEFAULT_SETTINGS, type Settings } from "../../shared/settings";
import type { Assumption, Interval, RunEstimate, RunSpec, Unknown } from "../types";
import type { DeviceRow } from "./data/devices";
import { FORWARD_DISPATCH_S, LOAD_PER_SAMPLE_S, POWER_FRACTION, PUE, STEP_DISPATCH_S } from "./data/modelConstants";
import { defaultDeviceForKind, findDevice, peakFor } from "./devices";
import { epochPlan } from "./epochPlan";
import { defaultMfu, hostPowerW, type ModelInputs, priceWith, sampleCounts, tf32ShareFor } from "./energyModel";
import { type GridChoice, resolveGrid } from "./grid";
import { point } from "./interval";
import { priceInference } from "./inference";
import { buildWhatIfs } from "./whatIfs";
import { thousands } from "../format";

/** The directive that fills each missing input, for Unknown hints. */
const HINTS: Record<string, { message: string; hint: string }> = {
  forwardFlops: {
    message: "forward FLOPs per sample are unknown (no input shape reached the model)",
    hint: "add `# footprint: input 3x224x224` (the per-sample input shape)",
  },
  trainSamples: {
    message: "the number of training samples is unknown",
    hint: "add `# footprint: samples 50000`",
  },
  epochs: { message: "the number of epochs is unknown", hint: "add `# footprint: epochs 90`" },
  batchSize: {
    message: "max_steps is set but the batch size is unknown, so the samples seen are unknown",
    hint: "add `# footprint: samples N` (all samples the loop sees: steps × batch size)",
  },
};

const fmt = (v: Interval, digits = 2) =>
  v.low === v.high
    ? `${+v.low.toPrecision(digits + 1)}`
    : `${+v.low.toPrecision(digits + 1)}–${+v.high.toPrecision(digits + 1)}`;

export function priceRun(spec: RunSpec, settings: Settings): RunEstimate {
  const assumptions: Assumption[] = [];
  const unknowns: Unknown[] = [];
  const say = (a: Assumption) => assumptions.push(a);
  const isDefault = <K extends keyof Settings>(k: K) => settings[k] === DEFAULT_SETTINGS[k];
  // A value that is not the default came from pyproject.toml [tool.footprint] or the editor/CLI.
  const setBy = (k: keyof Settings): Assumption["source"] =>
    settings.fromProject?.includes(k) ? "project" : "setting";

  // Device: a directive names an id; a script names only a kind (cuda/cpu/mps/tpu); else settings.
  const settingsDevice = findDevice(settings.device);
  if (!settingsDevice) {
    unknowns.push({
      message: `footprint.device "${settings.device}" is not in the device catalog; using ${DEFAULT_SETTINGS.device}`,
      range: null,
      hint: "use an id such as a100-sxm4-80gb, h100-sxm5-80gb, t4, rtx-4090, tpu-v4",
    });
  }
  const fallback = settingsDevice ?? (findDevice(DEFAULT_SETTINGS.device) as DeviceRow);
  let device = fallback;
  let deviceSource: Assumption["source"] = isDefault("device") ? "default" : setBy("device");
  if (spec.device?.id) {
    const named = findDevice(spec.device.id);
    if (named) {
      device = named;
      deviceSource = "directive";
    } else {
      unknowns.push({
        message: `device "${spec.device.id}" is not in the device catalog; priced on ${fallback.name}`,
        range: spec.range,
        hint: "use `# footprint: device a100 x8` with a catalog id or alias (h100, a100, v100, t4, l4, 4090, tpu-v4, cpu)",
      });
    }
  } else if (spec.device && spec.device.kind !== fallback.kind) {
    device = defaultDeviceForKind(spec.device.kind, settingsDevice);
    deviceSource = "script";
  }
  if (!device.trains) {
    unknowns.push({
      message: `${device.name} is inference-only; the training run is priced on ${fallback.name}`,
      range: spec.range,
    });
    device = fallback.trains ? fallback : (findDevice(DEFAULT_SETTINGS.device) as DeviceRow);
  }
  const count = Math.max(1, spec.device?.count ?? settings.deviceCount);
  const countSource: Assumption["source"] =
    spec.device?.count != null
      ? spec.device.id
        ? "directive"
        : "script"
      : isDefault("deviceCount")
        ? "default"
        : setBy("deviceCount");
  say({ name: "device", value: device.name, source: deviceSource, citation: `${device.source} (${device.sourceUrl})` });
  say({ name: "device count", value: String(count), source: countSource });

  const tf32Share = tf32ShareFor(spec);
  const peak = peakFor(device, spec.precision, tf32Share);
  say({
    name: "precision",
    value: spec.precision,
    source: spec.evidence.some((e) => /precision|autocast|half|double|bf16|fp16/i.test(e)) ? "script" : "default",
    citation: spec.precision === "fp32" ? "PyTorch/Keras default dtype float32" : undefined,
  });
  if (peak) {
    say({
      name: "peak throughput",
      value: `${+(peak.flops / 1e12).toPrecision(4)} TFLOP/s (${peak.mix ? "fp32/tf32 mix" : peak.column}, dense) per device`,
      source: "default",
      citation: peak.fallback ?? peak.mix ?? device.source,
    });
  }

  const mfu = settings.mfu !== null ? { value: point(settings.mfu), source: "footprint.mfu" } : defaultMfu(spec);
  say({
    name: "model FLOPs utilisation",
    value: fmt(mfu.value),
    source: settings.mfu !== null ? setBy("mfu") : "default",
    citation: mfu.source,
  });
  say({
    name: "per-step dispatch (ms)",
    value: String(STEP_DISPATCH_S.value * 1000),
    source: "default",
    citation: STEP_DISPATCH_S.source,
  });
  if (spec.forwardOnly)
    say({
      name: "forward-only call dispatch (ms)",
      value: String(FORWARD_DISPATCH_S.value * 1000),
      source: "default",
      citation: FORWARD_DISPATCH_S.source,
    });
  say({
    name: "un-overlapped loading per sample (ms)",
    value: fmt({ low: LOAD_PER_SAMPLE_S.value.low * 1000, high: LOAD_PER_SAMPLE_S.value.high * 1000 }),
    source: "default",
    citation: LOAD_PER_SAMPLE_S.source,
  });
  const hostW = hostPowerW(device);
  say({
    name: "power per device (W)",
    value: `${device.powerW ?? "unknown"} × ${fmt(POWER_FRACTION.value)} + host ${fmt(hostW)}`,
    source: "default",
    citation: `${device.powerKind}; fraction: ${POWER_FRACTION.source}; host: DGX A100 reference node, CPU at 50% TDP + 0.3725 W/GB RAM (docs/MODEL.md)`,
  });
  const pue = settings.pue !== null ? point(settings.pue) : PUE.value;
  say({
    name: "PUE",
    value: fmt(pue),
    source: settings.pue !== null ? setBy("pue") : "default",
    citation: settings.pue !== null ? undefined : PUE.source,
  });

  let grid: GridChoice | null = null;
  let gridG: number;
  if (settings.gridIntensity !== null) {
    gridG = settings.gridIntensity;
    say({ name: "grid intensity (gCO2e/kWh)", value: String(gridG), source: setBy("gridIntensity") });
  } else {
    grid = resolveGrid(settings.region);
    if (!grid) {
      unknowns.push({
        message: `footprint.region "${settings.region}" is not a known country or cloud region; using the world average`,
        range: null,
        hint: 'use "world", an ISO alpha-3 country ("FRA") or "provider:region" ("aws:eu-north-1")',
      });
      grid = resolveGrid("world") as GridChoice;
    }
    gridG = grid.gPerKWh;
    say({
      name: "grid intensity (gCO2e/kWh)",
      value: `${gridG} (${grid.label})${grid.alternatives ? `; other datasets: ${grid.alternatives}` : ""}`,
      source: isDefault("region") ? "default" : setBy("region"),
      citation: grid.citation,
    });
  }

  const inputs: ModelInputs = {
    device,
    count,
    precision: spec.precision,
    tf32Share,
    mfu: mfu.value,
    stepDispatchS: STEP_DISPATCH_S.value,
    forwardDispatchS: FORWARD_DISPATCH_S.value,
    loadPerSampleS: LOAD_PER_SAMPLE_S.value,
    powerFraction: POWER_FRACTION.value,
    hostW,
    pue,
    gridGPerKWh: gridG,
  };
  const base = priceWith(spec, inputs);
  if (base.peakNote) unknowns.push({ message: base.peakNote, range: spec.range });
  for (const m of base.missing) {
    const h = HINTS[m];
    // detectRuns may already have said what fills a gap, in the run's own terms.
    const said = (u: Unknown) =>
      u.hint === h?.hint || (m === "forwardFlops" && /footprint: (input|params|flops)/.test(u.hint ?? ""));
    if (h && !spec.unknowns.some(said)) unknowns.push({ message: h.message, range: spec.range, hint: h.hint });
    if (m === "devicePeak")
      unknowns.push({
        message: `${device.name} publishes no peak throughput: time and energy are unknown`,
        range: spec.range,
      });
    if (m === "devicePower")
      unknowns.push({
        message: `${device.name} has no published power figure: energy and CO2e are unknown`,
        range: spec.range,
        hint: "add `# footprint: device a100` (a device with a published power figure)",
      });
  }
  for (const a of scheduleAssumptions(spec, count)) say(a);

  return {
    spec,
    trainFlops: base.flops?.flops ?? null,
    method: base.flops ? base.flops.method + floorNote(base.computeHours, base.floorHours) : null,
    timeHours: base.timeHours,
    energyKWh: base.energyKWh,
    co2eKg: base.co2eKg,
    deviceName: device.name,
    deviceCount: count,
    assumptions,
    whatIfs: buildWhatIfs({ spec, inputs, base, grid }),
    inference: priceInference(spec, inputs),
    unknowns,
  };
}

function floorNote(compute: Interval | null, floor: Interval | null): string {
  if (!compute || !floor) return "";
  if (floor.low >= compute.high) return "; time set by the per-step floor (loop and data-loading overhead, not FLOPs)";
  if (floor.high > compute.high) return "; time at the high end set by the per-step floor";
  return "";
}

/**
 * Validation samples per epoch as priced: evaluation every k optimizer steps depends on the device
 * count the run is priced on, so it is read from the priced totals, not the one-device figure.
 */
function valPerEpoch(spec: RunSpec, count: number): number | null {
  if (!spec.evalEverySteps || !spec.epochs) return spec.valSamples;
  const c = sampleCounts(spec, count);
  const once = spec.extraEvalSamples?.samples ?? 0;
  return "eval" in c ? Math.round((c.eval - once) / spec.epochs) : spec.valSamples;
}

/** The schedule the spec carries, as assumptions: the value, and the evidence line that gave it. */
function scheduleAssumptions(spec: RunSpec, count: number): Assumption[] {
  const out: Assumption[] = [];
  // An epoch whose samples depend on the devices (DDP shards, per-rank drop_last, HF whole updates).
  const plan = epochPlan(spec, count);
  const items: Array<[string, number | null, RegExp]> = [
    ["epochs", spec.epochs, /^(epochs|max_epochs) \d|^\d+ epoch/i],
    ["max steps", spec.maxSteps, /optimizer steps|max_steps/i],
    ["training samples", plan ? null : spec.trainSamples, /^[\d,]+ (training )?samples(?! run forward)/i],
    ["validation samples", valPerEpoch(spec, count), /(evaluation|validation) samples/i],
    ["batch size", spec.batchSize, /batch size/i],
    ["tokens per sample", spec.tokensPerSample, /tokens per sample/i],
  ];
  for (const [name, value, re] of items) {
    if (value === null) continue;
    // The samples a loader's drop_last keeps are said after the dataset's size: the later line gave the value.
    const why = (name === "training samples" ? [...spec.evidence].reverse() : spec.evidence).find((e) => re.test(e));
    out.push({
      name,
      value: thousands(value),
      source: why && /directive/i.test(why) ? "directive" : "script",
      citation: why,
    });
  }
  if (plan)
    out.push({
      name: "training samples",
      value: `${thousands(Math.round(plan.samples))} an epoch on ${count} device${count > 1 ? "s" : ""}`,
      source: "script",
      citation: plan.text,
    });
  const counted = sampleCounts(spec, count);
  if ("evalPasses" in counted && counted.evalPasses)
    out.push({
      name: "evaluation passes",
      value: String(counted.evalPasses.passes),
      source: "script",
      citation: counted.evalPasses.rule,
    });
  if ("stepEvalPasses" in counted && counted.stepEvalPasses)
    out.push({
      name: "evaluation passes (every k steps)",
      value: String(counted.stepEvalPasses.passes),
      source: "script",
      citation: counted.stepEvalPasses.rule,
    });
  if (spec.maxTimeHours != null)
    out.push({
      name: "max time (h)",
      value: `${+spec.maxTimeHours.toPrecision(4)}: the run's time is capped there${spec.epochs === null && spec.maxSteps === null ? " (no epoch limit: it runs the whole budget)" : ""}`,
      source: "script",
      citation: spec.evidence.find((e) => /^max_time/.test(e)),
    });
  if (spec.gradientAccumulation > 1)
    out.push({ name: "gradient accumulation", value: String(spec.gradientAccumulation), source: "script" });
  if (spec.trials > 1)
    out.push({
      name: "trials",
      value: String(spec.trials),
      source: "script",
      citation: spec.evidence.find((e) => /trial|sweep/i.test(e)),
    });
  return out;
}
