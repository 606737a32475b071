// Facts every run detector needs from the trace: the model(s) a run trains, its precision and
// device, and the directives that override what the script says. Shared by torchLoops.ts and
// frameworkRuns.ts so PyTorch, Keras, HF and Lightning runs are described the same way.
import type { Directives } from "../directives";
import type { ProgramFacts } from "../evaluate";
import type { TraceEvent } from "../evaluate/trace";
import { findDevice } from "../footprint/devices";
import type { ModelCost, Precision, Range, RunSpec } from "../types";
import { thousands } from "../format";
import { eventsOfKind } from "./traceIndex";

export const line = (r: Range) => r.start.line + 1;

/** Model cost summed over the models a run trains (a GAN trains two), plus frozen teachers at forward cost. */
export interface RunModel {
  name: string | null;
  forwardFlops: number | null;
  /** Forward FLOPs per step that do not scale with the batch (weight-only products); 0 = none. */
  perCallFlops: number;
  /** One forward of each trained model, whole (teachers and no-grad parts not folded in): what evaluating it costs. */
  wholeForwardFlops: number | null;
  params: number | null;
  trainableParams: number | null;
  convFlopsShare: number | null;
  evidence: string[];
}

/**
 * Combines the trained models (forward + backward) and the no-grad models run in the same loop
 * (a distillation teacher: forward only, so a third of a trained model's per-sample cost).
 */
const byIds = new WeakMap<ProgramFacts, ReadonlyMap<number, ModelCost>>();

/** A model the analysis costed, by the id its forward events carry; undefined for a submodule. */
export function costedModel(facts: ProgramFacts, id: number): ModelCost | undefined {
  return modelsById(facts).get(id);
}

/** The program's models by id, built once per analysis (every run asks). */
function modelsById(facts: ProgramFacts): ReadonlyMap<number, ModelCost> {
  let byId = byIds.get(facts);
  if (!byId) byIds.set(facts, (byId = new Map(facts.models.map((m) => [m.id, m]))));
  return byId;
}

export function describeModels(
  facts: ProgramFacts,
  trainedIds: number[],
  forwardOnlyIds: number[],
  /** Trained model id → lines of its call sites when a step calls it more than once (callSites.ts). */
  calls: ReadonlyMap<number, number[]> = new Map(),
): RunModel {
  const byId = modelsById(facts);
  const trained = unique(trainedIds)
    .map((id) => byId.get(id))
    .filter((m): m is ModelCost => !!m);
  const frozen = unique(forwardOnlyIds)
    .filter((id) => !trainedIds.includes(id))
    .map((id) => byId.get(id))
    .filter((m): m is ModelCost => !!m);
  const evidence: string[] = [];
  if (trained.length === 0)
    return {
      name: null,
      forwardFlops: null,
      perCallFlops: 0,
      wholeForwardFlops: null,
      params: null,
      trainableParams: null,
      convFlopsShare: null,
      evidence,
    };
  let flops: number | null = 0;
  let perCall = 0;
  let macs = 0;
  let convMacs = 0;
  for (const m of trained) {
    // Each call runs its own forward and backward, so a model called k times costs k per sample.
    const k = calls.get(m.id)?.length ?? 1;
    // The part of the forward run under its own no_grad is forward-only: folded in as a third of a
    // trained forward (3× → 1×), like a teacher's; its layers leave the trained params below.
    const noGrad = m.noGradFlops ?? 0;
    flops = flops !== null && m.forwardFlops !== null ? flops + k * (m.forwardFlops - noGrad + noGrad / 3) : null;
    for (const l of m.layers) {
      if (l.macs === null) continue;
      macs += l.macs;
      convMacs += l.convMacs ?? 0;
    }
    evidence.push(
      `model ${m.name} (${m.className}): ${thousands(m.params)} params` +
        (m.forwardFlops !== null
          ? `, ${m.forwardFlops.toExponential(3)} forward FLOPs/sample`
          : ", forward FLOPs unknown"),
    );
    if (flops !== null && m.recomputedFlops) {
      // Checkpointed segments run their forward again in backward: one more forward of them per call,
      // folded in as a third of a trained forward, like a teacher's.
      flops += (k * m.recomputedFlops) / 3;
      evidence.push(
        `model ${m.name}: ${m.recomputedFlops.toExponential(3)} forward FLOPs/sample under activation checkpointing, recomputed in backward (counted once more)`,
      );
    }
    if (m.noGradTrainableParams)
      evidence.push(
        `model ${m.name}: ${thousands(m.noGradTrainableParams)} trainable parameters run under torch.no_grad in its forward: no gradient reaches them, priced as frozen`,
      );
    if (m.noGradFlops)
      evidence.push(
        `model ${m.name}: ${m.noGradFlops.toExponential(3)} forward FLOPs/sample run under torch.no_grad in its forward (counted at 1× forward)`,
      );
    if (m.perCallFlops) {
      // Products of weights alone (a LoRA merge) run once per call, not per sample: priced per step.
      perCall += k * m.perCallFlops;
      evidence.push(
        `model ${m.name}: ${m.perCallFlops.toExponential(3)} forward FLOPs per call from products of weights alone (not per sample)`,
      );
    }
    if (k > 1)
      evidence.push(
        `model ${m.name} is called ${k} times per step (lines ${calls.get(m.id)?.join(", ")}): counted ${k}×`,
      );
  }
  for (const t of frozen) {
    // Forward-only cost of a no-grad model, folded in as a third of a trained forward (3× → 1×).
    if (flops !== null && t.forwardFlops !== null) flops += t.forwardFlops / 3;
    perCall += (t.perCallFlops ?? 0) / 3;
    evidence.push(`model ${t.name} runs forward-only under no_grad in the loop (counted at 1× forward)`);
  }
  return {
    name: trained.map((m) => m.name).join(" + "),
    forwardFlops: flops,
    perCallFlops: perCall,
    wholeForwardFlops: trained.every((m) => m.forwardFlops !== null)
      ? trained.reduce((s, m) => s + (m.forwardFlops ?? 0), 0)
      : null,
    // Layers the forward itself runs under no_grad are priced with their FLOPs above (forward-only)
    // when their MACs were split out; otherwise their trainable params count as frozen (trainMultiplier).
    params: trained.reduce((s, m) => s + m.params - (m.noGradFlops ? (m.noGradParams ?? 0) : 0), 0),
    trainableParams: trained.reduce((s, m) => s + m.trainableParams - (m.noGradTrainableParams ?? 0), 0),
    convFlopsShare: macs > 0 ? convMacs / macs : null,
    evidence,
  };
}

/** Precision of a run: autocast around its forward/backward, else a precision event on its model or the whole script. */
export function precisionOf(
  facts: ProgramFacts,
  runEvents: TraceEvent[],
  modelIds: number[],
): { precision: Precision; evidence: string | null } {
  const ac = runEvents.find((e) => (e.kind === "forward" || e.kind === "backward") && e.autocast)?.autocast;
  if (ac)
    return {
      precision: ac === "bf16" ? "bf16-mixed" : "fp16-mixed",
      evidence: `precision ${ac} mixed: autocast around the forward`,
    };
  // autocast is scoped: when the run's own forwards ran outside it, one entered under no_grad (an
  // evaluation under `torch.autocast`) says nothing of the training's precision. One entered with
  // grad on still counts: the AMP recipe for DataParallel enters it inside the model's forward.
  const forwardsSeen = runEvents.some((e) => e.kind === "forward");
  const p = eventsOfKind(facts, "precision").filter(
    (e) => (e.modelId === null || modelIds.includes(e.modelId)) && !(forwardsSeen && e.how === "autocast" && e.noGrad),
  );
  const last = p.at(-1);
  if (last)
    return {
      precision: last.precision,
      evidence: `precision ${last.precision}: ${last.how} (line ${line(last.range)})`,
    };
  return { precision: "fp32", evidence: null };
}

// Wrappers whose process count a launcher sets (torchrun --nproc_per_node, accelerate launch, the
// deepspeed launcher, which starts one process per visible GPU unless --num_gpus says otherwise).
const LAUNCHED =
  /DistributedDataParallel|Accelerator\(\)|^deepspeed\.initialize$|^TrainingArguments\((deepspeed|fsdp)=/;
// Strategies and flags that train on every GPU the process sees (frameworks/keras/runtime/distribute.ts,
// frameworks/lightning/trainer.ts): the count is the machine's, known only at launch.
// nn.DataParallel without (readable) device_ids replicates over every visible GPU (torch docs:
// device_ids defaults to all devices); with a literal list the count is known and no unknown is raised.
const ALL_VISIBLE = /MirroredStrategy\(\)|Trainer\((devices|gpus)=("auto"|-1)\)|^DataParallel$/;

/** Device the script names: any accelerator event wins over cpu (the `cuda if available else cpu` idiom). */
export function deviceOf(facts: ProgramFacts): { device: RunSpec["device"]; evidence: string | null } {
  const ev = eventsOfKind(facts, "device");
  if (ev.length === 0) return { device: null, evidence: null };
  const accel = ev.filter((e) => e.device !== "cpu");
  const pick = accel.length > 0 ? accel : ev;
  const counts = pick.map((e) => e.count).filter((c): c is number => c !== null && c > 0);
  const count = counts.length > 0 ? Math.max(...counts) : null;
  const kind = pick[0].device;
  const how = unique(pick.map((e) => e.how))
    .slice(0, 3)
    .join(", ");
  return { device: { id: null, count, kind }, evidence: `device ${kind}${count ? ` ×${count}` : ""}: ${how}` };
}

/**
 * A run under DDP or an Accelerator with no device count in the script: the launcher decides how
 * many processes (GPUs) train; under MirroredStrategy or Lightning's devices="auto" every visible
 * GPU does. Either way the count priced is a setting, and the run says how to state it.
 */
export function launcherCountUnknown(facts: ProgramFacts, spec: RunSpec): void {
  if (spec.device?.count != null || spec.device?.kind !== "gpu") return;
  const device = (re: RegExp) => eventsOfKind(facts, "device").find((e) => re.test(e.how));
  const launched = device(LAUNCHED);
  const visible = launched ? undefined : device(ALL_VISIBLE);
  const ev = launched ?? visible;
  if (!ev) return;
  const decided = launched
    ? "is set by the launcher (torchrun --nproc_per_node, accelerate launch, deepspeed --num_gpus)"
    : "is decided at launch (all GPUs the machine makes visible)";
  spec.unknowns.push({
    message: `${ev.how} (line ${line(ev.range)}): the number of GPUs ${decided}, not the script; priced on footprint.deviceCount`,
    range: ev.range,
    hint: launched
      ? "add `# footprint: device a100 x4` (the accelerator and how many the launcher starts)"
      : "add `# footprint: device a100 x4` (the accelerator and how many are visible) or set footprint.deviceCount",
  });
}

/** Directives override the script: samples, epochs, device (id and count). */
export function applyDirectives(spec: RunSpec, d: Directives): void {
  if (d.samples) {
    spec.trainSamples = d.samples.value;
    spec.evidence.push(
      `${thousands(d.samples.value)} training samples from the # footprint: samples directive (line ${d.samples.line + 1})`,
    );
    spec.unknowns = spec.unknowns.filter((u) => !u.hint?.includes("samples"));
    if (spec.maxSteps !== null && spec.batchSize === null) {
      // A step loop without a loader: the directive states the samples the whole loop sees.
      spec.evidence.push(
        `${thousands(spec.maxSteps)} steps with an unknown batch: the directive's samples are taken as all samples seen`,
      );
      spec.maxSteps = null;
      spec.epochs = spec.epochs ?? 1;
    }
  }
  if (d.epochs) {
    spec.epochs = d.epochs.value;
    spec.maxSteps = null;
    spec.evidence.push(`epochs ${d.epochs.value} from the # footprint: epochs directive (line ${d.epochs.line + 1})`);
    spec.unknowns = spec.unknowns.filter((u) => !u.hint?.includes("epochs"));
  }
  if (d.params) {
    // The directive states the whole model's size; a frozen share the code found is kept.
    const frozen = spec.params !== null && spec.trainableParams !== null ? spec.params - spec.trainableParams : 0;
    spec.params = d.params.value;
    spec.trainableParams = Math.max(0, d.params.value - frozen);
    spec.evidence.push(
      `${thousands(d.params.value)} parameters from the # footprint: params directive (line ${d.params.line + 1})`,
    );
  }
  if (d.flops) {
    spec.forwardFlops = d.flops.value;
    // The directive states the whole forward cost per sample.
    delete spec.perCallFlops;
    spec.evidence.push(
      `${thousands(d.flops.value)} forward FLOPs per sample from the # footprint: flops directive (line ${d.flops.line + 1})`,
    );
  }
  if (d.device) {
    const known = findDevice(d.device.id);
    spec.device = {
      id: d.device.id,
      count: d.device.count,
      kind: known?.kind === "edge" || !known ? "gpu" : known.kind,
    };
    spec.evidence.push(
      `device ${d.device.id} ×${d.device.count} from the # footprint: device directive (line ${d.device.line + 1})`,
    );
    spec.unknowns = spec.unknowns.filter((u) => !u.hint?.includes("footprint: device"));
  }
}

/**
 * Unknowns with the directive that fills each gap, for whatever a run still lacks. `models` lets a
 * missing input shape be asked for in the model's own terms (tokens for a language model, not an
 * image size), the hint its FP100 already gives.
 */
export function gapUnknowns(spec: RunSpec, models: readonly ModelCost[] = []): void {
  const add = (message: string, hint: string) => {
    if (!spec.unknowns.some((u) => u.hint === hint)) spec.unknowns.push({ message, range: spec.range, hint });
  };
  if (spec.trainSamples === null && spec.maxSteps !== null && spec.batchSize === null)
    add(
      `${thousands(spec.maxSteps)} steps, but the batch size is unknown`,
      "add `# footprint: samples N` (all samples the loop sees: steps × batch size)",
    );
  else if (
    spec.trainSamples === null &&
    !(spec.maxSteps !== null && spec.batchSize !== null) &&
    // A more specific unknown (an endless dataset) already asks for the samples directive.
    !spec.unknowns.some((u) => u.hint?.includes("footprint: samples"))
  )
    add("training samples per epoch are unknown", "add `# footprint: samples 50000`");
  if (spec.epochs === null && spec.maxSteps === null && spec.maxTimeHours == null)
    add("the number of epochs is unknown", "add `# footprint: epochs 90`");
  // Priced samples with no batch: the FLOPs hold, but the per-step floor (dispatch and loading per
  // step, docs/MODEL.md §3) needs the step count, so the time is only the compute-bound low end.
  // Samples a directive states stand for the whole run, which no script batch describes.
  if (
    spec.batchSize === null &&
    spec.trainSamples !== null &&
    !spec.evidence.some((e) => e.includes("# footprint: samples directive")) &&
    !spec.unknowns.some((u) => /batch.size/.test(u.message))
  )
    add(
      "the batch size is unknown: the time leaves out the per-step overhead, so it is a lower bound",
      "give the DataLoader a batch_size the script states (a literal, a constant or an argparse default)",
    );
  if (spec.forwardFlops === null && !(spec.tokensPerSample && spec.params)) {
    if (spec.params === null)
      // No sized model: an input shape cannot help; the size (or the forward cost) itself can.
      add(
        spec.model
          ? `the size of ${spec.model} is unknown, so its forward FLOPs are too`
          : "no sized model was found for this run",
        spec.tokensPerSample
          ? "add `# footprint: params 110M` (priced as 6 × params × tokens) or `# footprint: flops 2.2G` (forward FLOPs per sample)"
          : "add `# footprint: flops 2.2G` (forward FLOPs per sample) or `# footprint: params 110M` with a tokenized dataset",
      );
    else {
      const model = spec.model === null ? undefined : models.find((m) => m.name === spec.model);
      // An input reached the model but its trace could not finish: the model's own note says why.
      const traced = model?.inputShape
        ? model.unknowns.find((u) => u.message.startsWith("forward FLOPs unknown"))
        : undefined;
      // A layer whose size only the user can state (a TF-Hub module): its directive hint, not an input shape.
      const stated = model?.unknowns.find((u) => /`# footprint: (params|flops) N`/.test(u.hint ?? ""));
      if (traced) add(`${spec.model}: ${traced.message}`, traced.hint ?? traced.message);
      else if (stated) add(`${spec.model}: ${stated.message}`, stated.hint!);
      else
        add(
          spec.model
            ? `forward FLOPs of ${spec.model} are unknown (no input shape reached it)`
            : "no model forward was found in the training loop",
          inputHintOf(model) ?? "add `# footprint: input 3x224x224` (the per-sample input shape)",
        );
    }
  }
}

/** The input-shape hint the run's model already carries (built from its first layer), if any. */
function inputHintOf(model: ModelCost | undefined): string | null {
  return model?.unknowns.find((u) => /^add `# footprint: (input|flops)/.test(u.hint ?? ""))?.hint ?? null;
}

export function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
