// torch.utils.checkpoint: checkpoint(fn, *args) runs fn now (its MACs are the forward's) and again
// during backward, so training pays that forward twice. The cost trace counts the MACs run inside
// as recomputed (Interp.recomputeMacs); a run adds them once more per sample (run/runFacts.ts).
import type { Node } from "web-tree-sitter";
import { callValue } from "../../evaluate/calls/call";
import type { Interp } from "../../evaluate/interp";
import { iterate } from "../../evaluate/iteration";
import { asInt, type Kw, type NativeFn, NONE, unknown, type Value } from "../../evaluate/values";

/** checkpoint()'s own keywords (torch 1.13–2.x); any other keyword goes to the function. */
const OWN_KW = new Set(["use_reentrant", "preserve_rng_state", "context_fn", "determinism_check", "debug"]);

function recomputed<T>(ip: Interp, run: () => T): T {
  ip.checkpointDepth++;
  try {
    return run();
  } finally {
    ip.checkpointDepth--;
  }
}

export const checkpoint: NativeFn = (ip, [fn, ...args], kw, node) => {
  if (!fn) return unknown("checkpoint() without a function", node);
  const rest: Kw = new Map([...kw].filter(([k]) => !OWN_KW.has(k)));
  return recomputed(ip, () => callValue(ip, fn, args, rest, node));
};

/**
 * checkpoint_sequential(functions, segments, input): the modules run in order; torch checkpoints
 * every segment but the last (torch/utils/checkpoint.py: the last segment runs normally).
 */
export const checkpointSequential: NativeFn = (ip, [functions, segmentsArg, input], kw, node) => {
  const fns = functions ? iterate(ip, functions, node) : null;
  const segments = asInt(kw.get("segments") ?? segmentsArg);
  let x: Value = kw.get("input") ?? input ?? NONE;
  if (!fns || !segments || segments < 1) return unknown("checkpoint_sequential over unknown modules", node);
  const size = Math.floor(fns.length / segments);
  const lastStart = size * (segments - 1);
  fns.forEach((f, i) => {
    const call = () => callValue(ip, f, [x], new Map(), node as Node | null);
    x = i < lastStart ? recomputed(ip, call) : call();
  });
  return x;
};
