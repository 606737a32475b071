// What every framework-described run starts from: the library defaults a script may leave out,
// the model and device the trace gives, and the loops and sweeps around the call.
import type { ProgramFacts } from "../evaluate";
import type { TraceEvent } from "../evaluate/trace";
import type { RunSpec } from "../types";
import { deviceOf, describeModels, line } from "./runFacts";
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

export type Ev<K extends TraceEvent["kind"]> = Extract<TraceEvent, { kind: K }>;

export function base(
  facts: ProgramFacts,
  e: TraceEvent,
  framework: RunSpec["framework"],
  modelId: number | null,
  forwardOnlyIds: number[] = [],
): RunSpec {
  const m = describeModels(facts, modelId === null ? [] : [modelId], forwardOnlyIds);
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
    ...(m.perCallFlops ? { perCallFlops: m.perCallFlops } : {}),
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

export function orDefault(spec: RunSpec, name: string, v: number | null, d: { value: number; source: string }): number {
  if (v !== null) {
    spec.evidence.push(`${name} ${v} from the script`);
    return v;
  }
  spec.evidence.push(`${name} ${d.value}: library default (${d.source})`);
  return d.value;
}
