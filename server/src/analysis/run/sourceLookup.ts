// Reads what the trace does not carry from the syntax tree: the text of a loop's iterable (for
// evidence), and gradient accumulation (`if (i + 1) % k == 0:` around optimizer.step()).
import type { Node, Tree } from "web-tree-sitter";
import type { LoopFrame } from "../evaluate/trace";
import type { Range } from "../types";

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

// `(i + 1) % k == 0`, `i % k == 0`, `(step+1) % args.accum_steps == 0`, `not (i + 1) % 4`
const ACCUM =
  /^\(?\s*(?:not\s+)?\(?\s*([A-Za-z_]\w*)\s*(?:\+\s*1\s*)?\)?\s*%\s*([A-Za-z_][\w.]*|\d+)\s*\)?\s*(?:==\s*0)?\s*\)?$/;

/**
 * Gradient-accumulation factor k when the optimizer step sits under `if (<v> + 1) % k == 0` inside
 * the batch loop and <v> is that loop's variable. k is a literal, a module-level `name = int`, or an
 * argparse option's integer default. null when there is no such guard or k cannot be read.
 */
export function accumulationSteps(
  tree: Tree | null | undefined,
  stepRange: Range,
  batchLoop: LoopFrame,
): { k: number; text: string } | null {
  if (!tree) return null;
  const start = nodeAtRange(tree, stepRange);
  for (let p = start?.parent ?? null; p; p = p.parent) {
    if (p.type === "for_statement") break; // left the batch loop body
    if (p.type !== "if_statement") continue;
    const cond = p.childForFieldName("condition");
    const m = cond ? ACCUM.exec(cond.text.trim()) : null;
    if (!m || !cond) continue;
    const loopVars: string[] = batchLoop.target.match(/[A-Za-z_]\w*/g) ?? [];
    if (!loopVars.includes(m[1])) continue;
    const k = /^\d+$/.test(m[2]) ? Number(m[2]) : integerNamed(tree.rootNode, m[2]);
    if (k !== null && k >= 1) return { k, text: cond.text.trim() };
  }
  return null;
}

/** Value of `NAME = <int>` at module level, or of `--name` in an argparse add_argument(default=<int>). */
function integerNamed(root: Node, dotted: string): number | null {
  const name = dotted.split(".").at(-1) as string;
  if (!dotted.includes(".")) {
    for (const st of root.namedChildren) {
      const a = st?.type === "expression_statement" ? st.namedChild(0) : null;
      if (a?.type !== "assignment") continue;
      if (a.childForFieldName("left")?.text === name && a.childForFieldName("right")?.type === "integer")
        return Number(a.childForFieldName("right")?.text.replace(/_/g, ""));
    }
    return null;
  }
  const flags = new Set([`--${name}`, `--${name.replace(/_/g, "-")}`]);
  for (const call of root.descendantsOfType("call")) {
    if (!call?.childForFieldName("function")?.text.endsWith("add_argument")) continue;
    const args = call.childForFieldName("arguments")?.namedChildren ?? [];
    const names = args.filter((a) => a?.type === "string").map((a) => a?.text.slice(1, -1));
    if (!names.some((n) => n && flags.has(n))) continue;
    for (const a of args) {
      if (a?.type === "keyword_argument" && a.childForFieldName("name")?.text === "default") {
        const v = a.childForFieldName("value");
        return v?.type === "integer" ? Number(v.text.replace(/_/g, "")) : null;
      }
    }
  }
  return null;
}
