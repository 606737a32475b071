// Step budgets a loop states in its control flow rather than in a range(): `while step < max_steps:`
// around the loader loop or as the step loop itself, `if step >= max_steps: break`, and `while`
// counters that count epochs. Read from the syntax tree: the interpreter runs a `while` body once.
import type { Node, Tree } from "web-tree-sitter";
import type { LoopFrame } from "../evaluate/trace";
import { thousands } from "../format";
import type { Range, RunSpec } from "../types";
import { line } from "./runFacts";
import { integerAt } from "./sourceInts";
import { nodeAtRange } from "./sourceLookup";

export interface StepBudget {
  /** Iterations of the counter the budget compares. */
  steps: number;
  /**
   * What the counter counts: optimizer steps (incremented beside optimizer.step() under the
   * accumulation guard), batches (incremented once per batch), or the batch loop's own index,
   * which restarts every epoch and so caps each epoch instead of the run; or epochs (a `while`
   * counter incremented once per pass of its body, outside the batch loop).
   */
  counts: "optimizer" | "batches" | "epochIndex" | "epochs";
  text: string;
  range: Range;
}

const LIMIT = /^([A-Za-z_][\w.]*)\s*(>=|>|==)\s*(.+)$/;
// `<=` before `<`: the other order read `step <= n` as `<` then "= n", one step short.
const WHILE = /^([A-Za-z_][\w.]*)\s*(<=|<)\s*(.+)$/;

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
  const outer = epochLoop ? nodeAtRange(tree, epochLoop.range) : null;
  const whileNode = outer?.type === "while_statement" ? outer : outer ? ancestorOf(outer, "while_statement") : null;
  const classify = (counter: string): StepBudget["counts"] => {
    const vars: string[] = batchLoop.target.match(/[A-Za-z_]\w*/g) ?? [];
    if (vars.includes(counter)) return "epochIndex";
    const inc = increments(body, counter)[0];
    // Incremented inside the if that also holds optimizer.step(), or under accelerate's
    // `if accelerator.sync_gradients:` (true on the micro-batch that steps): optimizer steps.
    const guard = inc && stepNode ? sharedIf(inc, stepNode, loopNode) : null;
    if (guard || (inc && syncGuarded(inc, loopNode))) return "optimizer";
    // Not counted per batch but once per pass of the `while` around the batch loop: epochs.
    return !inc && whileNode && countsPasses(whileNode, counter) ? "epochs" : "batches";
  };
  // `if step >= max_steps: break` (or return) inside the batch loop.
  for (const st of exitWords(body) ? body.descendantsOfType("if_statement") : []) {
    const cond = st?.childForFieldName("condition");
    const m = cond?.type === "comparison_operator" ? LIMIT.exec(cond.text.trim()) : null;
    const limit = m && cond ? cond.namedChild(cond.namedChildCount - 1) : null;
    if (!st || !m || !limit || !exits(st.childForFieldName("consequence"))) continue;
    const n = integerAt(root, limit);
    if (n === null || n < 1) continue;
    const counts = classify(m[1]);
    // An epoch counter tested inside the batch loop ends one epoch, not the run: no budget read.
    if (counts === "epochs") continue;
    return { steps: m[2] === ">" ? n + 1 : n, counts, text: cond?.text ?? "", range: batchLoop.range };
  }
  // `while step < max_steps:` around it: checked between epochs, so the budget is reached within one epoch.
  const wc = whileNode?.childForFieldName("condition");
  const w = wc?.type === "comparison_operator" ? WHILE.exec(wc.text.trim()) : null;
  const wl = w && wc ? wc.namedChild(wc.namedChildCount - 1) : null;
  const n = wl ? integerAt(root, wl) : null;
  if (!w || n === null || n < 1 || !wc) return null;
  const counts = classify(w[1]);
  if (counts === "epochIndex" || !whileNode) return null;
  // `epoch = 1; while epoch <= n:` runs n times: the count starts where the script sets it.
  const from = startValue(root, whileNode, w[1]) ?? 0;
  const steps = (w[2] === "<=" ? n + 1 : n) - from;
  if (steps < 1) return null;
  return { steps, counts, text: wc.text, range: epochLoop?.range ?? batchLoop.range };
}

/**
 * The budget of a `while` loop that is itself the step loop (batches drawn with next()): `while
 * step < n:`, or `if step >= n: break` in its body, on a counter its body increments once per pass
 * (optimizer steps when the increment shares the if around optimizer.step(), else batches).
 */
export function whileStepBudget(
  tree: Tree | null | undefined,
  loop: LoopFrame,
  stepRange: Range | null,
): StepBudget | null {
  const node = tree ? nodeAtRange(tree, loop.range) : null;
  const body = node?.type === "while_statement" ? node.childForFieldName("body") : null;
  if (!tree || !node || !body) return null;
  const root = tree.rootNode;
  const stepNode = stepRange ? nodeAtRange(tree, stepRange) : null;
  const counts = (counter: string): StepBudget["counts"] | null => {
    const inc = increments(body, counter).find((a) => !nestedIn(a, node));
    if (!inc) return null;
    return stepNode && sharedIf(inc, stepNode, node) ? "optimizer" : "batches";
  };
  const wc = node.childForFieldName("condition");
  const w = wc?.type === "comparison_operator" ? WHILE.exec(wc.text.trim()) : null;
  const wl = w && wc ? wc.namedChild(wc.namedChildCount - 1) : null;
  const n = wl ? integerAt(root, wl) : null;
  const c = w ? counts(w[1]) : null;
  if (w && wc && c && n !== null) {
    const steps = (w[2] === "<=" ? n + 1 : n) - (startValue(root, node, w[1]) ?? 0);
    return steps >= 1 ? { steps, counts: c, text: wc.text, range: loop.range } : null;
  }
  // `while True:` with `if step >= n: break` in the body (not in a loop nested in it).
  for (const st of exitWords(body) ? body.descendantsOfType("if_statement") : []) {
    const cond = st?.childForFieldName("condition");
    const m = cond?.type === "comparison_operator" ? LIMIT.exec(cond.text.trim()) : null;
    const limit = m && cond ? cond.namedChild(cond.namedChildCount - 1) : null;
    if (!st || !m || !limit || nestedIn(st, node) || !exits(st.childForFieldName("consequence"))) continue;
    const k = integerAt(root, limit);
    const kc = counts(m[1]);
    if (k !== null && k >= 1 && kc)
      return { steps: m[2] === ">" ? k + 1 : k, counts: kc, text: cond?.text ?? "", range: loop.range };
  }
  return null;
}

/**
 * A loader loop that stops on a counter: a global budget replaces an unknown epoch count (or a
 * larger known one) with optimizer steps; the batch loop's own index caps every epoch instead.
 */
export function applyBudget(spec: RunSpec, b: StepBudget): void {
  const acc = Math.max(1, spec.gradientAccumulation);
  const at = `\`${b.text}\` (line ${line(b.range)})`;
  if (b.counts === "epochs") {
    // `while epoch < n:` with `epoch += 1` once per pass: n epochs, not a step budget.
    spec.epochs = b.steps;
    spec.unknowns = spec.unknowns.filter((u) => !u.message.startsWith("the epoch loop"));
    spec.evidence.push(`epochs ${b.steps} from ${at}: the counter goes up once per pass, outside the batch loop`);
    return;
  }
  if (b.counts === "epochIndex") {
    if (spec.trainSamples === null || spec.batchSize === null || b.steps * spec.batchSize >= spec.trainSamples) return;
    spec.trainSamples = b.steps * spec.batchSize;
    spec.evidence.push(
      `${thousands(spec.trainSamples)} samples per epoch: ${b.steps} batches, then ${at} ends the epoch`,
    );
    return;
  }
  const steps = b.counts === "optimizer" ? b.steps : Math.ceil(b.steps / acc);
  if (spec.epochs !== null) {
    // Known epochs too: whichever ends first. Without the epoch size the epochs stand.
    if (spec.trainSamples === null || spec.batchSize === null) return;
    if (steps >= spec.epochs * Math.ceil(spec.trainSamples / spec.batchSize / acc)) return;
  }
  spec.maxSteps = steps;
  spec.epochs = null;
  spec.unknowns = spec.unknowns.filter((u) => !u.message.startsWith("the epoch loop"));
  spec.evidence.push(
    `${thousands(steps)} optimizer steps: ${at}${b.counts === "batches" && acc > 1 ? ` counts batches, ÷ ${acc} accumulated` : ""}`,
  );
}

/** `c += 1` / `c = c + 1` for `counter` anywhere under `block`. */
function increments(block: Node, counter: string): Node[] {
  const plusOne = new RegExp(`^${counter.replace(/\./g, "\\.")}\\s*\\+\\s*1$`);
  return block.descendantsOfType(["augmented_assignment", "assignment"]).filter((a): a is Node => {
    if (a?.childForFieldName("left")?.text !== counter) return false;
    const right = a.childForFieldName("right")?.text ?? "";
    return a.type === "augmented_assignment" ? /^\+=/.test(a.text.slice(counter.length).trim()) : plusOne.test(right);
  });
}

/** The counter is incremented in the while body, outside any loop nested in it: once per pass. */
function countsPasses(whileNode: Node, counter: string): boolean {
  const body = whileNode.childForFieldName("body");
  if (!body) return false;
  const incs = increments(body, counter);
  return incs.length === 1 && !nestedIn(incs[0], whileNode);
}

/** Whether `n` sits in a loop or function nested inside `loop`, so it does not run once per pass. */
function nestedIn(n: Node, loop: Node): boolean {
  for (let p = n.parent; p && p.id !== loop.id; p = p.parent)
    if (/^(for_statement|while_statement|function_definition)$/.test(p.type)) return true;
  return false;
}

/** The integer a `counter = <int>` statement just before the `while` gives it; null when not stated there. */
function startValue(root: Node, whileNode: Node, counter: string): number | null {
  for (let p = whileNode.previousNamedSibling; p; p = p.previousNamedSibling) {
    const a = p.type === "expression_statement" ? p.namedChild(0) : null;
    if (a?.type !== "assignment" || a.childForFieldName("left")?.text !== counter) continue;
    const right = a.childForFieldName("right");
    return right?.type === "integer" ? integerAt(root, right) : null;
  }
  return null;
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
/** Whether `n`'s source says `break` or `return`: without either no `if` in it `exits`, so its ifs are not walked. */
const exitWords = (n: Node) => /\b(?:break|return)\b/.test(n.text);

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
