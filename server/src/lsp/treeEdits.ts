// Turns LSP incremental content changes into tree-sitter edits, so the previous tree can be
// reused by the parser (`parse(text, oldTree)`) instead of reparsing the file from scratch.
// LSP and web-tree-sitter both count columns and offsets in UTF-16 code units: no re-encoding.
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { TextDocumentContentChangeEvent } from "vscode-languageserver-textdocument";
import type { Edit, Point } from "web-tree-sitter";

/** Where `text` ends when inserted at `start`. */
export function endOfInsertion(start: Point, text: string): Point {
  const lastBreak = Math.max(text.lastIndexOf("\n"), text.lastIndexOf("\r"));
  if (lastBreak < 0) return { row: start.row, column: start.column + text.length };
  let rows = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // "\r\n" is one line break, as in LSP.
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) rows++;
  }
  return { row: start.row + rows, column: text.length - lastBreak - 1 };
}

/**
 * The tree edit for one change, computed against `doc` BEFORE the change is applied.
 * Returns null for a full-text replacement (no range): the old tree is then useless.
 */
export function treeEditFor(doc: TextDocument, change: TextDocumentContentChangeEvent): Edit | null {
  if (!("range" in change) || !change.range) return null;
  const startIndex = doc.offsetAt(change.range.start);
  const oldEndIndex = doc.offsetAt(change.range.end);
  // Clamp through the document so positions past a line's end match the offsets used.
  const start = doc.positionAt(startIndex);
  const oldEnd = doc.positionAt(oldEndIndex);
  const startPosition = { row: start.line, column: start.character };
  return {
    startIndex,
    oldEndIndex,
    newEndIndex: startIndex + change.text.length,
    startPosition,
    oldEndPosition: { row: oldEnd.line, column: oldEnd.character },
    newEndPosition: endOfInsertion(startPosition, change.text),
  };
}
