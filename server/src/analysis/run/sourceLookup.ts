// Reads what the trace does not carry from the syntax tree: the text of a loop's iterable (for
// evidence), and gradient accumulation (`if (i + 1) % k == 0:` around optimizer.step()).
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
    let cond = p.childForFieldName("condition");
    // `(i + 1) % k == 0 or (i + 1) == len(loader)`: the modulus clause sets the factor.
    while (cond?.type === "boolean_operator" && cond.childForFieldName("operator")?.text === "or")
      cond = cond.childForFieldName("left");
    const text = cond?.text.trim() ?? "";
    const last = ACCUM_LAST.exec(text);
    const m = ACCUM.exec(text) ?? (last && last[3] === last[2] ? last : null);
    if (!m || !cond) continue;
    const loopVars: string[] = batchLoop.target.match(/[A-Za-z_]\w*/g) ?? [];
    if (!loopVars.includes(m[1]) && !countsBatches(p, m[1])) continue;
    const kNode = [...cond.descendantsOfType(["integer", "identifier", "attribute"])].find((n) => n?.text === m[2]);
    const k = kNode ? integerAt(tree.rootNode, kNode) : null;
    if (k !== null && k >= 1) return { k, text: `if ${cond.text.trim()}` };
  }
  return null;
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
  const calls = loop?.childForFieldName("body")?.descendantsOfType("call") ?? [];
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
