// `for epoch in range(start_epoch, EPOCHS):` where start_epoch is 0 unless a checkpoint is found
// (`if os.path.exists(ckpt): start_epoch = state["epoch"] + 1`). The interpreter merges both
// branches into an unknown start; the job as written trains EPOCHS − 0 epochs from scratch, and a
// resumed launch trains the rest of that same schedule, so the fresh start prices the whole job.
import type { Node, Tree } from "web-tree-sitter";
import type { LoopFrame } from "../evaluate/trace";
import { nodeAtRange } from "./sourceLookup";
import { integerAt } from "./sourceInts";

export interface FreshStart {
  epochs: number;
  /** `start_epoch = 0` as written, and its line (1-based). */
  start: string;
  line: number;
}

/**
 * Epochs of `range(start, stop)` from the start's unconditional first value, when every later
 * assignment of that name sits under an `if` or `try` (a resume branch) and stop is readable.
 * null otherwise (a start set unconditionally from a checkpoint, a step, an unreadable stop).
 */
export function freshStartEpochs(tree: Tree | null | undefined, epochLoop: LoopFrame): FreshStart | null {
  const n = tree ? nodeAtRange(tree, epochLoop.range) : null;
  const forNode = n?.type === "for_statement" ? n : null;
  const iter = forNode?.childForFieldName("right");
  if (!tree || !forNode || iter?.type !== "call" || iter.childForFieldName("function")?.text !== "range") return null;
  const args = iter.childForFieldName("arguments")?.namedChildren ?? [];
  const [startArg, stopArg] = args;
  if (args.length !== 2 || startArg?.type !== "identifier" || !stopArg) return null;
  const stop = integerAt(tree.rootNode, stopArg);
  if (stop === null) return null;
  const scope = enclosingScope(forNode);
  const sets = assignmentsOf(scope, startArg.text).filter((a) => a.startIndex < forNode.startIndex);
  const [first, ...rest] = sets;
  if (!first || isConditional(first, scope) || !rest.every((a) => isConditional(a, scope))) return null;
  const value = first.childForFieldName("right");
  const start = value ? integerAt(tree.rootNode, value) : null;
  if (start === null || stop <= start) return null;
  return { epochs: stop - start, start: first.text.replace(/\s+/g, " "), line: first.startPosition.row + 1 };
}

function enclosingScope(n: Node): Node {
  let p = n.parent;
  while (p && p.type !== "function_definition" && p.type !== "module") p = p.parent;
  return p ?? n.tree.rootNode;
}

/** `name = …` statements in `scope`, in source order, outside nested functions and classes. */
function assignmentsOf(scope: Node, name: string): Node[] {
  return scope
    .descendantsOfType("assignment")
    .filter(
      (a): a is Node =>
        !!a && a.childForFieldName("left")?.text === name && enclosingScope(a).id === scope.id && !inClass(a, scope),
    )
    .sort((a, b) => a.startIndex - b.startIndex);
}

function inClass(n: Node, scope: Node): boolean {
  for (let p = n.parent; p && p.id !== scope.id; p = p.parent) if (p.type === "class_definition") return true;
  return false;
}

/** Under an `if`, `try`, `with` or loop of the scope: a branch the script may not take. */
function isConditional(n: Node, scope: Node): boolean {
  for (let p = n.parent; p && p.id !== scope.id; p = p.parent)
    if (/^(if|try|with|for|while)_statement$|^(elif|else|except)_clause$/.test(p.type)) return true;
  return false;
}
