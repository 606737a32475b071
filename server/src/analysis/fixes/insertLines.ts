// Inserts whole lines of new code after a statement, at that statement's indentation and in the
// file's own indent unit and line ending, so added code sits in the block it belongs to.
import type { Node } from "web-tree-sitter";
import type { TextEdit } from "../types";
import { lineIndent, type PythonStyle } from "./pythonStyle";
import { insertAt, lineText, point } from "./textEdits";

/**
 * Lines are written with 4-space levels ("    " per level) and re-indented to the file's unit;
 * the insert goes at the end of the statement's last line, so a file without a final newline
 * still gets well-formed lines.
 */
export function insertLinesAfter(text: string, style: PythonStyle, stmt: Node, lines: string[]): TextEdit {
  const base = lineIndent(text, stmt);
  const body = lines.map((l) => (l ? base + reindent(l, style.indent) : l)).join(style.eol);
  const row = stmt.endPosition.row;
  return insertAt(point(row, lineText(text, row).length), `${style.eol}${body}`);
}

/** Lines before `stmt` at its indentation (a comment block or a guard above a call). */
export function insertLinesBefore(text: string, style: PythonStyle, stmt: Node, lines: string[]): TextEdit {
  const base = lineIndent(text, stmt);
  const body = lines.map((l) => (l ? base + reindent(l, style.indent) : l)).join(style.eol);
  return insertAt(point(stmt.startPosition.row, 0), `${body}${style.eol}`);
}

function reindent(line: string, unit: string): string {
  const lead = /^ */.exec(line)![0].length;
  return unit.repeat(Math.floor(lead / 4)) + line.slice(lead - (lead % 4));
}
