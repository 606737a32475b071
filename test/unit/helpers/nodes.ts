// Test helper: find a node by type (and text prefix) breadth-first, so tests never hard-code coordinates.
import type { Node } from "web-tree-sitter";

export function findNode(root: Node, type: string, text?: string): Node {
  const queue: Node[] = [root];
  while (queue.length) {
    const n = queue.shift()!;
    if (n.type === type && (text === undefined || n.text.startsWith(text))) return n;
    for (const c of n.namedChildren) if (c) queue.push(c);
  }
  throw new Error(`no ${type} node${text ? ` starting with ${text}` : ""}`);
}
