// Maps ranges the interpreter recorded back to syntax nodes, so rules can build fixes that edit
// exactly the statement, call or loop an event came from.
import type { Node, Tree } from "web-tree-sitter";
import type { Range } from "../types";

/** The smallest node spanning `range`. */
export function nodeAt(tree: Tree, range: Range): Node | null {
  return tree.rootNode.descendantForPosition(
    { row: range.start.line, column: range.start.character },
    { row: range.end.line, column: range.end.character },
  );
}

/** The nearest ancestor (or self) of one of `types`. */
export function ancestor(node: Node | null, ...types: string[]): Node | null {
  for (let n = node; n; n = n.parent) if (types.includes(n.type)) return n;
  return null;
}

/** The statement containing `node` whose parent is a block or the module (a wrappable unit). */
export function enclosingStatement(node: Node | null): Node | null {
  for (let n = node; n?.parent; n = n.parent) {
    if (n.parent.type === "block" || n.parent.type === "module") return n;
  }
  return null;
}

/** The call node at a range (a `DataLoader(...)` event, a `.backward()` site), or null. */
export function callAt(tree: Tree, range: Range): Node | null {
  const n = nodeAt(tree, range);
  if (n?.type === "call") return n;
  const up = ancestor(n, "call");
  if (up) return up;
  // A range spanning an assignment or statement: its first call.
  return n?.descendantsOfType("call")[0] ?? null;
}

// Occurrences found once per tree and word: several findings of a rule often ask for the same name.
const spelled = new WeakMap<Tree, Map<string, Node[]>>();

/**
 * The nodes whose text is exactly `word`, in document order, found from the occurrences of `word`
 * in `text` (the tree's source) instead of a walk over every node: for each occurrence, the
 * smallest node spanning exactly it (a leaf — identifier, string_content… — when one does).
 * A walk that reads every identifier's text was ~9% of a 10,000-line analysis (FP130's fix).
 */
export function nodesSpelled(tree: Tree, text: string, word: string): Node[] {
  let byWord = spelled.get(tree);
  if (!byWord) spelled.set(tree, (byWord = new Map()));
  let out = byWord.get(word);
  if (out) return out;
  out = [];
  if (word.length > 0) {
    const root = tree.rootNode;
    for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
      const n = root.descendantForIndex(i, i + word.length);
      if (n && n.startIndex === i && n.endIndex === i + word.length) out.push(n);
    }
  }
  byWord.set(word, out);
  return out;
}

export function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

export function contains(outer: Range, inner: Range): boolean {
  const before = (p: Range["start"], q: Range["start"]) =>
    p.line < q.line || (p.line === q.line && p.character <= q.character);
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}
