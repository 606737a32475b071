// Autograd wrappers around a forward: torch.utils.checkpoint's checkpoint(fn, *args) runs fn now
// (its MACs are the forward's) and again during backward, so training pays that forward twice (the
// cost trace counts them in Interp.recomputeMacs; a run adds them once more, run/runFacts.ts); a
// custom torch.autograd.Function's apply(*args) is its forward(ctx, *args).
import type { Node } from "web-tree-sitter";
import { callValue } from "../../evaluate/calls/call";
import { instantiate, lookupClassAttr, makeClass } from "../../evaluate/classes";
import type { Interp } from "../../evaluate/interp";
import { iterate } from "../../evaluate/iteration";
import { asInt, type ClassV, type Kw, type NativeFn, NONE, unknown, type Value } from "../../evaluate/values";

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

/**
 * torch.autograd.Function: `GradReverse.apply(x, alpha)` runs the subclass's static
 * forward(ctx, x, alpha) with a plain ctx object (attributes set on it are kept; save_for_backward
 * and the like are not modelled and return unknowns nobody reads). Before, apply was unknown and
 * every layer after a gradient-reversal layer lost its input shape.
 */
export function autogradFunctionClass(): ClassV {
  const ctxClass = makeClass("FunctionCtx", [], new Map());
  const apply: Value = {
    k: "builtin",
    name: "Function.apply",
    classmethod: true,
    fn: (ip, [cls, ...args], kw, node) => {
      const fwd = cls?.k === "class" ? lookupClassAttr(cls, "forward") : undefined;
      if (!fwd) return unknown("autograd.Function without a forward", node);
      const ctx = instantiate(ip, ctxClass, [], new Map(), node);
      return callValue(ip, fwd, [ctx, ...args], kw, node);
    },
  };
  return makeClass("Function", [], new Map([["apply", apply]]), { qualname: "torch.autograd.Function" });
}
