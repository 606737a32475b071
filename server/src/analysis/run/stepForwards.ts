// What a training step's forwards say beyond which models train: the batch size of a step loop
// that makes its own batches, and a trained model's extra forward-only calls on the same batch.
import type { ProgramFacts } from "../evaluate";
import type { LoopFrame, TraceEvent } from "../evaluate/trace";
import { line } from "./runFacts";
import { innerLoaderLoop } from "./stepEvals";
import { eventsInLoop } from "./traceIndex";
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
  fwd: Array<Extract<TraceEvent, { kind: "forward" }>>,
  spec: RunSpec,
): void {
  const sites = new Map<number, Set<string>>();
  for (const e of fwd) {
    if (!e.noGrad) continue;
    const batches = fwd.filter((t) => !t.noGrad && t.modelId === e.modelId).map((t) => t.inputShape?.[0]);
    if (batches.length === 0 || e.inputShape?.[0] === undefined || !batches.includes(e.inputShape[0])) continue;
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
 * A trained model run forward-only inside the run's loops but outside its training step, and not
 * in an evaluation loop over a loader: PPO collecting rollouts (`agent.get_action_and_value(obs)`
 * on `num_envs` observations per environment step), an agent acting. Their batches are not the
 * training batch, so they are not priced; said here rather than left out in silence.
 */
export function unpricedOuterForwards(
  facts: ProgramFacts,
  outer: LoopFrame,
  batchLoop: LoopFrame,
  trained: number[],
  spec: RunSpec,
): void {
  const lines = new Set<number>();
  const events = eventsInLoop(facts, outer);
  // In the step on the training batch, addNoGradCalls priced them.
  const batches = events.flatMap((e) =>
    e.kind === "forward" && !e.noGrad && e.loops.includes(batchLoop) && e.inputShape ? [e.inputShape[0]] : [],
  );
  for (const e of events) {
    if (e.kind !== "forward" || !e.noGrad || !trained.includes(e.modelId)) continue;
    // An evaluation loop nested in the step is priced by stepEvals.ts.
    if (innerLoaderLoop(e, batchLoop)) continue;
    const inStep = e.loops.includes(batchLoop);
    if (inStep && e.inputShape && batches.includes(e.inputShape[0])) continue;
    if (!inStep && e.loops.some((l) => l.over === "loader")) continue;
    lines.add(line(e.range));
  }
  if (lines.size === 0) return;
  spec.unknowns.push({
    message: `the trained model also runs forward-only outside the training step, not over a loader (line ${[...lines].join(", ")}: sampling, periodic evaluation, collecting rollouts): those forwards are not priced`,
    range: outer.range,
  });
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
