// Runs that a framework call describes in one place: Keras `model.fit`, Hugging Face `Trainer`
// and Lightning `Trainer.fit`. Arguments the script leaves out take the library's documented default.
import type { ProgramFacts } from "../evaluate";
import type { FitData, LoaderInfo, TraceEvent } from "../evaluate/trace";
import type { RunSpec } from "../types";
import { deviceOf, describeModels, launcherCountUnknown, line, precisionOf } from "./runFacts";
import { thousands } from "../format";
import { eventsOfKind } from "./traceIndex";

/** Library defaults for arguments a script omits, each with where it is documented. */
export const FRAMEWORK_DEFAULTS = {
  kerasEpochs: { value: 1, source: "keras.io Model.fit: epochs=1" },
  kerasBatch: { value: 32, source: "keras.io Model.fit: batch_size defaults to 32" },
  hfEpochs: { value: 3, source: "transformers TrainingArguments: num_train_epochs=3.0" },
  hfBatch: { value: 8, source: "transformers TrainingArguments: per_device_train_batch_size=8" },
  lightningEpochs: {
    value: 1000,
    source: "Lightning Trainer: max_epochs defaults to 1000 when neither max_epochs nor max_steps is set",
  },
} as const;

type Ev<K extends TraceEvent["kind"]> = Extract<TraceEvent, { kind: K }>;

export function frameworkRuns(facts: ProgramFacts): RunSpec[] {
  const out: RunSpec[] = [];
  for (const e of facts.trace) {
    if (e.kind === "kerasFit") out.push(kerasRun(facts, e));
    else if (e.kind === "hfTrainer") out.push(hfRun(facts, e));
    else if (e.kind === "lightningFit") out.push(lightningRun(facts, e));
  }
  return out;
}

function base(facts: ProgramFacts, e: TraceEvent, framework: RunSpec["framework"], modelId: number | null): RunSpec {
  const m = describeModels(facts, modelId === null ? [] : [modelId], []);
  const spec: RunSpec = {
    model: m.name,
    range: e.range,
    framework,
    epochs: null,
    maxSteps: null,
    trainSamples: null,
    valSamples: null,
    batchSize: null,
    gradientAccumulation: 1,
    tokensPerSample: null,
    precision: "fp32",
    device: null,
    trials: 1,
    forwardFlops: m.forwardFlops,
    params: m.params,
    trainableParams: m.trainableParams,
    convFlopsShare: m.convFlopsShare,
    evidence: [...m.evidence],
    unknowns: [],
  };
  // A fit inside loops (k-fold, a sweep over configs) repeats once per iteration.
  for (const l of e.loops) {
    if (l.tripCount !== null && l.tripCount > 1) {
      spec.trials *= l.tripCount;
      spec.evidence.push(`×${l.tripCount} runs: inside the loop over ${l.target} (line ${line(l.range)})`);
    }
  }
  for (const s of eventsOfKind(facts, "sweep")) {
    if (s.trials !== null && s.trials > 1) {
      spec.trials *= s.trials;
      spec.evidence.push(`×${s.trials} trials: ${s.how} (line ${line(s.range)})`);
    }
  }
  const dv = deviceOf(facts);
  spec.device = dv.device;
  if (dv.evidence) spec.evidence.push(dv.evidence);
  return spec;
}

function orDefault(spec: RunSpec, name: string, v: number | null, d: { value: number; source: string }): number {
  if (v !== null) {
    spec.evidence.push(`${name} ${v} from the script`);
    return v;
  }
  spec.evidence.push(`${name} ${d.value}: library default (${d.source})`);
  return d.value;
}

function kerasRun(facts: ProgramFacts, e: Ev<"kerasFit">): RunSpec {
  const spec = base(facts, e, "keras", e.modelId);
  const open = e.fitOpen;
  // The epoch fit runs to (epochs); unread when fit's keywords are open (epochs unknown, so unused).
  let lastEpoch = 0;
  if (open && e.epochs === null)
    spec.unknowns.push({
      message: `epochs are not in the script: fit() also takes ${open}, read at run time, so Keras's default may not apply`,
      range: e.range,
      hint: "add `# footprint: epochs 90`",
    });
  else {
    lastEpoch = orDefault(spec, "epochs", e.epochs, FRAMEWORK_DEFAULTS.kerasEpochs);
    spec.epochs = kerasEpochsRun(spec, e, lastEpoch);
  }
  const train = e.train ?? plainFitData(e.trainSamples);
  if (!train.dataset && open && e.batchSize === null)
    spec.unknowns.push({
      message: `batch_size is not in the script: fit() also takes ${open}, read at run time, so Keras's default of 32 may not apply`,
      range: e.range,
    });
  else if (!train.dataset) spec.batchSize = orDefault(spec, "batch size", e.batchSize, FRAMEWORK_DEFAULTS.kerasBatch);
  else if (train.batch !== null) {
    spec.batchSize = train.batch;
    spec.evidence.push(`batch size ${train.batch}: the tf.data dataset's batch (fit's batch_size does not apply)`);
  } else {
    // Keras draws a dataset's elements as batches; fit's batch_size default would be a guess.
    spec.unknowns.push({
      message:
        "the batch size of the tf.data dataset passed to fit() is unknown (Keras uses the dataset's own batches, not fit's batch_size)",
      range: e.range,
      hint: "pass a literal or a constant to .batch(); until then the per-step overhead is left out",
    });
  }
  spec.trainSamples = kerasPerEpoch(spec, e, "training", train, spec.batchSize);
  const val = e.val !== undefined ? e.val : e.valSamples !== null ? plainFitData(e.valSamples) : null;
  const valBatch = val?.dataset ? val.batch : (val?.batch ?? spec.batchSize);
  const valEvidence = spec.evidence.length;
  const valPass = val ? kerasPerEpoch(spec, e, "validation", val, valBatch) : null;
  spec.valSamples = valPass === null ? null : kerasValidationPerEpoch(spec, e, valPass, lastEpoch, valEvidence);
  if (e.callbacks.some((c) => /EarlyStopping/.test(c)))
    spec.evidence.push("EarlyStopping callback: the epoch count is an upper bound");
  const pr = precisionOf(facts, [e], e.modelId === null ? [] : [e.modelId]);
  spec.precision = pr.precision;
  if (pr.evidence) spec.evidence.push(pr.evidence);
  launcherCountUnknown(facts, spec);
  return spec;
}

/**
 * Epochs fit trains: `for epoch in range(initial_epoch, epochs)` (Keras Trainer.fit), so a resumed
 * run (`initial_epoch=10, epochs=20`) trains 10; an unresolved initial_epoch leaves the count unknown.
 */
function kerasEpochsRun(spec: RunSpec, e: Ev<"kerasFit">, lastEpoch: number): number | null {
  const initial = e.initialEpoch === undefined ? 0 : e.initialEpoch;
  if (initial === 0) return lastEpoch;
  if (initial === null) {
    spec.unknowns.push({
      message:
        "fit()'s initial_epoch is unknown, so the number of epochs it trains (epochs − initial_epoch) is unknown",
      range: e.range,
      hint: "pass initial_epoch as a literal or a constant, or add `# footprint: epochs N`",
    });
    return null;
  }
  const run = Math.max(0, lastEpoch - initial);
  // Before orDefault's "epochs N" line: the schedule's "epochs" assumption cites the first match.
  spec.evidence.splice(
    spec.evidence.length - 1,
    0,
    `${run} epochs trained: epochs ${lastEpoch} − initial_epoch ${initial} (fit resumes at epoch ${initial + 1})`,
  );
  return run;
}

/**
 * Validation samples per trained epoch, averaged: fit validates after epoch n (1-based) when
 * n % validation_freq == 0 or n is in the validation_freq list (Keras Trainer._should_eval).
 */
function kerasValidationPerEpoch(
  spec: RunSpec,
  e: Ev<"kerasFit">,
  perPass: number,
  lastEpoch: number,
  passEvidence: number,
): number {
  const freq = e.validationFreq;
  if (freq === undefined || freq === 1 || spec.epochs === null || spec.epochs === 0) return perPass;
  if (freq === null) {
    spec.evidence.push("validation_freq unresolved: validation priced after every epoch (an upper bound)");
    return perPass;
  }
  const first = lastEpoch - spec.epochs + 1;
  let passes = 0;
  if (Array.isArray(freq)) passes = new Set(freq.filter((n) => n >= first && n <= lastEpoch)).size;
  else if (freq > 0) passes = Math.floor(lastEpoch / freq) - Math.floor((first - 1) / freq);
  // The one-pass line kerasPerEpoch wrote is per validation pass now; the schedule's "validation
  // samples" assumption cites the average below.
  for (let i = passEvidence; i < spec.evidence.length; i++)
    spec.evidence[i] = spec.evidence[i]!.replace("validation samples per epoch", "samples per validation pass");
  const perEpoch = (perPass * passes) / spec.epochs;
  const rule = Array.isArray(freq) ? `after epochs ${freq.join(", ")}` : `every ${freq} epochs`;
  spec.evidence.push(
    `${thousands(+perEpoch.toFixed(2))} validation samples per epoch on average: validation_freq validates ${rule}, ${passes} passes in ${spec.epochs} epochs`,
  );
  return perEpoch;
}

/** Events built without FitData (older producers, tests) carry plain sample counts. */
function plainFitData(samples: number | null): FitData {
  return { samples, batch: null, dataset: false, infinite: false, steps: null };
}

/**
 * Samples fit draws per epoch from `d`: steps × batch when steps_per_epoch / validation_steps is set
 * (capped by one pass, since Keras stops when finite data runs out), one pass otherwise, and none
 * for an endless `.repeat()` dataset without steps: its first epoch would never end.
 */
function kerasPerEpoch(
  spec: RunSpec,
  e: TraceEvent,
  what: "training" | "validation",
  d: FitData,
  batch: number | null,
): number | null {
  const stepsArg = what === "training" ? "steps_per_epoch" : "validation_steps";
  if (d.steps !== null && d.steps > 0) {
    if (batch === null) {
      spec.evidence.push(`${stepsArg} ${d.steps} with an unknown batch size: ${what} samples per epoch unknown`);
      return null;
    }
    const n = d.samples === null ? d.steps * batch : Math.min(d.steps * batch, d.samples);
    const capped = n < d.steps * batch ? ` (the data runs out after ${thousands(n)})` : "";
    spec.evidence.push(`${thousands(n)} ${what} samples per epoch: ${stepsArg} ${d.steps} × batch ${batch}${capped}`);
    return n;
  }
  if (d.infinite) {
    spec.unknowns.push({
      message: `fit() ${what === "training" ? "trains on" : "validates on"} an endless dataset (.repeat() with no count) without ${stepsArg}: the epoch never ends, so the run is unbounded`,
      range: e.range,
      hint: `pass ${stepsArg}= to fit(), or add \`# footprint: samples N\` (${what} samples per epoch)`,
    });
    return null;
  }
  if (d.samples !== null)
    spec.evidence.push(
      what === "training"
        ? `${thousands(d.samples)} training samples passed to fit()`
        : `${thousands(d.samples)} validation samples per epoch`,
    );
  return d.samples;
}

function hfRun(facts: ProgramFacts, e: Ev<"hfTrainer">): RunSpec {
  const spec = base(facts, e, "transformers", e.modelId);
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
  spec.tokensPerSample = e.tokensPerSample;
  if (e.tokensPerSample !== null)
    spec.evidence.push(`${e.tokensPerSample} tokens per sample (${e.tokensHow ?? "max_length / block_size"})`);
  if (e.gradientAccumulation && e.gradientAccumulation > 1)
    spec.evidence.push(`gradient_accumulation_steps ${e.gradientAccumulation}`);
  hfEvaluation(spec, e);
  setPrecision(facts, spec, e, e.precision, "TrainingArguments fp16/bf16");
  return spec;
}

/** Evaluation passes during a Trainer run, as validation samples per training epoch. */
function hfEvaluation(spec: RunSpec, e: Ev<"hfTrainer">): void {
  if (e.evalSamples === null) return;
  const n = thousands(e.evalSamples);
  if (e.evalEachEpoch) {
    spec.valSamples = e.evalSamples;
    spec.evidence.push(`${n} evaluation samples per epoch (eval_strategy="epoch", eval_dataset)`);
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
    if (e.maxEpochs !== null) spec.evidence.push(`max_epochs ${e.maxEpochs} also set; max_steps priced`);
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
  setPrecision(facts, spec, e, e.precision, "Trainer(precision=...)");
  launcherCountUnknown(facts, spec);
  return spec;
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
