// Forward-only calls of a trained model outside its training step, priced from the loops around
// them: PPO's rollout (the policy on `num_envs` observations every environment step, then K
// epochs of updates), a DQN agent acting on one observation per step, nanoGPT's estimate_loss
// (`eval_iters` batches per split every `eval_interval` iterations). Each call site runs as many
// times as the loops around it iterate, counted like the training step's own guards.
import type { Tree } from "web-tree-sitter";
import type { ProgramFacts } from "../evaluate";
import type { LoopFrame, TraceEvent } from "../evaluate/trace";
import { thousands } from "../format";
import { rangeKey } from "../parse/nodes";
import type { RunSpec } from "../types";
import { line } from "./runFacts";
import { counterGuard } from "./counterGuard";
import { guardedSteps } from "./stepGuard";
import { inStepOnBatch } from "./stepForwards";
import { eventsInLoop } from "./traceIndex";
import { innerLoaderLoop } from "./stepEvals";

type Forward = Extract<TraceEvent, { kind: "forward" }>;

/** What one loop contributes to a call site's count: a factor, or why it cannot be read. */
type Factor = { n: number; text: string; levels: number } | { unread: string };

export interface ForwardOnlyContext {
  facts: ProgramFacts;
  tree: Tree | null | undefined;
  /** The outermost loop of the training's loop stack: call sites are looked for inside it. */
  root: LoopFrame;
  batchLoop: LoopFrame;
  /** Loops the run already prices as repeats (`trials`): a call counts per iteration of them. */
  trialLoops: LoopFrame[];
  trained: number[];
  /** The step's forwards (with grad: the traced calls and their batches). */
  stepForwards: Forward[];
  inPass: (e: TraceEvent) => boolean;
  iterText: (l: LoopFrame) => string;
}

/**
 * Sets `spec.forwardOnly` from the no-grad calls of trained models in the run's loops but not in
 * its step on the training batch (addNoGradCalls prices those) nor in a loader loop (evaluation
 * passes, priced by samples). A site is priced when its loops' counts and its batch are known: the
 * input must be the traced per-sample shape with one batch dimension in front. The others are
 * said as an unknown, as before this was priced.
 */
export function priceForwardOnly(ctx: ForwardOnlyContext, spec: RunSpec): void {
  const { facts, batchLoop } = ctx;
  const events = eventsInLoop(facts, ctx.root);
  const seen = new Set<string>();
  const unpriced = new Set<number>();
  let flops = 0;
  let calls = 0;
  let samples = 0;
  for (const e of events) {
    if (e.kind !== "forward" || !e.noGrad || !ctx.trained.includes(e.modelId) || !ctx.inPass(e)) continue;
    // An evaluation loop over a loader nested in the step is priced by stepEvals.ts.
    if (innerLoaderLoop(e, batchLoop)) continue;
    const inStep = e.loops.includes(batchLoop);
    if (inStepOnBatch(ctx.tree, e, batchLoop, ctx.stepForwards)) continue;
    if (!inStep && e.loops.some((l) => l.over === "loader")) continue;
    const key = rangeKey(e.range);
    if (seen.has(key)) continue;
    seen.add(key);
    const site = priceSite(ctx, e);
    if ("unread" in site) {
      unpriced.add(line(e.range));
      continue;
    }
    flops += site.flops;
    calls += site.calls;
    samples += site.calls * site.batch;
    spec.evidence.push(site.evidence);
  }
  if (calls > 0) spec.forwardOnly = { flops, calls, samples };
  if (unpriced.size === 0) return;
  spec.unknowns.push({
    message: `the trained model also runs forward-only outside the training step, not over a loader (line ${[...unpriced].join(", ")}: sampling, periodic evaluation, collecting rollouts), where the calls or their batch cannot be counted: those forwards are not priced`,
    range: ctx.root.range,
  });
}

function priceSite(
  ctx: ForwardOnlyContext,
  e: Forward,
): { flops: number; calls: number; batch: number; evidence: string } | { unread: string } {
  const m = ctx.facts.models.find((x) => x.id === e.modelId);
  if (!m || m.forwardFlops === null || !m.inputShape) return { unread: "model forward unknown" };
  const per = m.inputShape;
  const shape = e.inputShape;
  // One batch dimension in front of the traced per-sample shape; anything else (a growing
  // context in generate(), an unbatched observation) is not what the forward FLOPs describe.
  if (!shape || shape.length !== per.length + 1 || !per.every((d, i) => d === shape[i + 1]) || !(shape[0] > 0))
    return { unread: "input shape" };
  const batch = shape[0];
  let n = 1;
  const how: string[] = [];
  // Innermost out: a counter guard (`if total_steps > warmup:`) may count several levels at once.
  for (let i = e.loops.length - 1; i >= 0; ) {
    const f = loopFactor(ctx, e.loops, i, e);
    if ("unread" in f) return f;
    n *= f.n;
    if (f.text) how.push(f.text);
    i -= f.levels;
  }
  const calls = Math.round(n);
  const traced = ctx.stepForwards.find((t) => t.modelId === e.modelId)?.method;
  // A method other than the traced one (`get_value` next to `get_action_and_value`) may run only
  // part of the model: priced at the whole forward, an upper bound, and said.
  const part =
    e.method !== traced ? ` (\`${e.method ?? "forward"}\` priced at the traced forward, an upper bound)` : "";
  const flops = calls * (batch * m.forwardFlops + (m.perCallFlops ?? 0));
  const evidence = `model ${m.name} runs forward-only at line ${line(e.range)}: ${thousands(calls)} calls × batch ${batch}${how.length ? ` (${how.join(" × ")})` : ""}${ctx.trialLoops.length ? " per run" : ""}, counted at 1× forward${part}`;
  return { flops, calls, batch, evidence };
}

/**
 * Iterations of loop `loops[i]` in which the call at e runs: a loop the run repeats as trials counts
 * once (or the share its guard keeps), any other its trip count, or the iterations its `if` on the
 * loop variable keeps (`if it % eval_interval == 0:`, stepGuard.ts) or on a counter the loop
 * advances (counterGuard.ts, which may count the loops around it too: `levels`).
 */
function loopFactor(ctx: ForwardOnlyContext, loops: LoopFrame[], i: number, e: Forward): Factor {
  const l = loops[i];
  const trial = ctx.trialLoops.includes(l);
  if (l.iteration !== undefined) return { n: 1, text: "", levels: 1 };
  if (l.tripCount === null)
    return trial ? { n: 1, text: "", levels: 1 } : { unread: `${ctx.iterText(l)} has no known length` };
  const g = guardedSteps(ctx.tree, l, e) ?? counterGuard(ctx.tree, loops, i, e);
  if (g && "unread" in g) return { unread: g.unread };
  const levels: number = g && "levels" in g ? (g.levels as number) : 1;
  // A count that runs through trial loops too would be repeated by the trials: not read here.
  if (levels > 1 && loops.slice(i - levels + 1, i + 1).some((x) => ctx.trialLoops.includes(x)))
    return { unread: g ? g.text : "" };
  if (trial) return g ? { n: g.steps / l.tripCount, text: `\`${g.text}\``, levels } : { n: 1, text: "", levels };
  if (g) return { n: g.steps, text: `${ctx.iterText(l)} under \`${g.text}\`: ${thousands(g.steps)}`, levels };
  return { n: l.tripCount, text: `${ctx.iterText(l)}: ${thousands(l.tripCount)}`, levels };
}
