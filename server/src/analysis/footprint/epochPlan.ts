// One epoch's samples and optimizer steps once the device count is known: a DDP sampler pads
// each rank to ceil(N / W), each rank's DataLoader drops its own last partial batch, accelerate
// deals whole batches round-robin, and HF's Trainer counts whole update steps per epoch.
import type { EpochShape, RunSpec } from "../types";
import { thousands } from "../format";

export interface EpochPlan {
  /** Samples all processes together train in one epoch. */
  samples: number;
  /** Batches one process draws per epoch. */
  batchesPerRank: number;
  /** Optimizer steps per epoch (batches ÷ accumulation; HF: whole updates, at least 1). */
  updates: number;
  /** HF's whole update steps: the run's steps are ceil(epochs × updates). */
  wholeUpdates: boolean;
  /** The rule applied, for the assumption text. */
  text: string;
}

/** World size the shape is split over: the sampler's own num_replicas, else the priced devices. */
const worldOf = (s: EpochShape, count: number) => (s.shard === "none" ? 1 : (s.replicas ?? Math.max(1, count)));

/** The epoch `spec.epochShape` gives on `count` devices; null when the spec has no shape. */
export function epochPlan(spec: RunSpec, count: number): EpochPlan | null {
  const s = spec.epochShape;
  if (!s || s.batch < 1 || s.dataset < 1) return null;
  const w = worldOf(s, count);
  const b = s.batch;
  const acc = Math.max(1, spec.gradientAccumulation);
  let perRank: number;
  let batches: number;
  let text: string;
  if (s.shard === "sampler") {
    // torch.utils.data.DistributedSampler (1.13): num_samples = ceil(N / W), the index list padded by
    // repeating its start; with drop_last=True and N % W != 0, ceil((N − W) / W) = floor(N / W).
    perRank = s.samplerDropLast && s.dataset % w !== 0 ? Math.floor(s.dataset / w) : Math.ceil(s.dataset / w);
    batches = s.dropLast ? Math.floor(perRank / b) : Math.ceil(perRank / b);
    const kept = s.dropLast ? batches * b : perRank;
    text =
      `${thousands(s.dataset)} samples over ${w} rank${w > 1 ? "s" : ""} (${s.how}): ${thousands(perRank)} per rank` +
      (s.samplerDropLast ? " (sampler drop_last)" : w > 1 && s.dataset % w ? " (padded)" : "") +
      (s.dropLast ? `, drop_last keeps ${thousands(batches)} full batches of ${b} per rank` : "");
    return finish(s, w, w * kept, batches, acc, text);
  }
  // One process's batches (accelerate without sharding on one process, or a single-process loader).
  const all = s.dropLast ? Math.floor(s.dataset / b) : Math.ceil(s.dataset / b);
  if (s.shard === "batches" && w > 1) {
    // accelerate BatchSamplerShard (split_batches=False, even_batches=True): B batches dealt
    // round-robin; floor(B / W) per process with drop_last, else ceil(B / W), the last ones
    // completed from the first batches, so every process trains full batches.
    batches = all % w === 0 ? all / w : s.dropLast ? Math.floor(all / w) : Math.ceil(all / w);
    text = `${thousands(s.dataset)} samples in ${thousands(all)} batches of ${b}${s.dropLast ? " (drop_last)" : ""} dealt over ${w} processes (${s.how}): ${thousands(batches)} full batches per process`;
    return finish(s, w, w * batches * b, batches, acc, text);
  }
  batches = all;
  const kept = s.dropLast ? all * b : s.dataset;
  text = s.dropLast
    ? `${thousands(s.dataset)} samples, drop_last keeps ${thousands(all)} full batches of ${b} (${s.how})`
    : `${thousands(s.dataset)} samples in ${thousands(all)} batches of ${b} (${s.how})`;
  return finish(s, 1, kept, batches, acc, text);
}

function finish(s: EpochShape, w: number, samples: number, batches: number, acc: number, text: string): EpochPlan {
  if (!s.wholeUpdates) return { samples, batchesPerRank: batches, updates: batches / acc, wholeUpdates: false, text };
  // transformers Trainer._inner_training_loop: num_update_steps_per_epoch = max(len(dataloader) //
  // gradient_accumulation_steps, 1), and max_steps = ceil(num_train_epochs × that); the micro-batches
  // left over after the last whole update do not add an optimizer step, so they are not priced.
  const updates = Math.max(1, Math.floor(batches / acc));
  const used = Math.min(batches, updates * acc);
  // Every batch but a partial last one is full, so the whole updates train used × batch per process.
  const trained = used === batches ? samples : w * used * s.batch;
  const note =
    used < batches
      ? `; ${thousands(updates)} whole updates of ${acc} batches an epoch (${batches - used} left over)`
      : acc > 1
        ? `; ${thousands(updates)} update${updates > 1 ? "s" : ""} of ${acc} batches an epoch`
        : "";
  return { samples: trained, batchesPerRank: used, updates, wholeUpdates: true, text: text + note };
}

export interface ScheduleCounts {
  train: number;
  eval: number;
  /** Per-epoch evaluation passes when the run ends partway through an epoch, and the rule that counted them. */
  evalPasses?: { passes: number; rule: string };
  /** Passes made every k optimizer steps over the run's steps. */
  stepEvalPasses?: { passes: number; rule: string };
}

/** Samples trained and evaluated under the run's schedule on `count` devices, or the fields that are missing. */
export function scheduleCounts(spec: RunSpec, count: number): ScheduleCounts | { missing: string[] } {
  const dp = Math.max(1, count);
  const plan = epochPlan(spec, count);
  const perEpoch = plan?.samples ?? spec.trainSamples;
  const perStep = (spec.batchSize ?? 0) * Math.max(1, spec.gradientAccumulation) * dp;
  if (spec.maxSteps !== null && spec.batchSize !== null) {
    const stepsPerEpoch = plan ? plan.updates : perEpoch && perStep > 0 ? perEpoch / perStep : null;
    // Epochs set too (Lightning max_epochs with max_steps): the run ends at whichever comes first.
    const capped =
      spec.epochs !== null &&
      stepsPerEpoch !== null &&
      perEpoch !== null &&
      spec.epochs * stepsPerEpoch < spec.maxSteps;
    const train = capped ? (spec.epochs as number) * (perEpoch as number) : spec.maxSteps * perStep;
    const steps = capped ? (spec.epochs as number) * (stepsPerEpoch as number) : spec.maxSteps;
    const epochsRun = stepsPerEpoch ? steps / stepsPerEpoch : 0;
    return withStepEvals(spec, steps, { train, ...epochEvals(spec, epochsRun) });
  }
  // A step count with an unknown batch: one gap (the batch, or the samples it implies), not two.
  if (spec.maxSteps !== null && spec.epochs === null) return { missing: ["batchSize"] };
  const missing: string[] = [];
  if (perEpoch === null) missing.push("trainSamples");
  if (spec.epochs === null) missing.push("epochs");
  if (missing.length > 0 || perEpoch === null || spec.epochs === null) return { missing };
  let train = spec.epochs * perEpoch;
  let steps = perStep > 0 ? train / perStep : 0;
  if (plan?.wholeUpdates) {
    // HF: max_steps = ceil(num_train_epochs × updates per epoch); a fractional last epoch stops there.
    steps = Math.ceil(spec.epochs * plan.updates - 1e-9);
    train = (steps * perEpoch) / plan.updates;
  } else if (plan) steps = spec.epochs * plan.updates;
  // Evaluation every k optimizer steps: the steps are the training's own, on all `count` devices.
  return withStepEvals(spec, perStep > 0 ? steps : 0, { train, ...epochEvals(spec, spec.epochs) });
}

/** Adds the floor(steps / k) passes made every k optimizer steps (HF eval_strategy="steps", a loop's `if step % k == 0:`). */
function withStepEvals(spec: RunSpec, steps: number, c: ScheduleCounts): ScheduleCounts {
  if (!spec.evalEverySteps) return c;
  // HF sets either the per-epoch or the per-step schedule; a hand-written loop may have both.
  const every = spec.evalEverySteps;
  const k = everyK(steps, every);
  const passes = Math.floor(steps / k + 1e-9);
  return {
    ...c,
    eval: c.eval + passes * every.samples,
    stepEvalPasses: {
      passes,
      rule: `${thousands(every.samples)} samples every ${+k.toFixed(3)} optimizer steps: floor(${thousands(+steps.toFixed(3))} / ${+k.toFixed(3)}) passes`,
    },
  };
}

/**
 * Per-epoch evaluation over `epochs` epochs run (fractional when a step budget or a fractional
 * num_train_epochs ends the last one early). A partial last epoch is evaluated when the pass runs
 * after the batch loop however it ended (HF: on_epoch_end follows the break on max_steps), not when
 * the run stops before it; where neither is known the passes are spread in proportion, and said.
 */
function epochEvals(spec: RunSpec, epochs: number): Pick<ScheduleCounts, "eval" | "evalPasses"> {
  const val = spec.valSamples ?? 0;
  const whole = Math.abs(epochs - Math.round(epochs)) < 1e-9;
  if (val === 0 || whole) return { eval: Math.round(epochs) * val };
  const rule = spec.epochEvalRule;
  if (!rule) return { eval: Math.round(epochs * val) };
  const passes = rule.partialEpoch === "evaluated" ? Math.ceil(epochs) : Math.floor(epochs);
  return {
    eval: passes * val,
    evalPasses: {
      passes,
      rule: `${+epochs.toFixed(3)} epochs run, ${rule.partialEpoch === "evaluated" ? "the partial last one evaluated too" : "only completed ones evaluated"}: ${rule.how}`,
    },
  };
}

/**
 * The period k of an every-k-steps evaluation. HF's DefaultFlowCallback.on_step_end sets
 * should_evaluate when global_step % eval_steps == 0, so a run of S steps evaluates floor(S / k)
 * times (none extra at the end under eval_strategy="steps"); `if step % k == 0:` in a loop likewise.
 */
function everyK(steps: number, every: { steps: number; ratio?: number }): number {
  // A ratio eval_steps becomes ceil(total steps × ratio) steps (Trainer._inner_training_loop).
  return every.ratio !== undefined ? Math.max(1, Math.ceil(Math.ceil(steps - 1e-9) * every.ratio)) : every.steps;
}
