// Counters a step loop advances by hand (`global_step += 1`, `t += num_envs`). The interpreter runs
// such a loop's first iterations with the counter's early values, so `if global_step >
// learning_starts:` around an agent's update was false on every traced pass and the update, its
// backward and the whole run were never seen. A condition that reads a counter advanced by a long
// range/while step loop stands for many values: it is taken as undecided (both branches), as a
// condition on a long range's unknown loop variable already is. Run detection then counts the
// iterations the guard keeps from the source (run/counterGuard.ts).
import type { Expr, Stmt } from "./ast";
import { MAX_LOOP_UNROLL } from "./budget";
import type { Interp } from "./interp";

/** An own-file `for … in range(…)` or `while` loop running now, with the counters its body advances. */
export interface CounterLoop {
  counters: ReadonlySet<string>;
  /** Iterations of the loop; null when unknown (a `while` whose bound is not `name < N`). */
  trips: number | null;
}

const byBody = new WeakMap<Stmt[], ReadonlySet<string>>();

/** Names advanced with `+=` / `-=` in a loop body (nested blocks too, not nested functions or classes). */
export function advancedNames(body: Stmt[]): ReadonlySet<string> {
  let out = byBody.get(body);
  if (out) return out;
  const names = new Set<string>();
  const walk = (stmts: Stmt[]) => {
    for (const st of stmts) {
      if (st.t === "augassign" && (st.op === "+" || st.op === "-") && st.target.t === "name") names.add(st.target.id);
      else if (st.t === "if" || st.t === "for" || st.t === "while") {
        walk(st.body);
        walk(st.orelse);
      } else if (st.t === "with") walk(st.body);
      else if (st.t === "try") {
        walk(st.body);
        for (const h of st.handlers) walk(h);
        walk(st.orelse);
        walk(st.final);
      }
    }
  };
  walk(body);
  out = names;
  byBody.set(body, out);
  return out;
}

/**
 * Iterations of `while name < N:` (or `<=`) whose body advances `name += k` once by a known k, from
 * the counter's value now; null for any other condition. `num` evaluates an expression to an int.
 */
export function whileTrips(cond: Expr, body: Stmt[], num: (e: Expr) => number | null): number | null {
  if (cond.t !== "cmp" || cond.ops.length !== 1 || (cond.ops[0] !== "<" && cond.ops[0] !== "<=")) return null;
  const [left, right] = cond.operands;
  if (left?.t !== "name" || !right) return null;
  let step: Expr | null = null;
  let seen = 0;
  for (const st of body)
    if (st.t === "augassign" && st.op === "+" && st.target.t === "name" && st.target.id === left.id) {
      step = st.value;
      seen++;
    }
  if (seen !== 1 || !step) return null;
  const k = num(step);
  const start = num(left);
  const stop = num(right);
  if (k === null || k <= 0 || start === null || stop === null) return null;
  return Math.max(0, Math.ceil((stop - start + (cond.ops[0] === "<=" ? 1 : 0)) / k));
}

/**
 * True when the condition reads a counter of a running step loop whose counter takes more values
 * than the interpreter unrolls: the product of the trips of that loop and the loops around it.
 */
export function readsLongCounter(ip: Interp, condText: string): boolean {
  const loops = ip.counterLoops;
  if (loops.length === 0) return false;
  const names = condText.match(/[A-Za-z_]\w*/g);
  if (!names) return false;
  let trips = 1;
  for (const l of loops) {
    if (l.trips === null) return false;
    trips *= l.trips;
    if (trips > MAX_LOOP_UNROLL && names.some((n) => l.counters.has(n))) return true;
  }
  // A counter advanced by an inner loop of a long nest: the product of every level counts.
  return trips > MAX_LOOP_UNROLL && loops.some((l) => names.some((n) => l.counters.has(n)));
}
