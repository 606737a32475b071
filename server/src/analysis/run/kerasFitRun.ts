// Keras `model.fit`: epochs from initial_epoch to epochs, the batch from fit or the tf.data
// dataset, steps_per_epoch / validation_steps caps, validation_freq, and endless datasets.
import type { ProgramFacts } from "../evaluate";
import type { FitData, TraceEvent } from "../evaluate/trace";
import type { RunSpec } from "../types";
import { thousands } from "../format";
import { base, type Ev, FRAMEWORK_DEFAULTS, orDefault } from "./frameworkRunBase";
import { launcherCountUnknown, precisionOf } from "./runFacts";

export function kerasRun(facts: ProgramFacts, e: Ev<"kerasFit">): RunSpec {
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
  else if (e.tuner?.epochs !== undefined) {
    // Hyperband passes each trial's epochs and initial_epoch to fit itself: the search's total.
    lastEpoch = spec.epochs = e.tuner.epochs;
    spec.evidence.push(`${e.tuner.epochs} epochs: ${e.tuner.how}`);
  } else {
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
        "the batch size of the tf.data dataset or Sequence passed to fit() is unknown (Keras uses the batches it yields, not fit's batch_size)",
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
  trainableAtFit(spec, e);
  if (e.tuner && e.tuner.trials !== null) {
    spec.trials *= e.tuner.trials;
    if (e.tuner.epochs === undefined) spec.evidence.push(`×${e.tuner.trials} trials: ${e.tuner.how}`);
    else if (e.tuner.trials > 1) spec.evidence.push(`×${e.tuner.trials} executions per trial`);
  } else if (e.tuner)
    spec.unknowns.push({
      message: `the number of keras-tuner trials is unknown (${e.tuner.how}): priced as one trial`,
      range: e.range,
      hint: e.tuner.hint ?? "pass max_trials= to the tuner",
    });
  const pr = precisionOf(facts, [e], e.modelId === null ? [] : [e.modelId]);
  spec.precision = pr.precision;
  if (pr.evidence) spec.evidence.push(pr.evidence);
  launcherCountUnknown(facts, spec);
  return spec;
}

/**
 * The trainable weights of this fit, not of the script's end: `base.trainable = False`, fit, then
 * `base.trainable = True` and a second fit trains only the head first (Keras reads the flags when
 * fit compiles its train step). Applied only when the fit-time total equals the model's, so a model
 * still partly unbuilt at that fit keeps the final count.
 */
function trainableAtFit(spec: RunSpec, e: Ev<"kerasFit">): void {
  const at = e.paramsAtFit;
  if (!at || spec.params === null || at.params !== spec.params || at.trainable === spec.trainableParams) return;
  spec.trainableParams = at.trainable;
  spec.evidence.push(
    `${thousands(at.trainable)} of ${thousands(at.params)} weights trainable when this fit() runs (the trainable flags at this call)`,
  );
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
