// PyTorch training loops from the trace: a backward inside a batch loop is a run; the loop
// around it gives epochs, loops further out multiply it (sweeps, folds), the loader gives samples
// and batch size, and no-grad forwards in the same epoch loop give the evaluation passes.
import type { Tree } from "web-tree-sitter";
import type { ProgramFacts } from "../evaluate";
import type { LoopFrame, TraceEvent } from "../evaluate/trace";
import type { ModelCost, Range, RunSpec } from "../types";
import { costedModel, deviceOf, describeModels, launcherCountUnknown, line, precisionOf, unique } from "./runFacts";
import { callsPerStep } from "./callSites";
import { evalCallFlops } from "./evalForward";
import { accumulationSteps, epochGuard, loopBreakLine, loopIterableText, stepCallRanges } from "./sourceLookup";
import { freshStartEpochs } from "./resumeStart";
import { applyBudget, stepBudget, whileStepBudget } from "./stepBudget";
import { guardedSteps } from "./stepGuard";
import { loaderEpoch } from "./loaderEpoch";
import { type EvalSite, innerLoaderLoop, inStepEvaluations, partialEpochRule } from "./stepEvals";
import { counterGuard, stepLoopCount } from "./counterGuard";
import { addNoGradCalls, batchFromForwards, widerForwardBatch } from "./stepForwards";
import { priceForwardOnly } from "./forwardOnly";
import { thousands } from "../format";
import { eventsInLoop, eventsOfKind } from "./traceIndex";
import { rangeKey } from "../parse/nodes";

// Compared field by field: building two key strings per loop of every trace event made this
// filter quadratic in allocations on long scripts (2–4% of analysis in a --cpu-prof of the bench).
const sameLoop = (a: LoopFrame, b: LoopFrame) =>
  a === b ||
  (a.range.start.line === b.range.start.line &&
    a.range.start.character === b.range.start.character &&
    a.range.end.line === b.range.end.line &&
    a.range.end.character === b.range.end.character);

/** Index of the batch loop in a loop stack: the innermost loop over a loader, else the innermost loop. */
function batchLoopIndex(loops: LoopFrame[]): number {
  for (let i = loops.length - 1; i >= 0; i--) if (loops[i].over === "loader") return i;
  return loops.length - 1;
}

export function torchLoopRuns(facts: ProgramFacts, tree: Tree | null | undefined): RunSpec[] {
  const backwards = facts.trace.filter((e) => e.kind === "backward" && e.loops.length > 0);
  // One run per batch loop: several backward calls in one loop (a GAN's two losses) are one run.
  // A loop traced pass by pass (models or phases in turn) makes one group per pass.
  const groups = new Map<string, TraceEvent[]>();
  for (const b of backwards) {
    const bl = b.loops[batchLoopIndex(b.loops)];
    const k = `${rangeKey(bl.range)}${passKey(b.loops)}`;
    groups.set(k, [...(groups.get(k) ?? []), b]);
  }
  // Passes that train the same thing the same way (a learning-rate sweep, k folds whose sizes
  // differ by a sample) are one run repeated.
  const merged: Array<{ k: string; events: TraceEvent[]; spec: RunSpec; passes: number }> = [];
  for (const events of groups.values()) {
    const spec = loopRun(facts, tree, events);
    const bl = events[0].loops[batchLoopIndex(events[0].loops)];
    const k = `${rangeKey(bl.range)} ${signature(spec)}`;
    const seen = merged.find(
      (m) => m.k === k && close(m.spec.trainSamples, spec.trainSamples) && close(m.spec.valSamples, spec.valSamples),
    );
    if (seen) seen.passes++;
    else merged.push({ k, events, spec, passes: 1 });
  }
  return merged.map((m) => (m.passes > 1 ? loopRun(facts, tree, m.events, m.passes) : m.spec));
}

const trainedAreKeras = (facts: ProgramFacts, ids: number[]) =>
  ids.length > 0 && ids.every((id) => facts.models.find((m) => m.id === id)?.framework === "keras");

/**
 * Sample counts that price the same: sklearn's KFold gives the first n % k folds one sample more,
 * a difference far below the run's other uncertainties (MFU alone spans 2×, docs/MODEL.md §3).
 */
const SAME_SAMPLES = 1e-3;
const close = (a: number | null, b: number | null) =>
  a === b || (a !== null && b !== null && Math.abs(a - b) <= SAME_SAMPLES * Math.max(a, b));

const passKey = (loops: LoopFrame[]) =>
  loops.map((l) => (l.iteration === undefined ? "" : ` ${rangeKey(l.range)}#${l.iteration}`)).join("");

/** What makes two passes' runs the same run: everything priced but the samples (`close`), not where or why. */
const signature = (s: RunSpec) =>
  JSON.stringify([
    s.model,
    s.epochs,
    s.maxSteps,
    s.batchSize,
    s.gradientAccumulation,
    s.tokensPerSample,
    s.precision,
    s.device,
    s.trials,
    s.forwardFlops,
    s.params,
    s.trainableParams,
    s.maxTimeHours ?? null,
  ]);

/**
 * The run of one group of backwards. `repeats` > 1: identical passes of the traced list loops
 * around it, priced as that many runs of this one.
 */
function loopRun(facts: ProgramFacts, tree: Tree | null | undefined, backwards: TraceEvent[], repeats = 1): RunSpec {
  const loops = backwards[0].loops;
  // The passes of traced list loops this run belongs to: its events are those inside them.
  const pinned = loops.filter((l) => l.iteration !== undefined);
  const inPass = (e: TraceEvent) => pinned.every((p) => e.loops.includes(p));
  const bi = batchLoopIndex(loops);
  const batchLoop = loops[bi];
  // The epoch loop is the nearest enclosing non-list loop: a list loop in between is a phase loop
  // (`for phase in ["train", "val"]`), which does not repeat the training; loops outside repeat it.
  let ei = bi - 1;
  while (ei >= 0 && loops[ei].over === "list") ei--;
  const epochLoop = ei >= 0 ? loops[ei] : null;
  const outer = ei >= 0 ? loops.slice(0, ei) : loops.slice(0, bi);
  const evidence: string[] = [];
  const spec: RunSpec = {
    model: null,
    range: (epochLoop ?? batchLoop).range,
    framework: "pytorch",
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
    forwardFlops: null,
    params: null,
    trainableParams: null,
    evidence,
    unknowns: [],
  };
  // Loops around the epoch loop whose iterations a step counter's guard already counted.
  const counted = new Set<LoopFrame>();
  const iterText = (l: LoopFrame) => {
    const t = loopIterableText(tree, l);
    return t ? `\`for ${l.target} in ${t}\`` : l.target ? `the loop over ${l.target}` : "the `while` loop";
  };

  // Samples and batch size: from the loader the batch loop iterates over, or draws from with next().
  if (batchLoop.loader) {
    const ld = batchLoop.loader;
    const via = batchLoop.over === "loader" ? "" : " behind next()";
    spec.batchSize = ld.batchSize;
    // A tf.data pipeline has no DataLoader workers to set (FP170's fix does not apply); its loading
    // is priced like Keras fit's, over the default range.
    if (ld.kind !== "tf.data") {
      // PyTorch's DataLoader default is num_workers=0: batches load in the training process. An
      // unresolved count is priced the same way: loading's range already starts at fully overlapped.
      spec.loaderWorkers = ld.numWorkers ?? 0;
      spec.trainLoader = ld.range;
      if (ld.numWorkers === 0) evidence.push("num_workers 0: batches load in the training process");
      else if (ld.numWorkers === null)
        evidence.push("num_workers not resolved: loading priced from overlapped to in-process");
    }
    const ds = ld.dataset;
    // A step loop's size is its steps, not its loader's epoch: samples only for a loop over the loader.
    const perEpoch = batchLoop.over === "loader";
    if (perEpoch && ds?.samples != null) {
      spec.trainSamples = ds.samples;
      const what = ld.samplesHow ?? `${ds.name ?? "dataset"}${ds.split ? ` ${ds.split}` : ""}`;
      evidence.push(`${thousands(ds.samples)} samples: ${what} (line ${line(ld.range)})`);
      loaderEpoch(spec, ld, ds.samples);
    } else if (perEpoch && batchLoop.tripCount !== null && ld.batchSize !== null) {
      spec.trainSamples = batchLoop.tripCount * ld.batchSize;
      evidence.push(`${thousands(spec.trainSamples)} samples: ${batchLoop.tripCount} batches × ${ld.batchSize}`);
    }
    if (ld.batchSize !== null)
      evidence.push(
        `batch size ${ld.batchSize}${ld.dropLast ? " (drop_last)" : ""} from the ${ld.kind === "tf.data" ? "tf.data pipeline's .batch()" : "DataLoader"}${via} (line ${line(ld.range)})`,
      );
    if (ds?.tokensPerSample) {
      spec.tokensPerSample = ds.tokensPerSample;
      evidence.push(`${ds.tokensPerSample} tokens per sample (max_length / block_size)`);
    }
  }
  if (batchLoop.over === "range" && batchLoop.tripCount !== null) {
    // A step loop without a loader (`for step in range(max_iters)`): steps are known, samples are not.
    // When the optimizer steps after it, in the loop around (nanoGPT's `for micro_step in
    // range(gradient_accumulation_steps)`), it is an accumulation loop: that loop counts the steps.
    const stepsOutside =
      epochLoop !== null &&
      epochLoop.tripCount !== null &&
      !eventsInLoop(facts, batchLoop).some((e) => e.kind === "optimizerStep" && inPass(e)) &&
      eventsInLoop(facts, epochLoop).some((e) => e.kind === "optimizerStep" && inPass(e));
    if (stepsOutside && epochLoop?.tripCount != null) {
      spec.maxSteps = epochLoop.tripCount;
      spec.gradientAccumulation = batchLoop.tripCount;
      evidence.push(
        `${thousands(spec.maxSteps)} optimizer steps: ${iterText(epochLoop)}, each after ${batchLoop.tripCount} accumulated micro-batches (${iterText(batchLoop)})`,
      );
    } else {
      // An RL loop steps its environment every iteration and updates under a condition on the
      // step (`if step >= learning_starts and step % train_freq == 0:`): only those iterations train.
      // A guard on the loop variable or on a counter the loop advances (`global_step += 1`), around
      // the backward or the call that runs it, at the step loop and at the epoch loop.
      const count = stepLoopCount(tree, loops, bi, ei, backwards[0], iterText, guardedSteps);
      for (const l of count.counted) counted.add(l);
      spec.maxSteps = count.steps;
      evidence.push(`${thousands(spec.maxSteps)} optimizer steps: ${count.parts.join(" × ")}`);
      const stop = loopBreakLine(tree, batchLoop);
      if (stop !== null)
        evidence.push(
          `a break out of ${iterText(batchLoop)} (line ${stop}, an episode's end): the step count is an upper bound`,
        );
      if (count.unread)
        spec.unknowns.push({
          message: `the backward runs under \`${count.unread}\`, which this analysis cannot count: priced as every iteration of ${iterText(batchLoop)} (an upper bound)`,
          range: batchLoop.range,
          hint: "add `# footprint: samples N` (all samples the updates see: updates × batch size)",
        });
    }
  }

  // `for step in range(steps_per_epoch)` whose length the launcher sets (`len(ds) // (B * world_size)`):
  // the epochs are known, the samples each one draws are not.
  if (batchLoop.over === "unknown" && batchLoop.target && epochLoop?.tripCount != null) {
    spec.epochs = epochLoop.tripCount;
    evidence.push(`epochs ${epochLoop.tripCount} from ${iterText(epochLoop)} (line ${line(epochLoop.range)})`);
    spec.unknowns.push({
      message: `the batch loop ${iterText(batchLoop)} has no known length: the samples each epoch draws are unknown`,
      range: batchLoop.range,
      hint: "add `# footprint: samples 50000`",
    });
  }

  // Epochs: the loop around the batch loop (none: one pass). Loops further out repeat the whole run.
  if (batchLoop.over === "loader") {
    if (!epochLoop) {
      spec.epochs = 1;
      evidence.push("1 epoch: the batch loop is not inside another loop");
    } else if (epochLoop.tripCount !== null) {
      spec.epochs = epochLoop.tripCount;
      evidence.push(`epochs ${epochLoop.tripCount} from ${iterText(epochLoop)} (line ${line(epochLoop.range)})`);
      const stop = loopBreakLine(tree, epochLoop);
      if (stop !== null)
        evidence.push(
          `a break out of the epoch loop (line ${stop}, early stopping): the epoch count is an upper bound`,
        );
    } else {
      const fresh = freshStartEpochs(tree, epochLoop);
      if (fresh) {
        spec.epochs = fresh.epochs;
        evidence.push(
          `epochs ${fresh.epochs} from ${iterText(epochLoop)} started fresh (\`${fresh.start}\`, line ${fresh.line}); a run resumed from a checkpoint trains the rest of these epochs`,
        );
      } else
        spec.unknowns.push({
          message: `the epoch loop (${iterText(epochLoop)}) has no known trip count`,
          range: epochLoop.range,
          hint: "add `# footprint: epochs 90`",
        });
    }
  }
  const passes = outer.filter((o) => o.iteration !== undefined);
  if (repeats > 1) {
    spec.trials *= repeats;
    evidence.push(
      `×${repeats} runs: ${passes.map(iterText).join(" × ")} around the training loop (line ${line(passes[0].range)})`,
    );
  } else {
    // Named for rules that merge the passes' findings into one (rules/mergeFindings.ts).
    const items = passes.flatMap((o) => (o.item ? [o.item] : []));
    if (items.length) spec.pass = items.join(" × ");
    for (const o of passes)
      evidence.push(
        `${iterText(o)}, item ${(o.iteration ?? 0) + 1} of ${o.tripCount}${o.item ? ` (${o.item})` : ""}: its own run (line ${line(o.range)})`,
      );
  }
  for (const o of outer) {
    if (o.iteration !== undefined || counted.has(o)) continue;
    if (o.tripCount !== null && o.tripCount > 1) {
      spec.trials *= o.tripCount;
      evidence.push(`×${o.tripCount} runs: ${iterText(o)} around the training loop (line ${line(o.range)})`);
    } else if (o.tripCount === null)
      // A loop of unknown length around the whole training (folds, configs read from a file)
      // repeats it; pricing one run without saying so would hide the multiplier.
      spec.unknowns.push({
        message: `${iterText(o)} repeats the whole training an unknown number of times: priced as one run`,
        range: o.range,
      });
  }
  for (const s of eventsOfKind(facts, "sweep")) {
    if (s.trials !== null && s.trials > 1) {
      spec.trials *= s.trials;
      evidence.push(`×${s.trials} trials: ${s.how} (line ${line(s.range)})`);
    }
  }

  // The model(s): forwards inside this batch loop. Trained ones run with grad; no-grad ones are teachers.
  const inBatch = eventsInLoop(facts, batchLoop).filter(inPass);
  // Forwards in a loader loop nested in the batch loop are an evaluation pass (stepEvals.ts), not the step.
  const fwd = inBatch.filter(
    (e): e is Extract<TraceEvent, { kind: "forward" }> => e.kind === "forward" && !innerLoaderLoop(e, batchLoop),
  );
  const trained = fwd.filter((e) => !e.noGrad).map((e) => e.modelId);
  const teachers = fwd.filter((e) => e.noGrad).map((e) => e.modelId);
  const stepCalls = callsPerStep(tree, fwd);
  const models = describeModels(facts, trained, teachers, stepCalls);
  spec.model = models.name;
  // A GradientTape loop trains Keras models: TensorFlow's defaults (TF32 matmuls, FP110's policy fix) apply.
  if (models.name !== null && trainedAreKeras(facts, trained)) spec.framework = "keras";
  spec.forwardFlops = models.forwardFlops;
  if (models.perCallFlops) spec.perCallFlops = models.perCallFlops;
  spec.params = models.params;
  spec.trainableParams = models.trainableParams;
  spec.convFlopsShare = models.convFlopsShare;
  evidence.push(...models.evidence);
  addNoGradCalls(facts, tree, batchLoop, fwd, spec);
  priceForwardOnly(
    {
      facts,
      tree,
      root: loops[0],
      batchLoop,
      trialLoops: outer,
      trained: unique(trained),
      stepForwards: fwd.filter((e) => !e.noGrad),
      inPass,
      iterText,
    },
    spec,
  );

  // A step loop feeds tensors it makes itself (`x = torch.randn(64, 3, 32, 32)`, `get_batch()`):
  // the batch size is the leading dimension of what the trained model is called on.
  if (spec.batchSize === null && batchLoop.over !== "loader") {
    const batch = batchFromForwards(
      facts,
      fwd.filter((e) => !e.noGrad),
    );
    if (batch) {
      spec.batchSize = batch.size;
      evidence.push(`batch size ${batch.size}: the leading dimension of the model's input (line ${line(batch.range)})`);
    }
  }
  widerForwardBatch(facts, fwd, stepCalls, spec);

  // Evaluation: loader loops with forwards but no backward inside the same epoch loop iteration.
  const evalSites: EvalSite[] = [];
  if (epochLoop) {
    const evalFlops = {
      sum: 0,
      whole: models.wholeForwardFlops,
      known: true,
      trained: unique(trained)
        .map((id) => costedModel(facts, id))
        .filter((m): m is ModelCost => !!m),
    };
    spec.valSamples = evalSamples(
      facts,
      tree,
      epochLoop,
      batchLoop,
      evidence,
      spec.unknowns,
      inPass,
      evalSites,
      evalFlops,
    );
    const perSample = spec.valSamples && evalFlops.known ? evalFlops.sum / spec.valSamples : null;
    if (perSample !== null && spec.forwardFlops !== null && Math.abs(perSample - spec.forwardFlops) > 1e-6 * perSample)
      spec.evalForwardFlops = perSample;
  }
  // A phase loop (`for phase in ["train", "val"]`) re-runs this batch loop for its other items; the
  // interpreter traces the first (training) pass only, so the others are said, not priced.
  for (const p of epochLoop ? loops.slice(ei + 1, bi) : [])
    if (p.over === "list" && p.tripCount !== null && p.tripCount > 1)
      spec.unknowns.push({
        message: `${iterText(p)} runs this batch loop ${p.tripCount} times per epoch: only the training pass is priced, the other phases' (evaluation) passes are not`,
        range: p.range,
      });

  const pr = precisionOf(facts, [...backwards, ...fwd], unique(trained));
  spec.precision = pr.precision;
  if (pr.evidence) evidence.push(pr.evidence);
  const dv = deviceOf(facts);
  spec.device = dv.device;
  launcherCountUnknown(facts, spec);
  if (dv.evidence) evidence.push(dv.evidence);
  else
    evidence.push(
      "no device placement seen (.cuda(), .to(device)): as written it trains on the CPU; priced on the configured device",
    );

  const step = inBatch.find((e) => e.kind === "optimizerStep");
  // No step in the trace: the guard was false on the interpreter's one pass; read the source's.
  const stepRanges = step ? [step.range] : stepCallRanges(tree, batchLoop);
  let acc: { k: number; text: string } | null = null;
  let stepRange: Range | null = stepRanges[0] ?? null;
  for (const r of stepRanges) {
    acc = accumulationSteps(tree, r, batchLoop);
    if (acc) {
      stepRange = r;
      break;
    }
  }
  if (acc) {
    spec.gradientAccumulation = acc.k;
    evidence.push(`gradient accumulation ${acc.k}: optimizer.step() under \`${acc.text}\``);
    if (spec.maxSteps !== null) spec.maxSteps = Math.ceil(spec.maxSteps / acc.k);
  }
  // An evaluation pass in the step runs what it calls at that model's own forward, not the step's.
  const trainedCosts = unique(trained)
    .map((id) => costedModel(facts, id))
    .filter((m): m is ModelCost => !!m);
  inStepEvaluations(
    facts,
    tree,
    batchLoop,
    inPass,
    spec,
    (e) => (e.kind === "forward" ? evalCallFlops(facts, tree, e, trainedCosts, models.wholeForwardFlops).flops : null),
    !!epochLoop,
  );
  if (batchLoop.over === "loader") {
    const budget = stepBudget(tree, batchLoop, epochLoop, stepRange);
    if (budget) applyBudget(spec, budget);
    // A step budget may end the last epoch early: is that epoch's evaluation run? Read from the source.
    if (spec.maxSteps !== null && spec.valSamples && epochLoop) {
      const rule = partialEpochRule(tree, epochLoop, batchLoop, evalSites);
      if (rule) spec.epochEvalRule = rule;
      else
        evidence.push(
          "where the per-epoch evaluation sits relative to the step budget's stop is not read: its passes are spread in proportion to the epochs run",
        );
    }
  } else if (batchLoop.over === "unknown") {
    // `while step < max_steps:` drawing batches with next(): a step loop, as range(max_steps) is.
    const budget = whileStepBudget(tree, batchLoop, stepRange);
    if (budget && epochLoop && epochLoop.tripCount === null)
      spec.unknowns.push({
        message: `${iterText(epochLoop)} repeats the step loop an unknown number of times: priced once`,
        range: epochLoop.range,
      });
    // `while t < total_steps: t += 1` updating only `if t > learning_starts:`: the kept iterations.
    const guard = budget ? counterGuard(tree, loops, bi, backwards[0], budget.steps) : null;
    if (guard && "unread" in guard)
      spec.unknowns.push({
        message: `the backward runs under \`${guard.unread}\`, which this analysis cannot count: priced as every iteration of ${iterText(batchLoop)} (an upper bound)`,
        range: batchLoop.range,
      });
    const kept =
      budget && guard && "steps" in guard && guard.levels === 1
        ? {
            ...budget,
            steps: guard.steps,
            counts: "optimizer" as const,
            text: `${budget.text}\` under \`${guard.text}`,
          }
        : budget;
    if (kept) applyBudget(spec, { ...kept, steps: kept.steps * (epochLoop?.tripCount ?? 1) });
  }
  return spec;
}

function evalSamples(
  facts: ProgramFacts,
  tree: Tree | null | undefined,
  epochLoop: LoopFrame,
  batchLoop: LoopFrame,
  evidence: string[],
  unknowns: RunSpec["unknowns"],
  inPass: (e: TraceEvent) => boolean,
  sites: EvalSite[],
  /** Adds each pass's samples × the forward FLOPs of what it calls; `whole`: the trained models' own forward. */
  flops: { sum: number; whole: number | null; known: boolean; trained: ModelCost[] },
): number | null {
  const seen = new Set<string>();
  let total: number | null = null;
  const trains = (l: LoopFrame) => eventsOfKind(facts, "backward").some((b) => b.loops.includes(l));
  for (const e of eventsInLoop(facts, epochLoop)) {
    if (e.kind !== "forward" || !inPass(e)) continue;
    const i = e.loops.findIndex((l) => sameLoop(l, epochLoop));
    const inner = e.loops.slice(i + 1);
    const loop = [...inner].reverse().find((l) => l.over === "loader");
    // The training batch loop itself, unless this is another run of it that trains nothing: a
    // `run_epoch(model, test_loader)` call of the function that trains with `run_epoch(model,
    // train_loader, optimizer)` is an evaluation pass over its own loader.
    const isTraining = (l: LoopFrame) => l === batchLoop || (sameLoop(l, batchLoop) && trains(l));
    if (!loop || isTraining(loop) || inner.some(isTraining)) continue;
    const key = `${rangeKey(loop.range)} ${loop.loader ? rangeKey(loop.loader.range) : ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const ds = loop.loader?.dataset;
    const n =
      ds?.samples ??
      (loop.tripCount !== null && loop.loader?.batchSize ? loop.tripCount * loop.loader.batchSize : null);
    if (n === null) {
      // Said, not dropped in silence: the evaluation runs, only its size is not known.
      unknowns.push({
        message: `an evaluation pass over a loader of unknown size (line ${line(loop.range)}) is not priced`,
        range: loop.range,
        hint: "its dataset's length is read at run time",
      });
      continue;
    }
    const where = `${ds?.name ?? "loader"}${ds?.split ? ` ${ds.split}` : ""} (line ${line(loop.range)})${e.noGrad ? "" : " (runs without no_grad)"}`;
    // `if epoch % k == 0:` around it (or around the call of the function it runs in): 1/k per epoch.
    const every = epochGuard(
      tree,
      loop.range,
      epochLoop,
      e.frames.map((f) => f.name),
    );
    if (every && every.k === null) {
      unknowns.push({
        message: `the evaluation loop runs under \`${every.text}\` with a period that cannot be read: its passes are not priced`,
        range: loop.range,
      });
      continue;
    }
    const k = every?.k ?? 1;
    total = (total ?? 0) + n / k;
    sites.push({ range: loop.range, callees: e.frames.map((f) => f.name) });
    // The model the pass calls: a costed one at its own forward (a student alone, a GAN's generator);
    // a part of one (`model.student(x)`) at the whole trained forward, said (an upper bound).
    const f = evalCallFlops(facts, tree, e, flops.trained, flops.whole);
    if (f.flops === null) flops.known = false;
    else flops.sum += (n / k) * f.flops;
    if (f.how) evidence.push(f.how);
    evidence.push(
      k > 1
        ? `${thousands(n)} evaluation samples every ${k} epochs (\`${every?.text}\`): ${where}`
        : `${thousands(n)} evaluation samples per epoch: ${where}`,
    );
  }
  return total;
}
