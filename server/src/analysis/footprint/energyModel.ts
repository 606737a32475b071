// The footprint formulas of docs/MODEL.md: training FLOPs → time (compute vs step floor) → kWh →
// kg CO2e, each an interval. Pure arithmetic over resolved inputs; priceRun.ts resolves them.
import type { Interval, Precision, RunSpec } from "../types";
import type { DeviceRow } from "./data/devices";
import {
  type Constant,
  CONV_MFU,
  CPU_TDP_FRACTION,
  FROZEN_MULTIPLIER,
  HOST_REFERENCE,
  MFU,
  RAM_W_PER_GB,
} from "./data/modelConstants";
import { peakFor } from "./devices";
import { type ScheduleCounts, scheduleCounts } from "./epochPlan";
import { add, div, iv, max, mul, point, scale } from "./interval";
import { thousands } from "../format";

/** What a priced run needs besides the spec: resolved device, constants and settings. */
export interface ModelInputs {
  device: DeviceRow;
  count: number;
  precision: Precision;
  /** Share of fp32 FLOPs the framework runs on TF32 units by default (see tf32ShareFor). */
  tf32Share: number;
  mfu: Interval;
  /** Fixed cost per optimizer micro-step (s). */
  stepDispatchS: number;
  /** Fixed cost per forward-only model call outside the step (s): RL rollouts, spec.forwardOnly. */
  forwardDispatchS?: number;
  /** Data loading per sample not overlapped with compute (s). */
  loadPerSampleS: Interval;
  powerFraction: Interval;
  hostW: Interval;
  pue: Interval;
  gridGPerKWh: number;
  /** Multiplies compute time only (sparsity what-if: 1/speedup). */
  computeScale?: Interval;
}

export interface FlopsResult {
  flops: Interval;
  method: string;
  /** Samples seen in training (all epochs, or max_steps × global batch), before trials. */
  trainSamplesTotal: number;
  evalSamplesTotal: number;
}

export interface Priced {
  flops: FlopsResult | null;
  computeHours: Interval | null;
  floorHours: Interval | null;
  timeHours: Interval | null;
  energyKWh: Interval | null;
  co2eKg: Interval | null;
  /** Spec fields whose absence stopped the estimate: "forwardFlops", "trainSamples", "epochs", "batchSize". */
  missing: string[];
  peakNote: string | null;
}

/** Training-pass multiplier per forward: 3 when everything trains; frozen parts cost 1–2 (FROZEN_MULTIPLIER). */
export function trainMultiplier(params: number | null, trainable: number | null): Interval {
  const f = params && params > 0 && trainable !== null ? Math.min(1, Math.max(0, trainable / params)) : 1;
  return add(point(3 * f), scale(FROZEN_MULTIPLIER.value, 1 - f));
}

/**
 * Share of fp32 FLOPs on TF32 units by framework default: TensorFlow/Keras enables TF32 for every op on
 * Ampere+ (tf.config.experimental.enable_tensor_float_32_execution defaults to True); PyTorch ≥ 1.12 only
 * for cuDNN convolutions (torch.backends.cudnn.allow_tf32 = True, cuda.matmul.allow_tf32 = False).
 */
export function tf32ShareFor(spec: RunSpec): number {
  if (spec.framework === "keras") return 1;
  return spec.convFlopsShare ?? 0;
}

/** True for sequence models with known tokens per sample, where the 6×N×D cross-check applies. */
export const isSequenceModel = (spec: RunSpec) => spec.tokensPerSample !== null && spec.tokensPerSample > 0;

/** The conv share of forward MACs from which a run counts as a CNN for its MFU range. */
export const CONV_DOMINATED = 0.5;

/** Default MFU range for a run (settings.mfu overrides it in priceRun). */
export function defaultMfu(spec: RunSpec): Constant<Interval> {
  const share = spec.convFlopsShare ?? 0;
  if (share < CONV_DOMINATED) return MFU;
  return {
    value: CONV_MFU.value,
    source: `convolution-dominated (${Math.round(share * 100)}% of forward MACs): ${CONV_MFU.source}`,
  };
}

/** Host (CPU + DRAM) watts per accelerator, from the DGX A100 reference node; see docs/MODEL.md. */
export function hostPowerW(device: DeviceRow): Interval {
  if (device.powerIncludesHost) return point(0);
  const ref = HOST_REFERENCE;
  const ramW = ref.ramGB * RAM_W_PER_GB.value;
  if (device.kind === "cpu") return iv(0, ramW / ref.cpus);
  const cpuW = ref.cpus * ref.cpuTdpW * CPU_TDP_FRACTION.value;
  return iv(cpuW / ref.accelerators, (cpuW + ramW) / ref.accelerators);
}

/** Samples seen in training and in evaluation, or the missing fields that prevent knowing them. */
export function sampleCounts(spec: RunSpec, count: number): ScheduleCounts | { missing: string[] } {
  const c = scheduleCounts(spec, count);
  // Passes outside the schedule (trainer.evaluate / test after fit) run once whatever the devices.
  const extra = spec.extraEvalSamples?.samples ?? 0;
  return "missing" in c || extra === 0 ? c : { ...c, eval: c.eval + extra };
}

/** Training FLOPs (before trials) and the formula that gave them; null when an input is unknown. */
export function trainFlops(spec: RunSpec, count: number): FlopsResult | { missing: string[] } {
  const samples = sampleCounts(spec, count);
  if ("missing" in samples) {
    return {
      missing: spec.forwardFlops === null && !canUse6ND(spec) ? ["forwardFlops", ...samples.missing] : samples.missing,
    };
  }
  const mult = trainMultiplier(spec.params, spec.trainableParams);
  const frozen = mult.low < 3 ? ` (frozen parts ${mult.low.toFixed(2)}–${mult.high.toFixed(2)}× instead of 3×)` : "";
  const tokens = spec.tokensPerSample ?? 0;
  // Evaluation that generates (predict_with_generate) costs more than one forward per sample.
  const evalMult = spec.evalForwards ? iv(spec.evalForwards.low, spec.evalForwards.high) : point(1);
  if (spec.forwardFlops !== null) {
    const evalFwd = spec.evalForwardFlops ?? spec.forwardFlops;
    let flops = add(scale(mult, samples.train * spec.forwardFlops), scale(evalMult, samples.eval * evalFwd));
    let method = `3×forward×samples×epochs${frozen}`;
    if (spec.perCallFlops) {
      // Weight-only products (a LoRA merge) run once per forward call: once per batch, not per sample.
      const b = spec.batchSize;
      const calls = (n: number) => (b ? Math.ceil(n / b) : n);
      flops = add(
        flops,
        add(scale(mult, calls(samples.train) * spec.perCallFlops), point(calls(samples.eval) * spec.perCallFlops)),
      );
      method += b
        ? ` + weight-only products ${spec.perCallFlops.toExponential(2)} FLOPs per forward call × batches of ${b}`
        : ` + weight-only products ${spec.perCallFlops.toExponential(2)} FLOPs per forward call, counted per sample (batch unknown: an upper bound)`;
    }
    if (spec.forwardOnly) {
      // Forward-only calls outside the step (a rollout's policy, estimate_loss): 1× forward each.
      flops = add(flops, point(spec.forwardOnly.flops));
      method += ` + ${thousands(spec.forwardOnly.samples)} forward-only samples outside the training step (1×)`;
    }
    if (canUse6ND(spec)) {
      const sixND = 6 * (spec.params as number) * samples.train * tokens;
      method += `; cross-check 6×params×tokens = ${sixND.toExponential(2)} (${(sixND / ((flops.low + flops.high) / 2)).toFixed(2)}× this)`;
    }
    return { flops, method, trainSamplesTotal: samples.train, evalSamplesTotal: samples.eval };
  }
  if (canUse6ND(spec)) {
    const perTokenFwd = 2 * (spec.params as number);
    const flops = add(
      scale(mult, samples.train * tokens * perTokenFwd),
      scale(evalMult, samples.eval * tokens * perTokenFwd),
    );
    return {
      flops,
      method: `6×params×tokens${frozen}`,
      trainSamplesTotal: samples.train,
      evalSamplesTotal: samples.eval,
    };
  }
  return { missing: ["forwardFlops"] };
}

const canUse6ND = (spec: RunSpec) => isSequenceModel(spec) && spec.params !== null && spec.params > 0;

/** kWh = hours × devices × watts per device (accelerator share + host) × PUE / 1000. */
export function energyFrom(hours: Interval, devices: number, perDeviceW: Interval, pue: Interval): Interval {
  return scale(mul(mul(hours, perDeviceW), pue), devices / 1000);
}

/** Prices a spec under resolved inputs. Every output is null when FLOPs are unknown. */
export function priceWith(spec: RunSpec, m: ModelInputs): Priced {
  const none: Priced = {
    flops: null,
    computeHours: null,
    floorHours: null,
    timeHours: null,
    energyKWh: null,
    co2eKg: null,
    missing: [],
    peakNote: null,
  };
  const fr = trainFlops(spec, m.count);
  const trials = Math.max(1, spec.trials);
  const budget = spec.maxTimeHours ?? null;
  // No epoch or step limit but a wall-clock budget (Lightning max_time alone): fit runs until it ends.
  if (budget !== null && spec.epochs === null && spec.maxSteps === null) return timeBoxed(budget, trials, m, none);
  if ("missing" in fr) return { ...none, missing: fr.missing };
  const flops = scale(fr.flops, trials);
  const peak = peakFor(m.device, m.precision, m.tf32Share);
  if (!peak) return { ...none, flops: { ...fr, flops }, missing: ["devicePeak"] };

  const throughput = scale(m.mfu, m.count * peak.flops);
  let computeS = div(flops, throughput);
  if (m.computeScale) computeS = mul(computeS, m.computeScale);
  const computeHours = scale(computeS, 1 / 3600);

  // Step floor: per-step dispatch plus un-overlapped loading per sample, per device (data parallel).
  let floorHours: Interval | null = null;
  if (spec.batchSize !== null && spec.batchSize > 0) {
    const perStep = spec.batchSize * m.count;
    const steps = trials * (Math.ceil(fr.trainSamplesTotal / perStep) + Math.ceil(fr.evalSamplesTotal / perStep));
    const samplesPerDevice = (trials * (fr.trainSamplesTotal + fr.evalSamplesTotal)) / m.count;
    // Worker processes load in parallel with the loop: the un-overlapped share shrinks with their number.
    const workers = spec.loaderWorkers ?? 0;
    const load = workers > 0 ? scale(m.loadPerSampleS, 1 / workers) : m.loadPerSampleS;
    // Forward-only calls (an RL policy acting every environment step) dispatch too; they draw no
    // loader batches, so no loading is added for them.
    const forwardS = trials * (spec.forwardOnly?.calls ?? 0) * (m.forwardDispatchS ?? 0);
    floorHours = scale(add(point(steps * m.stepDispatchS + forwardS), scale(load, samplesPerDevice)), 1 / 3600);
  }
  let timeHours = floorHours ? max(computeHours, floorHours) : computeHours;
  // A wall-clock budget (max_time) stops each trial's fit when it runs out, whatever is left.
  if (budget !== null)
    timeHours = { low: Math.min(timeHours.low, budget * trials), high: Math.min(timeHours.high, budget * trials) };

  let energyKWh: Interval | null = null;
  let co2eKg: Interval | null = null;
  if (m.device.powerW !== null) {
    const perDeviceW = add(scale(m.powerFraction, m.device.powerW), m.hostW);
    energyKWh = energyFrom(timeHours, m.count, perDeviceW, m.pue);
    co2eKg = scale(energyKWh, m.gridGPerKWh / 1000);
  }
  return {
    flops: { ...fr, flops },
    computeHours,
    floorHours,
    timeHours,
    energyKWh,
    co2eKg,
    missing: m.device.powerW === null ? ["devicePower"] : [],
    peakNote: peak.fallback,
  };
}

/** A run that lasts its whole budget: time is the budget; FLOPs are what the devices do in it. */
function timeBoxed(budget: number, trials: number, m: ModelInputs, none: Priced): Priced {
  const peak = peakFor(m.device, m.precision, m.tf32Share);
  const timeHours = point(budget * trials);
  const flops = scale(m.mfu, m.count * (peak?.flops ?? 0) * budget * trials * 3600);
  let energyKWh: Interval | null = null;
  let co2eKg: Interval | null = null;
  if (m.device.powerW !== null) {
    energyKWh = energyFrom(timeHours, m.count, add(scale(m.powerFraction, m.device.powerW), m.hostW), m.pue);
    co2eKg = scale(energyKWh, m.gridGPerKWh / 1000);
  }
  return {
    ...none,
    flops: peak
      ? {
          flops,
          method: "MFU×peak×max_time (no epoch limit: fit runs until max_time)",
          trainSamplesTotal: 0,
          evalSamplesTotal: 0,
        }
      : null,
    computeHours: timeHours,
    timeHours,
    energyKWh,
    co2eKg,
    missing: m.device.powerW === null ? ["devicePower"] : [],
    peakNote: peak?.fallback ?? null,
  };
}
