// Early returns under conditions the analysis cannot decide. `if cfg.small: return SmallNet()` followed by
// `return BigNet()` has two outcomes: the returning path's value and whatever the rest of the function gives.
// Following only the returning path would skip the rest (its layers, its training loop) and report the first
// value as if it were certain, so the return is parked on the frame, the rest of the function runs as the other
// path, and when the function ends the parked values and the final one are merged like an undecided if/else's
// (undecided.ts: modules flagged approximate naming both, numbers and strings unknown).
import type { Node } from "web-tree-sitter";
import type { Interp } from "./interp";
import { undecidedChoice } from "./undecided";
import { type FuncV, unknown, type Value } from "./values";

/** A value returned on one path of an undecided `if` while the other path went on. */
export interface PendingReturn {
  cond: Node;
  value: Value;
  /** True when the returning path is the condition's true one (the `if` body), false for its `else`. */
  onTrue: boolean;
}

/** What a block of statements left for its caller: the returned value, and returns parked on the way. */
export interface ReturnState {
  ret: Value;
  pending?: PendingReturn[];
}

/**
 * Parks a return taken on one path of an undecided `if`; the block goes on as the other path. In a model's
 * cost trace both paths' MACs are then counted, which the model says (an upper bound on either path).
 */
export function parkReturn(ip: Interp, frame: ReturnState, cond: Node, value: Value, onTrue: boolean): void {
  (frame.pending ??= []).push({ cond, value, onTrue });
  const call = ip.funcStack[ip.funcStack.length - 1];
  if (call) call.parked = true;
  if (ip.forwardStats) {
    const line = ip.rangeOf(cond).start.line + 1;
    ip.note(
      `forward FLOPs count both outcomes of the early return on line ${line}, whose condition the analysis could not decide (an upper bound on either)`,
      cond,
    );
  }
}

const cutRecursions = new WeakSet<object>();

/**
 * `def make(n): if n == 0: return []` / `return [Block()] + make(n - 1)` with n unknown: past an undecided
 * base case the recursion has no known end, so a call of a function that is already running with a parked
 * return gives an unknown, and the outer call's value is that unknown (not the base case's value).
 */
export function cutRecursion(ip: Interp, f: FuncV, node: Node | null): Value | null {
  if (!ip.funcStack.some((c) => c.f === f && c.parked)) return null;
  const message = `${f.name}() calls itself to a depth that depends on a condition the analysis could not decide`;
  ip.note(message, node);
  const v = unknown(message, node);
  cutRecursions.add(v);
  return v;
}

/** Moves a branch frame's parked returns to the enclosing frame (the branch went on without returning). */
export function hoistPending(from: ReturnState, to: ReturnState): void {
  if (!from.pending?.length) return;
  (to.pending ??= []).push(...from.pending);
  from.pending = undefined;
}

/**
 * The function's value once it ends: `ret` when nothing was parked; otherwise each parked return chosen
 * against everything after it, innermost last (`if a: return X` / `if b: return Y` / `return Z` is X or (Y
 * or Z)). `reached` is false when the path after the last parked return raised: the parked ones are then
 * all a working call can return.
 */
export function resolveReturn(ip: Interp, frame: ReturnState, reached = true): Value {
  const pending = frame.pending;
  if (!pending?.length) return frame.ret;
  frame.pending = undefined;
  let i = pending.length - 1;
  let rest = reached ? frame.ret : pending[i--]!.value;
  if (rest.k === "unknown" && cutRecursions.has(rest)) return (frame.ret = rest);
  for (; i >= 0; i--) {
    const p = pending[i]!;
    rest = p.onTrue
      ? undecidedChoice(ip, p.cond, "the value returned", p.value, rest)
      : undecidedChoice(ip, p.cond, "the value returned", rest, p.value);
  }
  frame.ret = rest;
  return rest;
}
