// Runs that a framework call describes in one place: Keras `model.fit` (kerasFitRun.ts), Hugging Face
// `Trainer` and Lightning `Trainer.fit`. Arguments the script leaves out take the library's documented default.
import type { ProgramFacts } from "../evaluate";
import type { LoaderInfo, TraceEvent } from "../evaluate/trace";
import type { RunSpec } from "../types";
import { launcherCountUnknown, line, precisionOf } from "./runFacts";
import { thousands } from "../format";
import { base, type Ev, FRAMEWORK_DEFAULTS, orDefault } from "./frameworkRunBase";
import { kerasRun } from "./kerasFitRun";

export { FRAMEWORK_DEFAULTS } from "./frameworkRunBase";

export function frameworkRuns(facts: ProgramFacts): RunSpec[] {
  const out: RunSpec[] = [];
  for (const e of facts.trace) {
    if (e.kind === "kerasFit") out.push(kerasRun(facts, e));
    else if (e.kind === "hfTrainer") out.push(hfRun(facts, e));
    else if (e.kind === "lightningFit") out.push(lightningRun(facts, e));
  }
  return out;
}

function hfRun(facts: ProgramFacts, e: Ev<"hfTrainer">): RunSpec {
  // A compute_loss override's other models (a teacher) run forward on every training batch.
  const spec = base(facts, e, "transformers", e.modelId, e.forwardOnlyIds);
  // TrainingArguments(**cfg) with cfg read at run time: what the script leaves out may be in cfg.
  const open = e.argsOpen;
  const fromOpen = (what: string, hint?: string) =>
    spec.unknowns.push({
      message: `${what} is not in the script: TrainingArguments also takes ${open}, read at run time, so the library default may not apply`,
      range: e.range,
      ...(hint ? { hint } : {}),
    });
  if (open && e.batchSize === null) fromOpen("per_device_train_batch_size");
  else spec.batchSize = orDefault(spec, "per-device batch size", e.batchSize, FRAMEWORK_DEFAULTS.hfBatch);
  if (open && e.gradientAccumulation === null) fromOpen("gradient_accumulation_steps");
  spec.gradientAccumulation = Math.max(1, e.gradientAccumulation ?? 1);
  if (e.maxSteps !== null && e.maxSteps > 0) {
    spec.maxSteps = e.maxSteps;
    spec.evidence.push(`max_steps ${e.maxSteps} (overrides num_train_epochs)`);
  } else if (open && e.epochs === null)
    fromOpen(
      e.maxSteps === null ? "num_train_epochs (or max_steps)" : "num_train_epochs",
      "add `# footprint: epochs 90`",
    );
  else spec.epochs = orDefault(spec, "epochs", e.epochs, FRAMEWORK_DEFAULTS.hfEpochs);
  if (open && e.precision === null) fromOpen("fp16 / bf16");
  spec.trainSamples = e.trainSamples;
  if (e.trainSamples !== null) spec.evidence.push(`${thousands(e.trainSamples)} training samples (train_dataset)`);
  if (e.dropLast) spec.evidence.push("dataloader_drop_last: each process drops its last partial batch");
  if (e.trainSamples !== null && spec.batchSize !== null)
    // The Trainer's loader is sharded by accelerate (whole batches per process) and an epoch is whole
    // update steps; both depend on the device count, so the epoch is resolved when priced (epochPlan.ts).
    spec.epochShape = {
      dataset: e.trainSamples,
      batch: spec.batchSize,
      dropLast: e.dropLast === true,
      shard: "batches",
      wholeUpdates: true,
      how: "transformers Trainer: accelerate-sharded loader, whole update steps",
    };
  spec.tokensPerSample = e.tokensPerSample;
  if (e.tokensPerSample !== null)
    spec.evidence.push(`${e.tokensPerSample} tokens per sample (${e.tokensHow ?? "max_length / block_size"})`);
  if (e.gradientAccumulation && e.gradientAccumulation > 1)
    spec.evidence.push(`gradient_accumulation_steps ${e.gradientAccumulation}`);
  hfEvaluation(spec, e);
  if (e.earlyStopping)
    spec.evidence.push(
      `EarlyStoppingCallback: training may stop before ${spec.maxSteps !== null ? "max_steps" : "num_train_epochs"}, so the schedule priced is an upper bound`,
    );
  resumed(spec, e.resumeFrom, "train(resume_from_checkpoint=");
  if (e.generateBeams !== undefined) {
    // Seq2SeqTrainer.prediction_step with predict_with_generate: model.generate(...) (the encoder
    // once, the decoder per beam up to generation_max_length) and, with labels, the loss forward.
    // Between 1 forward (generation stopping at once) and 1 + beams (every beam decoding as far as
    // the labels run), assuming generations no longer than the labels or generation_max_length.
    // generation_max_length above the labels' length lets each beam decode that many times further.
    const ratio = e.generateLengthRatio ?? 1;
    const high = 1 + e.generateBeams * ratio;
    spec.evalForwards = { low: 1, high };
    spec.evidence.push(
      `predict_with_generate (${e.generateBeams} beam${e.generateBeams > 1 ? "s" : ""}${ratio > 1 ? `, generation_max_length ${+ratio.toFixed(3)}× the labels' length` : ""}): each evaluation sample costs 1–${+high.toFixed(3)} forwards (generate() plus the loss forward)`,
    );
  }
  if (e.extraEvalSamples) {
    spec.extraEvalSamples = { samples: e.extraEvalSamples, how: "trainer.evaluate / predict" };
    spec.evidence.push(
      `${thousands(e.extraEvalSamples)} samples run forward once outside training (trainer.evaluate / predict)`,
    );
  }
  if (e.preference) preferencePairs(facts, spec, e);
  setPrecision(facts, spec, e, e.precision, "TrainingArguments fp16/bf16");
  // Under DeepSpeed (TrainingArguments(deepspeed=...)) the launcher starts the processes.
  launcherCountUnknown(facts, spec);
  return spec;
}

/**
 * DPO: the policy's trained forward and the reference's forward-only one each run on two sequences a
 * sample (chosen and rejected). A reference that is the policy again adds its forward at 1×, like a
 * teacher (describeModels folds forward-only models in as a third of a trained forward).
 */
function preferencePairs(facts: ProgramFacts, spec: RunSpec, e: Ev<"hfTrainer">): void {
  const pref = e.preference!;
  const policy = facts.models.find((m) => m.id === e.modelId);
  if (spec.forwardFlops === null || !policy || policy.forwardFlops === null) {
    spec.unknowns.push({
      message: `DPOTrainer: the policy's forward is unknown, so the pairs' second sequence and the reference (${pref.how}) are not priced`,
      range: e.range,
    });
    return;
  }
  if (pref.refIsPolicy) spec.forwardFlops += policy.forwardFlops / 3;
  spec.forwardFlops *= 2;
  spec.evidence.push(
    `DPOTrainer: each sample is a chosen/rejected pair, 2 sequences through the policy (trained) and the reference, ${pref.how} (forward-only)`,
  );
}

/** Evaluation passes during a Trainer run, as validation samples per training epoch. */
function hfEvaluation(spec: RunSpec, e: Ev<"hfTrainer">): void {
  if (e.evalSamples === null) return;
  const n = thousands(e.evalSamples);
  if (e.evalEachEpoch) {
    spec.valSamples = e.evalSamples;
    // _inner_training_loop calls on_epoch_end (DefaultFlowCallback: should_evaluate under
    // eval_strategy="epoch") after the batch loop breaks on max_steps, so a cut-short epoch is evaluated.
    spec.epochEvalRule = {
      partialEpoch: "evaluated",
      how: 'transformers Trainer runs on_epoch_end, and so the eval_strategy="epoch" evaluation, after max_steps stops an epoch',
    };
    spec.evidence.push(`${n} evaluation samples per epoch (eval_strategy="epoch", eval_dataset)`);
    return;
  }
  if (e.evalStepsRatio !== undefined) {
    spec.evalEverySteps = { steps: 0, samples: e.evalSamples, ratio: e.evalStepsRatio };
    spec.evidence.push(
      `${n} evaluation samples every ${e.evalStepsRatio} of the run's update steps (eval_steps=${e.evalStepsRatio}, a ratio: every ceil(total steps × ${e.evalStepsRatio}) steps)`,
    );
    return;
  }
  if (e.evalSteps === null) {
    spec.evidence.push(`eval_strategy="steps" with ${n} evaluation samples: evaluations per epoch unknown, not priced`);
    return;
  }
  // An epoch's optimizer steps are train samples / (per-device batch × devices × accumulation), and
  // the device count is settled only when the run is priced (script, directive or setting), so the
  // passes are counted there (sampleCounts) from the same steps the training takes.
  spec.evalEverySteps = { steps: e.evalSteps, samples: e.evalSamples };
  spec.evidence.push(
    `${n} evaluation samples every ${e.evalSteps} update steps (eval_strategy="steps"): passes per epoch from the training's steps on the priced device count`,
  );
}

function lightningRun(facts: ProgramFacts, e: Ev<"lightningFit">): RunSpec {
  const spec = base(facts, e, "lightning", e.modelId);
  if (e.maxSteps !== null && e.maxSteps > 0) {
    spec.maxSteps = e.maxSteps;
    spec.evidence.push(`max_steps ${e.maxSteps}`);
    // Both limits: Lightning's _FitLoop.done stops at whichever is reached first (max_steps counts
    // optimizer steps, max_epochs passes), so both go on the spec and sampleCounts takes the smaller,
    // once the device count (and so the steps an epoch has) is settled.
    if (e.maxEpochs !== null && e.maxEpochs > 0) {
      spec.epochs = e.maxEpochs;
      spec.evidence.push(`max_epochs ${e.maxEpochs} also set: whichever of the two ends first`);
    }
  } else if (e.maxTime && (e.maxEpochs === null || e.maxEpochs < 0))
    // Lightning sets max_epochs=-1 when max_time is given without max_epochs or max_steps.
    spec.evidence.push("max_epochs unbounded: max_time alone ends fit (Lightning sets max_epochs=-1)");
  else if (e.trainerOpen && e.maxEpochs === null)
    spec.unknowns.push({
      message: `max_epochs / max_steps are not in the script: the Trainer also takes ${e.trainerOpen}, read at run time, so the library default may not apply`,
      range: e.range,
      hint: "add `# footprint: epochs 90`",
    });
  else spec.epochs = orDefault(spec, "max_epochs", e.maxEpochs, FRAMEWORK_DEFAULTS.lightningEpochs);
  if (e.trainerOpen && e.devices === null)
    spec.unknowns.push({
      message: `devices and precision are not in the script: the Trainer also takes ${e.trainerOpen}, read at run time`,
      range: e.range,
      hint: "add `# footprint: device a100 x1`",
    });
  if (e.maxTime) {
    spec.maxTimeHours = e.maxTime.hours;
    spec.evidence.push(`max_time ${e.maxTime.shown}: fit stops after ${+e.maxTime.hours.toPrecision(4)} h`);
  }
  applyLoader(spec, e.loader);
  if (e.accumulate !== null && e.accumulate > 1) {
    spec.gradientAccumulation = e.accumulate;
    spec.evidence.push(`accumulate_grad_batches ${e.accumulate} (max_steps counts optimizer steps)`);
  }
  const val = e.valLoader?.dataset?.samples ?? null;
  const every = e.valEveryNEpochs ?? 1;
  if (val !== null && e.valPerEpoch > 0 && every > 1 && spec.epochs !== null && spec.epochs > 0) {
    // Lightning 2.x validates an epoch only when (current_epoch + 1) % check_val_every_n_epoch == 0
    // (TrainingEpochLoop._should_check_val_epoch), the last epoch included, so E epochs give
    // floor(E / n) validations: Lightning's test_check_val_every_n_epoch expects 2 for
    // max_epochs=4 or 5 with n=2, and none for max_epochs=1. Averaged over the epochs for pricing.
    const within = e.valPerEpoch * every;
    const passes = Math.floor(spec.epochs / every);
    spec.valSamples = (val * within * passes) / spec.epochs;
    spec.evidence.push(
      `${thousands(val)} validation samples × ${+within.toFixed(3)} per validated epoch: ${e.valLoader?.dataset?.name ?? "validation loader"} (line ${line(e.valLoader?.range ?? e.range)})`,
      `check_val_every_n_epoch=${every}: validation after epochs ${every}, ${2 * every}, …, ${passes} of ${spec.epochs} epochs`,
    );
  } else if (val !== null && e.valPerEpoch > 0) {
    // A run priced by max_steps (or max_time) ends mid-schedule: 1/n validations per epoch on average.
    spec.valSamples = Math.round(val * e.valPerEpoch);
    const passes = e.valPerEpoch === 1 ? "per epoch" : `× ${+e.valPerEpoch.toFixed(3)} passes per epoch`;
    spec.evidence.push(
      `${thousands(val)} validation samples ${passes}: ${e.valLoader?.dataset?.name ?? "validation loader"} (line ${line(e.valLoader?.range ?? e.range)})`,
    );
  } else if (e.valLoader) spec.evidence.push("validation loader of unknown size: validation cost left out");
  if (e.callbacks.includes("EarlyStopping"))
    spec.evidence.push("EarlyStopping callback: the epoch count is an upper bound");
  if (e.devices !== null || e.accelerator !== null) {
    const kind = /tpu/i.test(e.accelerator ?? "")
      ? "tpu"
      : /cpu/i.test(e.accelerator ?? "")
        ? "cpu"
        : /mps/i.test(e.accelerator ?? "")
          ? "mps"
          : "gpu";
    spec.device = { id: null, count: e.devices, kind };
    spec.evidence.push(`Trainer(accelerator=${e.accelerator ?? "auto"}, devices=${e.devices ?? "auto"})`);
  }
  resumed(spec, e.resumeFrom, "fit(ckpt_path=");
  if (e.extraEvalSamples) {
    spec.extraEvalSamples = { samples: e.extraEvalSamples, how: "trainer.validate / test / predict" };
    spec.evidence.push(
      `${thousands(e.extraEvalSamples)} samples run forward once outside fit (trainer.validate / test / predict)`,
    );
  }
  setPrecision(facts, spec, e, e.precision, "Trainer(precision=...)");
  launcherCountUnknown(facts, spec);
  return spec;
}

/** A run resumed from a checkpoint trains only the rest of its schedule: the whole is an upper bound. */
function resumed(spec: RunSpec, from: string | undefined, call: string): void {
  if (from === undefined) return;
  spec.evidence.push(
    `${call}${from}): a resumed run trains only the schedule after the checkpoint, so the whole schedule priced is an upper bound`,
  );
}

function applyLoader(spec: RunSpec, ld: LoaderInfo | null): void {
  if (!ld) return;
  spec.batchSize = ld.batchSize;
  spec.loaderWorkers = ld.numWorkers ?? 0;
  spec.trainLoader = ld.range;
  if (ld.dataset?.samples != null) {
    spec.trainSamples = ld.dataset.samples;
    spec.evidence.push(
      `${thousands(ld.dataset.samples)} samples: ${ld.dataset.name ?? "dataset"} (line ${line(ld.range)})`,
    );
  }
  if (ld.batchSize !== null)
    spec.evidence.push(`batch size ${ld.batchSize} from the DataLoader (line ${line(ld.range)})`);
  if (ld.dataset?.tokensPerSample) spec.tokensPerSample = ld.dataset.tokensPerSample;
}

function setPrecision(
  facts: ProgramFacts,
  spec: RunSpec,
  e: TraceEvent,
  p: RunSpec["precision"] | null,
  how: string,
): void {
  if (p !== null) {
    spec.precision = p;
    spec.evidence.push(`precision ${p}: ${how}`);
    return;
  }
  const modelIds = "modelId" in e && typeof e.modelId === "number" ? [e.modelId] : [];
  const pr = precisionOf(facts, [e], modelIds);
  spec.precision = pr.precision;
  if (pr.evidence) spec.evidence.push(pr.evidence);
}
