// What a training step's forwards say beyond which models train: the batch size of a step loop
// that makes its own batches, and a trained model's extra forward-only calls on the same batch.
import type { ProgramFacts } from "../evaluate";
import type { Tree } from "web-tree-sitter";
import type { LoopFrame, TraceEvent } from "../evaluate/trace";
import { counterGuard } from "./counterGuard";
import { line } from "./runFacts";
import { guardedSteps } from "./stepGuard";
import { rangeKey } from "../parse/nodes";
import type { Range, RunSpec } from "../types";

/**
 * A trained model also run under no_grad in the step, on a batch as large as its trained one
 * (Double DQN's `q(next_obs).argmax(1)` for the target, SAC's actor on the next observations):
 * each such call site is one more forward per sample, at 1×. describeModels counts a model
 * once, as trained; before, these forwards were left out (a Double DQN update was 20% short).
 */
export function addNoGradCalls(
  facts: ProgramFacts,
  tree: Tree | null | undefined,
  batchLoop: LoopFrame,
  fwd: Array<Extract<TraceEvent, { kind: "forward" }>>,
  spec: RunSpec,
): void {
  const sites = new Map<number, Set<string>>();
  for (const e of fwd) {
    if (!inStepOnBatch(tree, e, batchLoop, fwd)) continue;
    sites.set(e.modelId, (sites.get(e.modelId) ?? new Set()).add(rangeKey(e.range)));
  }
  for (const [id, ranges] of sites) {
    const m = facts.models.find((x) => x.id === id);
    if (!m || m.forwardFlops === null || spec.forwardFlops === null) continue;
    spec.forwardFlops += (ranges.size * m.forwardFlops) / 3;
    spec.evidence.push(
      `model ${m.name} also runs forward-only under no_grad at ${ranges.size} place${ranges.size > 1 ? "s" : ""} in the step on the same batch (counted at 1× forward each)`,
    );
  }
}

/**
 * A no-grad forward that runs once per training step on the step's batch: in the batch loop itself
 * (not in a loop inside it, such as estimate_loss's `for k in range(eval_iters)`), under the guards
 * of a trained call of that model (not only `if it % eval_interval == 0:`), on as large a batch.
 * Others are priced by their own loop counts (forwardOnly.ts).
 */
export function inStepOnBatch(
  tree: Tree | null | undefined,
  e: Extract<TraceEvent, { kind: "forward" }>,
  batchLoop: LoopFrame,
  stepForwards: Array<Extract<TraceEvent, { kind: "forward" }>>,
): boolean {
  if (!e.noGrad || e.loops.at(-1) !== batchLoop || e.inputShape?.[0] === undefined) return false;
  // Under the same guard as the trained call (Double DQN's target inside an update that runs
  // `if step % train_freq == 0`): it runs exactly when the step does.
  const guard = (f: TraceEvent) =>
    JSON.stringify(guardedSteps(tree, batchLoop, f) ?? counterGuard(tree, f.loops, f.loops.length - 1, f));
  const g = guard(e);
  return stepForwards.some(
    (t) =>
      !t.noGrad &&
      t.modelId === e.modelId &&
      t.inputShape?.[0] === e.inputShape?.[0] &&
      t.loops.at(-1) === batchLoop &&
      guard(t) === g,
  );
}

/**
 * The batch size of forwards whose input is one dimension more than the model's per-sample input
 * shape, with the same trailing dimensions; null when forwards disagree or say nothing.
 */
export function batchFromForwards(
  facts: ProgramFacts,
  forwards: Array<Extract<TraceEvent, { kind: "forward" }>>,
): { size: number; range: Range } | null {
  let found: { size: number; range: Range } | null = null;
  for (const e of forwards) {
    const perSample = facts.models.find((m) => m.id === e.modelId)?.inputShape;
    const shape = e.inputShape;
    if (!perSample || !shape || shape.length !== perSample.length + 1) continue;
    if (!perSample.every((d, i) => d === shape[i + 1]) || !(shape[0] > 0)) continue;
    if (found && found.size !== shape[0]) return null;
    found ??= { size: shape[0], range: e.range };
  }
  return found;
}

/**
 * A trained model called once per step on more rows than the loader's batch (FixMatch's
 * `model(torch.cat([x_l, x_weak, x_strong]))`, ten crops folded into the batch): each batch drawn
 * costs that many rows' forward and backward. The per-sample forward is scaled by rows / batch;
 * before, a FixMatch step was priced at its 64 labelled images instead of the 960 the model ran.
 */
export function widerForwardBatch(
  facts: ProgramFacts,
  fwd: Array<Extract<TraceEvent, { kind: "forward" }>>,
  calls: ReadonlyMap<number, number[]>,
  spec: RunSpec,
): void {
  const trained = fwd.filter((e) => !e.noGrad);
  const ids = new Set(trained.map((e) => e.modelId));
  if (ids.size !== 1 || spec.batchSize === null || spec.forwardFlops === null) return;
  if ((calls.get([...ids][0])?.length ?? 1) > 1) return;
  const rows = batchFromForwards(facts, trained);
  if (!rows || rows.size <= spec.batchSize) return;
  const ratio = rows.size / spec.batchSize;
  spec.forwardFlops *= ratio;
  spec.evidence.push(
    `the model runs on ${rows.size} rows per step (line ${line(rows.range)}), ${ratio.toFixed(2)}× the loader's batch of ${spec.batchSize}: each sample drawn costs ${ratio.toFixed(2)} forwards`,
  );
}
