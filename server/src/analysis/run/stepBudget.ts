// Step budgets a loop states in its control flow rather than in a range(): `while step < max_steps:`
// around the loader loop, or `if step >= max_steps: break` inside it. Read from the syntax tree,
// since the interpreter runs a `while` body once and the trace keeps no counters.
import type { Node, Tree } from "web-tree-sitter";
import type { LoopFrame } from "../evaluate/trace";
import type { Range } from "../types";
import { integerAt } from "./sourceInts";
import { nodeAtRange } from "./sourceLookup";

export interface StepBudget {
  /** Iterations of the counter the budget compares. */
  steps: number;
  /**
   * What the counter counts: optimizer steps (incremented beside optimizer.step() under the
   * accumulation guard), batches (incremented once per batch), or the batch loop's own index,
   * which restarts every epoch and so caps each epoch instead of the run.
   */
  counts: "optimizer" | "batches" | "epochIndex";
  text: string;
  range: Range;
}

const LIMIT = /^([A-Za-z_][\w.]*)\s*(>=|>|==)\s*(.+)$/;
const WHILE = /^([A-Za-z_][\w.]*)\s*(<|<=)\s*(.+)$/;

/** The step budget of a batch loop, from the loop around it or a break inside it; null when none is read. */
export function stepBudget(
  tree: Tree | null | undefined,
  batchLoop: LoopFrame,
  epochLoop: LoopFrame | null,
  stepRange: Range | null,
): StepBudget | null {
  if (!tree) return null;
  const loopNode = forNode(tree, batchLoop.range);
  const body = loopNode?.childForFieldName("body");
  if (!loopNode || !body) return null;
  const root = tree.rootNode;
  const stepNode = stepRange ? nodeAtRange(tree, stepRange) : null;
  const classify = (counter: string): StepBudget["counts"] => {
    const vars: string[] = batchLoop.target.match(/[A-Za-z_]\w*/g) ?? [];
    if (vars.includes(counter)) return "epochIndex";
    const inc = body
      .descendantsOfType("augmented_assignment")
      .find((a) => a?.childForFieldName("left")?.text === counter);
    // Incremented inside the if that also holds optimizer.step(), or under accelerate's
    // `if accelerator.sync_gradients:` (true on the micro-batch that steps): optimizer steps.
    const guard = inc && stepNode ? sharedIf(inc, stepNode, loopNode) : null;
    return guard || (inc && syncGuarded(inc, loopNode)) ? "optimizer" : "batches";
  };
  // `if step >= max_steps: break` (or return) inside the batch loop.
  for (const st of body.descendantsOfType("if_statement")) {
    const cond = st?.childForFieldName("condition");
    const m = cond?.type === "comparison_operator" ? LIMIT.exec(cond.text.trim()) : null;
    const limit = m && cond ? cond.namedChild(cond.namedChildCount - 1) : null;
    if (!st || !m || !limit || !exits(st.childForFieldName("consequence"))) continue;
    const n = integerAt(root, limit);
    if (n === null || n < 1) continue;
    return { steps: m[2] === ">" ? n + 1 : n, counts: classify(m[1]), text: cond?.text ?? "", range: batchLoop.range };
  }
  // `while step < max_steps:` around it: checked between epochs, so the budget is reached within one epoch.
  const outer = epochLoop ? nodeAtRange(tree, epochLoop.range) : null;
  const whileNode = outer?.type === "while_statement" ? outer : outer ? ancestorOf(outer, "while_statement") : null;
  const wc = whileNode?.childForFieldName("condition");
  const w = wc?.type === "comparison_operator" ? WHILE.exec(wc.text.trim()) : null;
  const wl = w && wc ? wc.namedChild(wc.namedChildCount - 1) : null;
  const n = wl ? integerAt(root, wl) : null;
  if (!w || n === null || n < 1 || !wc) return null;
  const counts = classify(w[1]);
  if (counts === "epochIndex") return null;
  return { steps: w[2] === "<=" ? n + 1 : n, counts, text: wc.text, range: epochLoop?.range ?? batchLoop.range };
}

function forNode(tree: Tree, r: Range): Node | null {
  const n = nodeAtRange(tree, r);
  return n && (n.type === "for_statement" ? n : ancestorOf(n, "for_statement"));
}

function ancestorOf(n: Node, type: string): Node | null {
  for (let p = n.parent; p; p = p.parent) if (p.type === type) return p;
  return null;
}

/** A block that leaves the loop: a break or return in it (not inside a nested loop or function). */
function exits(block: Node | null): boolean {
  if (!block) return false;
  const visit = (n: Node): boolean =>
    n.namedChildren.some(
      (c) =>
        !!c &&
        (c.type === "break_statement" ||
          c.type === "return_statement" ||
          (!/for_statement|while_statement|function_definition/.test(c.type) && visit(c))),
    );
  return visit(block);
}

/** The innermost if_statement below `stop` that contains both nodes, if any. */
function sharedIf(a: Node, b: Node, stop: Node): Node | null {
  for (let p = a.parent; p && p.id !== stop.id; p = p.parent)
    if (p.type === "if_statement" && p.startIndex <= b.startIndex && b.endIndex <= p.endIndex) return p;
  return null;
}

/** An increment under `if <accelerator>.sync_gradients:` inside the loop. */
function syncGuarded(inc: Node, stop: Node): boolean {
  for (let p = inc.parent; p && p.id !== stop.id; p = p.parent)
    if (p.type === "if_statement" && /\.sync_gradients$/.test(p.childForFieldName("condition")?.text ?? ""))
      return true;
  return false;
}
