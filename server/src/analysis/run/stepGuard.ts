// How many iterations of a step loop train, when the update sits under a condition on the loop's
// variable: an RL loop steps the environment every iteration but calls `agent.update(batch)` only
// `if step >= learning_starts and step % train_freq == 0:`. Read from the syntax tree (the
// interpreter runs the body once, with one value of the variable), around the backward itself or
// around the call, in the loop, of a function it runs in. Counts are exact over the range().
import type { Node, Tree } from "web-tree-sitter";
import type { LoopFrame, TraceEvent } from "../evaluate/trace";
import { integerAt } from "./sourceInts";
import { nodeAtRange } from "./sourceLookup";

export type GuardedSteps = { steps: number; text: string } | { unread: string } | null;

/** A clause on the loop variable v: bounds and one residue class. */
export interface Constraint {
  lo: number; // v >= lo
  hi: number; // v < hi
  mod: { k: number; r: number } | null; // v % k == r
}

const BOUND = /^([A-Za-z_]\w*)\s*(>=|>|<=|<)\s*(.+)$|^(.+?)\s*(<=|<|>=|>)\s*([A-Za-z_]\w*)$/;
// `v % k == 0`, `(v + 1) % k == 0`, `not v % k`
const MODULO = /^(not\s+)?\(?\s*([A-Za-z_]\w*)\s*(?:\+\s*(\d+)\s*)?\)?\s*%\s*(.+?)(?:\s*==\s*0)?$/;

/** The trained iterations of `for v in range(...)` whose backward runs under conditions on v. */
export function guardedSteps(tree: Tree | null | undefined, loop: LoopFrame, backward: TraceEvent): GuardedSteps {
  if (!tree || loop.over !== "range" || loop.tripCount === null) return null;
  const forNode = nodeAtRange(tree, loop.range);
  const body = forNode?.type === "for_statement" ? forNode.childForFieldName("body") : null;
  const v = forNode?.childForFieldName("left");
  if (!forNode || !body || v?.type !== "identifier") return null;
  const starts = guardStarts(tree, forNode, body, backward);
  const c: Constraint = { lo: -Infinity, hi: Infinity, mod: null };
  const texts: string[] = [];
  for (const start of starts.slice(0, 1))
    for (let p: Node | null = start.parent; p && p.id !== forNode.id; p = p.parent) {
      if (p.type !== "if_statement") continue;
      const cond = p.childForFieldName("condition");
      const then = p.childForFieldName("consequence");
      if (!cond || !cond.text.match(new RegExp(`\\b${v.text}\\b`))) continue;
      // Under the else/elif of a condition on v: its complement, which this reader does not take apart.
      if (!then || start.startIndex < then.startIndex || start.endIndex > then.endIndex)
        return { unread: `else of \`if ${cond.text}\`` };
      if (!addClauses(tree.rootNode, cond, v.text, c)) return { unread: `if ${cond.text}` };
      texts.push(`if ${cond.text}`);
    }
  if (texts.length === 0) return null;
  const range = rangeArgs(tree.rootNode, forNode);
  if (!range) return { unread: texts.join(" / ") };
  return { steps: countIn(range.start, range.step, loop.tripCount, c), text: texts.join(" / ") };
}

/**
 * Where the event sits in the loop's body: its own node, or the body's calls of a function it runs
 * in (`agent.update(batch)`), not the function holding the loop (`model.train()` in the body is no
 * call of an enclosing `def train():`).
 */
export function guardStarts(tree: Tree, loopNode: Node, body: Node, ev: TraceEvent): Node[] {
  const inside = (n: Node) => body.startIndex <= n.startIndex && n.endIndex <= body.endIndex;
  const own = nodeAtRange(tree, ev.range);
  if (own && inside(own)) return [own];
  const holds = (r: (typeof ev.frames)[number]["range"]) => {
    const def = nodeAtRange(tree, r);
    return !!def && def.startIndex <= loopNode.startIndex && loopNode.endIndex <= def.endIndex;
  };
  const names = ev.frames.filter((f) => !holds(f.range)).map((f) => f.name);
  return body.descendantsOfType("call").filter((c): c is Node => {
    const fn = c?.childForFieldName("function")?.text ?? "";
    return !!c && names.some((n) => fn === n || fn.endsWith(`.${n}`));
  });
}

/** Splits `a and b and …` and adds each clause on v; false when a clause on v cannot be read. */
export function addClauses(root: Node, cond: Node, v: string, c: Constraint): boolean {
  if (cond.type === "parenthesized_expression" && cond.namedChild(0))
    return addClauses(root, cond.namedChild(0)!, v, c);
  if (cond.type === "boolean_operator") {
    if (cond.childForFieldName("operator")?.text !== "and") return !mentions(cond, v);
    const l = cond.childForFieldName("left");
    const r = cond.childForFieldName("right");
    return !!l && !!r && addClauses(root, l, v, c) && addClauses(root, r, v, c);
  }
  // A clause that does not read v (`len(buffer) >= batch_size`) does not change which steps count.
  if (!mentions(cond, v)) return true;
  const text = cond.text.trim();
  const mod = MODULO.exec(text);
  if (mod && mod[2] === v && (mod[1] !== undefined || /==\s*0$/.test(text))) {
    const kNode = cond
      .descendantsOfType(["integer", "identifier", "attribute", "subscript"])
      .find((n) => n?.text === mod[4]);
    const k = kNode ? integerAt(root, kNode) : null;
    if (k === null || k < 1 || c.mod) return false;
    c.mod = { k, r: ((-Number(mod[3] ?? 0) % k) + k) % k };
    return true;
  }
  const b = cond.type === "comparison_operator" ? BOUND.exec(text) : null;
  if (!b) return false;
  const onLeft = b[1] === v;
  if (!onLeft && b[6] !== v) return false;
  const other = cond.namedChild(onLeft ? cond.namedChildCount - 1 : 0);
  const x = other ? integerAt(root, other) : null;
  if (x === null || cond.namedChildCount !== 2) return false;
  // Written as v OP x, or x OP v (flip the operator).
  const op = onLeft ? b[2] : ({ "<": ">", "<=": ">=", ">": "<", ">=": "<=" } as Record<string, string>)[b[5]!];
  if (op === ">=") c.lo = Math.max(c.lo, x);
  else if (op === ">") c.lo = Math.max(c.lo, x + 1);
  else if (op === "<") c.hi = Math.min(c.hi, x);
  else if (op === "<=") c.hi = Math.min(c.hi, x + 1);
  return true;
}

export function mentions(n: Node, v: string): boolean {
  return n.descendantsOfType("identifier").some((i) => i?.text === v);
}

/** range(stop) / range(start, stop[, step]) of the for statement: start and step as integers. */
function rangeArgs(root: Node, forNode: Node): { start: number; step: number } | null {
  const right = forNode.childForFieldName("right");
  if (right?.type !== "call" || right.childForFieldName("function")?.text !== "range") return null;
  const args = right.childForFieldName("arguments")?.namedChildren ?? [];
  if (args.length <= 1) return { start: 0, step: 1 };
  const start = args[0] ? integerAt(root, args[0]) : null;
  const step = args.length > 2 && args[2] ? integerAt(root, args[2]) : 1;
  return start === null || step === null || step < 1 ? null : { start, step };
}

/** Values start + i·step, i < n, inside [lo, hi) and in the residue class. */
export function countIn(start: number, step: number, n: number, c: Constraint): number {
  const first = Math.max(0, Math.ceil((c.lo - start) / step));
  const last = Math.min(n, Math.ceil((c.hi - start) / step)); // exclusive
  if (last <= first) return 0;
  if (!c.mod) return last - first;
  let count = 0;
  // The residue of start + i·step mod k repeats with period k in i: count one period, scale.
  const k = c.mod.k;
  const hits: number[] = [];
  for (let i = 0; i < k; i++) if ((((start + (first + i) * step) % k) + k) % k === c.mod.r) hits.push(i);
  const span = last - first;
  count = Math.floor(span / k) * hits.length + hits.filter((i) => i < span % k).length;
  return count;
}
