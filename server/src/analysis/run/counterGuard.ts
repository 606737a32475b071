// Updates guarded by a counter the loop advances by hand rather than by the loop's own variable:
// `global_step += 1` in `for t in range(max_ep_len)` inside `for episode in range(n)`, then `if
// global_step > learning_starts and global_step % train_freq == 0: agent.update(...)`; or `while t
// < total_steps: t += 1`. The counter runs from the value it is given before the loops (through
// every loop that does not reset it), so the kept iterations are counted over that whole span.
import type { Node, Tree } from "web-tree-sitter";
import type { LoopFrame, TraceEvent } from "../evaluate/trace";
import { integerAt } from "./sourceInts";
import { nodeAtRange } from "./sourceLookup";
import { addClauses, type Constraint, countIn, guardStarts, mentions } from "./stepGuard";

export type CounterSteps =
  /** `levels`: how many loops, from the batch loop outward, the count already covers. */
  { steps: number; text: string; levels: number } | { unread: string } | null;

const LOOP = /^(for_statement|while_statement)$/;

/**
 * Iterations in which the event at `ev` runs when the conditions around it read a counter of the
 * batch loop `loops[bi]`; null when they read none. `whileTrips`: the batch loop's iterations when
 * it is a `while` (its budget, run/stepBudget.ts).
 */
export function counterGuard(
  tree: Tree | null | undefined,
  loops: LoopFrame[],
  bi: number,
  ev: TraceEvent,
  whileTrips: number | null = null,
): CounterSteps {
  const loop = loops[bi];
  const loopNode = tree && loop ? nodeAtRange(tree, loop.range) : null;
  const body = loopNode && LOOP.test(loopNode.type) ? loopNode.childForFieldName("body") : null;
  if (!tree || !loopNode || !body) return null;
  const root = tree.rootNode;
  const start = guardStarts(tree, loopNode, body, ev)[0];
  if (!start) return null;
  const v = loopNode.type === "for_statement" ? loopNode.childForFieldName("left")?.text : undefined;
  const c: Constraint = { lo: -Infinity, hi: Infinity, mod: null };
  const texts: string[] = [];
  let counter: { name: string; inc: Node } | null = null;
  let top: Node = start;
  for (let p: Node | null = start.parent; p && p.id !== loopNode.id; p = p.parent) {
    if (p.parent?.id === body.id) top = p;
    if (p.type !== "if_statement") continue;
    const cond = p.childForFieldName("condition");
    const then = p.childForFieldName("consequence");
    // A condition on the loop's own variable is stepGuard.ts's to read.
    if (!cond || (v && mentions(cond, v))) return null;
    const name = counterIn(cond, body, counter?.name);
    if (!name) continue;
    if (counter && counter.name !== name.name) return { unread: `if ${cond.text}` };
    counter = name;
    if (!then || start.startIndex < then.startIndex || start.endIndex > then.endIndex)
      return { unread: `else of \`if ${cond.text}\`` };
    if (!addClauses(root, cond, name.name, c)) return { unread: `if ${cond.text}` };
    texts.push(`if ${cond.text}`);
  }
  if (!counter) return null;
  const text = texts.join(" / ");
  const k = integerAt(root, counter.inc.childForFieldName("right") ?? counter.inc);
  const init = initOf(root, loopNode, counter.name);
  const c0 = init ? integerAt(root, init.childForFieldName("right") ?? init) : null;
  if (k === null || k < 1 || !init || c0 === null) return { unread: text };
  // The loops the counter runs through without being set again: from the batch loop out to the
  // first loop that also holds its initial assignment.
  let trips = 1;
  let levels = 0;
  for (
    let p: Node | null = loopNode;
    p && !(p.startIndex <= init.startIndex && init.endIndex <= p.endIndex);
    p = p.parent
  ) {
    if (!LOOP.test(p.type)) continue;
    const frame = loops[bi - levels];
    if (!frame || nodeAtRange(tree, frame.range)?.id !== p.id) return { unread: text };
    const n = levels === 0 && p.type === "while_statement" ? whileTrips : frame.tripCount;
    if (n === null) return { unread: text };
    trips *= n;
    levels++;
  }
  // Advanced before the guard in the body: the first guarded value is c0 + k.
  const first = c0 + (counter.inc.startIndex < top.startIndex ? k : 0);
  return { steps: countIn(first, k, trips, c), text, levels };
}

/** A name the condition reads that the body advances with `name += <int>` once per iteration. */
function counterIn(cond: Node, body: Node, prefer?: string): { name: string; inc: Node } | null {
  const names = new Set(cond.descendantsOfType("identifier").map((i) => i?.text ?? ""));
  if (prefer && !names.has(prefer)) return null;
  for (const name of prefer ? [prefer] : names) {
    const incs = body
      .descendantsOfType("augmented_assignment")
      .filter((a): a is Node => !!a && a.childForFieldName("left")?.text === name);
    // Once per iteration: a direct statement of the body, not under an if or in a nested loop.
    if (incs.length !== 1 || incs[0].parent?.parent?.id !== body.id) continue;
    if (!/^\+=/.test(incs[0].text.slice(name.length).trim())) continue;
    return { name, inc: incs[0] };
  }
  return null;
}

/** The last `name = <int>` before the loop, outside it, in the same function (or module). */
function initOf(root: Node, loopNode: Node, name: string): Node | null {
  let scope: Node = root;
  for (let p = loopNode.parent; p; p = p.parent)
    if (p.type === "function_definition") {
      scope = p;
      break;
    }
  let best: Node | null = null;
  for (const a of scope.descendantsOfType("assignment")) {
    if (!a || a.childForFieldName("left")?.text !== name || a.endIndex > loopNode.startIndex) continue;
    const right = a.childForFieldName("right");
    if (!right || integerAt(root, right) === null) continue;
    if (!best || a.startIndex > best.startIndex) best = a;
  }
  return best;
}

/** Trained iterations of a range step loop and its epoch loop, each under the guards read around the backward. */
export interface StepLoopCount {
  steps: number;
  /** How each level was counted, outermost last: "`for t in range(N)` under `if …` (k of N iterations)". */
  parts: string[];
  /** A guard that could not be read: that level is priced at every iteration (an upper bound). */
  unread: string | null;
  /** Loops outside the epoch loop that a counter's count already runs through: not repeats of the run. */
  counted: LoopFrame[];
}

/**
 * Optimizer steps of a step loop `loops[bi]` inside an optional epoch loop `loops[ei]`: each level's
 * trip count, or what a guard on its variable (stepGuard.ts) or on a hand-advanced counter keeps.
 * A counter that runs through both levels (`global_step` over episodes) counts them together.
 */
export function stepLoopCount(
  tree: Tree | null | undefined,
  loops: LoopFrame[],
  bi: number,
  ei: number,
  ev: TraceEvent,
  iterText: (l: LoopFrame) => string,
  guardedSteps: (tree: Tree | null | undefined, loop: LoopFrame, ev: TraceEvent) => GuardRead,
): StepLoopCount {
  let unread: string | null = null;
  const parts: string[] = [];
  const level = (i: number): { n: number; levels: number } => {
    const l = loops[i];
    const n = l.tripCount ?? 1;
    const g = guardedSteps(tree, l, ev) ?? counterGuard(tree, loops, i, ev);
    if (g && "unread" in g) {
      unread ??= g.unread;
      parts.push(iterText(l));
      return { n, levels: 1 };
    }
    if (!g) {
      parts.push(iterText(l));
      return { n, levels: 1 };
    }
    const levels = "levels" in g ? (g.levels as number) : 1;
    const over =
      levels > 1
        ? loops
            .slice(i - levels + 1, i + 1)
            .map(iterText)
            .reverse()
            .join(" × ")
        : iterText(l);
    const total = loops.slice(i - levels + 1, i + 1).reduce((p, x) => p * (x.tripCount ?? 1), 1);
    parts.push(
      `${over} under \`${g.text}\` (${g.steps.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} iterations)`,
    );
    return { n: g.steps, levels };
  };
  const inner = level(bi);
  let steps = inner.n;
  // The outermost loop the step level's count runs through (a counter over episodes covers the
  // epoch loop, and maybe loops around it, which then are no repeats of the run).
  const covered = bi - inner.levels + 1;
  let counted: LoopFrame[] = [];
  if (ei >= 0 && ei < covered) {
    const outer = level(ei);
    steps *= outer.n;
    counted = loops.slice(ei - outer.levels + 1, ei);
  } else if (ei >= 0 && covered < ei) counted = loops.slice(covered, ei);
  return { steps, parts, unread, counted };
}

type GuardRead = { steps: number; text: string } | { unread: string } | null;
