// Small helpers over tree-sitter nodes used across the core.
import type { Node } from "web-tree-sitter";
import type { Range } from "../types";

/** tree-sitter columns are UTF-16 code units in web-tree-sitter: the LSP default, no conversion. */
export function nodeRange(n: Node): Range {
  return {
    start: { line: n.startPosition.row, character: n.startPosition.column },
    end: { line: n.endPosition.row, character: n.endPosition.column },
  };
}

/** A range as a map key: equal keys, equal ranges (a loop or call site met again in the trace). */
export const rangeKey = (r: Range): string => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
