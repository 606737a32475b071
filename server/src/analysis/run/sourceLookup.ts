// Reads what the trace does not carry from the syntax tree: the text of a loop's iterable (for
// evidence), gradient accumulation (`if (i + 1) % k == 0:` around optimizer.step()) and evaluation
// every k epochs (`if epoch % k == 0:` around the evaluation loop).
import type { Node, Tree } from "web-tree-sitter";
import type { LoopFrame } from "../evaluate/trace";
import type { Range } from "../types";
import { callSites } from "./sourceIndex";
import { integerAt } from "./sourceInts";

/** The smallest node covering a range, or null when the tree does not cover it. */
export function nodeAtRange(tree: Tree, r: Range): Node | null {
  return tree.rootNode.descendantForPosition(
    { row: r.start.line, column: r.start.character },
    { row: r.end.line, column: r.end.character },
  );
}

/** `range(args.epochs)` for `for epoch in range(args.epochs):`; null without a tree. */
export function loopIterableText(tree: Tree | null | undefined, loop: LoopFrame): string | null {
  if (!tree) return null;
  const n = nodeAtRange(tree, loop.range);
  const forNode = n && (n.type === "for_statement" ? n : ancestor(n, "for_statement"));
  const right = forNode?.childForFieldName("right");
  return right ? right.text.replace(/\s+/g, " ").slice(0, 60) : null;
}

function ancestor(n: Node, type: string): Node | null {
  for (let p = n.parent; p; p = p.parent) if (p.type === type) return p;
  return null;
}

function ancestorLoop(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (p.type === "for_statement" || p.type === "while_statement") return p;
  return null;
}

// `(i + 1) % k == 0`, `i % k == 0`, `(step+1) % args.accum_steps == 0`, `not (i + 1) % 4`
const ACCUM =
  /^\(?\s*(?:not\s+)?\(?\s*([A-Za-z_]\w*)\s*(?:\+\s*1\s*)?\)?\s*%\s*([A-Za-z_][\w.]*|\d+)\s*\)?\s*(?:==\s*0)?\s*\)?$/;
// `i % k == k - 1`: the same guard on a 0-based index, true on the k-th batch of each group.
const ACCUM_LAST =
  /^\(?\s*([A-Za-z_]\w*)\s*%\s*([A-Za-z_][\w.]*|\d+)\s*\)?\s*==\s*\(?\s*([A-Za-z_][\w.]*|\d+)\s*-\s*1\s*\)?$/;

// `epoch % cfg["eval_every"] == 0`: the same guard with a period the patterns above cannot name; it
// still says the branch runs once per period (k is then read, or left unknown, from the tree).
const ANY_PERIOD = /^\(?\s*([A-Za-z_]\w*)\s*(?:\+\s*1\s*)?\)?\s*%\s*(.+?)\s*==\s*0$/;

/**
 * Gradient-accumulation factor k when the optimizer step sits under `if (<v> + 1) % k == 0` inside
 * the batch loop and <v> is that loop's variable or a counter incremented once per batch (an `or`
 * clause for the last batch is allowed). k
 * is whatever sourceInts.ts can read: a literal, a constant, a parameter and what its callers pass,
 * an argparse / dataclass default. null when there is no such guard or k cannot be read.
 */
export function accumulationSteps(
  tree: Tree | null | undefined,
  stepRange: Range,
  batchLoop: LoopFrame,
): { k: number; text: string } | null {
  if (!tree) return null;
  const start = nodeAtRange(tree, stepRange);
  for (let p = start?.parent ?? null; p; p = p.parent) {
    if (p.type === "for_statement" || p.type === "while_statement") break; // left the batch loop body
    if (p.type === "with_statement") {
      const acc = acceleratorAccumulation(tree.rootNode, p);
      if (acc) return acc;
    }
    if (p.type !== "if_statement") continue;
    const g = moduloGuard(tree, p);
    if (!g) continue;
    const loopVars: string[] = batchLoop.target.match(/[A-Za-z_]\w*/g) ?? [];
    if (!loopVars.includes(g.v) && !countsBatches(p, g.v)) continue;
    if (g.k !== null && g.k >= 1) return { k: g.k, text: g.text };
  }
  return null;
}

/** `if (<v> + 1) % k == 0:` (and its variants above): the counter, k when readable, the guard's text. */
export function moduloGuard(tree: Tree, ifNode: Node): { v: string; k: number | null; text: string } | null {
  let cond = ifNode.childForFieldName("condition");
  // `(i + 1) % k == 0 or (i + 1) == len(loader)`: the modulus clause sets the factor.
  while (cond?.type === "boolean_operator" && cond.childForFieldName("operator")?.text === "or")
    cond = cond.childForFieldName("left");
  const text = cond?.text.trim() ?? "";
  const last = ACCUM_LAST.exec(text);
  const m = ACCUM.exec(text) ?? (last && last[3] === last[2] ? last : null) ?? ANY_PERIOD.exec(text);
  if (!m || !cond) return null;
  const kNode = [...cond.descendantsOfType(["integer", "identifier", "attribute", "subscript", "call"])].find(
    (n) => n?.text === m[2],
  );
  return { v: m[1], k: kNode ? integerAt(tree.rootNode, kNode) : null, text: `if ${text}` };
}

/**
 * Evaluation every k epochs: the evaluation loop, or a call in the epoch loop of a function it runs
 * in (`callees`, innermost last), sits under `if epoch % k == 0:` on the epoch loop's variable.
 * k = null: the guard is there but k cannot be read. Absent: no such guard.
 */
export function epochGuard(
  tree: Tree | null | undefined,
  evalLoop: Range,
  epochLoop: LoopFrame,
  callees: string[],
): { k: number | null; text: string } | undefined {
  const epochNode = tree ? nodeAtRange(tree, epochLoop.range) : null;
  const body = epochNode?.type === "for_statement" ? epochNode.childForFieldName("body") : null;
  if (!tree || !epochNode || !body) return undefined;
  const vars: string[] = epochLoop.target.match(/[A-Za-z_]\w*/g) ?? [];
  const inside = (n: Node) => epochNode.startIndex <= n.startIndex && n.endIndex <= epochNode.endIndex;
  const evalNode = nodeAtRange(tree, evalLoop);
  const starts: Node[] = [];
  if (evalNode && inside(evalNode)) starts.push(evalNode);
  else
    for (const c of body.descendantsOfType("call")) {
      const fn = c?.childForFieldName("function")?.text ?? "";
      if (c && callees.some((name) => fn === name || fn.endsWith(`.${name}`))) starts.push(c);
    }
  for (const start of starts)
    for (let p = start.parent; p && p.id !== epochNode.id; p = p.parent) {
      if (p.type !== "if_statement") continue;
      const g = moduloGuard(tree, p);
      if (g && vars.includes(g.v)) return { k: g.k, text: g.text };
    }
  return undefined;
}

/** `micro += 1` once per batch: the name is incremented in the loop around `guard`, outside it. */
function countsBatches(guard: Node, name: string): boolean {
  const loop = ancestorLoop(guard);
  const incs = loop?.childForFieldName("body")?.descendantsOfType("augmented_assignment") ?? [];
  return incs.some(
    (a) =>
      !!a &&
      a.childForFieldName("left")?.text === name &&
      !(guard.startIndex <= a.startIndex && a.endIndex <= guard.endIndex),
  );
}

/**
 * `.step()` calls in a batch loop's body, for when the trace has no optimizer step: the interpreter
 * runs the body once with concrete counters, so `if micro % 4 == 0:` is skipped on its first pass.
 */
export function stepCallRanges(tree: Tree | null | undefined, batchLoop: LoopFrame): Range[] {
  const n = tree ? nodeAtRange(tree, batchLoop.range) : null;
  // A `while` that draws its batches with next() is the batch loop too.
  const loop = n && (/^(for|while)_statement$/.test(n.type) ? n : ancestor(n, "for_statement"));
  const body = loop?.childForFieldName("body");
  // A callee ending in `.step` is spelled so in the source: no walk of a body that never says it.
  const calls = body?.text.includes(".step") ? body.descendantsOfType("call") : [];
  return calls
    .filter((c) => c?.childForFieldName("function")?.text.endsWith(".step"))
    .map((c) => {
      const { startPosition: s, endPosition: e } = c as Node;
      return { start: { line: s.row, character: s.column }, end: { line: e.row, character: e.column } };
    });
}

/**
 * `with accelerator.accumulate(model):` around the step: accelerate skips the step until
 * `Accelerator(gradient_accumulation_steps=k)` micro-batches have been seen (accelerate docs,
 * "Gradient accumulation"). null when the with is not that or k cannot be read.
 */
function acceleratorAccumulation(root: Node, withNode: Node): { k: number; text: string } | null {
  const item = withNode
    .descendantsOfType("call")
    .find((c) => c?.childForFieldName("function")?.text.endsWith(".accumulate"));
  if (
    !item ||
    !withNode.childForFieldName("body") ||
    item.startIndex > (withNode.childForFieldName("body")?.startIndex ?? 0)
  )
    return null;
  for (const { node: call, callee } of callSites(root)) {
    if (!callee.endsWith("Accelerator")) continue;
    const kw = call
      .childForFieldName("arguments")
      ?.namedChildren.find(
        (a) => a?.type === "keyword_argument" && a.childForFieldName("name")?.text === "gradient_accumulation_steps",
      );
    const v = kw?.childForFieldName("value");
    const k = v ? integerAt(root, v) : null;
    if (k !== null && k >= 1) return { k, text: `with ${item.text}` };
  }
  return null;
}

/**
 * The first `break` that leaves this loop itself (not an inner loop), under some condition: the
 * patience check of hand-written early stopping. Its line (1-based), or null when there is none.
 */
const BREAK_WORD = /\bbreak\b/;

export function loopBreakLine(tree: Tree | null | undefined, loop: LoopFrame): number | null {
  const n = tree ? nodeAtRange(tree, loop.range) : null;
  if (!n || !/^(for|while)_statement$/.test(n.type)) return null;
  const body = n.childForFieldName("body");
  // Most loops never say `break`: their bodies are not walked.
  if (!body || !BREAK_WORD.test(body.text)) return null;
  for (const b of body.descendantsOfType("break_statement"))
    if (b && ancestorLoop(b)?.id === n.id) return b.startPosition.row + 1;
  return null;
}
