// Structural edits a careful engineer makes by hand: wrap statements in a `with` block keeping
// indentation, and set a keyword argument in a call keeping the call's layout.
import type { Node } from "web-tree-sitter";
import type { TextEdit } from "../types";
import { lineIndent, type PythonStyle } from "./pythonStyle";
import { insertAt, lineStarts, lineText, point } from "./textEdits";

/** Lines strictly inside multi-line string literals: re-indenting them would change the string. */
function stringInteriorLines(first: Node, last: Node): Set<number> {
  const lines = new Set<number>();
  const visit = (n: Node) => {
    if (n.type === "string" && n.endPosition.row > n.startPosition.row) {
      for (let l = n.startPosition.row + 1; l <= n.endPosition.row; l++) lines.add(l);
      return;
    }
    for (const c of n.namedChildren) if (c) visit(c);
  };
  for (let n: Node | null = first; n; n = n.nextNamedSibling) {
    visit(n);
    if (n.id === last.id) break;
  }
  return lines;
}

/**
 * Wraps the sibling statements `first..last` (same block) in `header:` (e.g. `with torch.no_grad()`),
 * indenting them one level in the file's own indent unit.
 */
export function wrapStatements(text: string, style: PythonStyle, first: Node, last: Node, header: string): TextEdit {
  const indent = lineIndent(text, first);
  const startLine = first.startPosition.row;
  const endLine = last.endPosition.row;
  const skip = stringInteriorLines(first, last);
  const starts = lineStarts(text);
  const body: string[] = [];
  for (let l = startLine; l <= endLine; l++) {
    const line = lineText(text, l, starts);
    body.push(skip.has(l) || !line.trim() ? line : style.indent + line);
  }
  const newText = `${indent}${header}:${style.eol}${body.join(style.eol)}`;
  return {
    range: { start: point(startLine, 0), end: point(endLine, lineText(text, endLine, starts).length) },
    newText,
  };
}

/** The `name=value` keyword argument node of a call, or null. */
export function keywordArgument(call: Node, name: string): Node | null {
  const args = call.childForFieldName("arguments");
  for (const a of args?.namedChildren ?? []) {
    if (a?.type === "keyword_argument" && a.childForFieldName("name")?.text === name) return a;
  }
  return null;
}

/**
 * Sets `name=valueText` in a call: replaces an existing value, else appends the argument in the
 * call's layout (same line for one-line calls, a new aligned line for one-argument-per-line calls).
 */
export function setKeywordArgument(
  text: string,
  style: PythonStyle,
  call: Node,
  name: string,
  valueText: string,
): TextEdit | null {
  const existing = keywordArgument(call, name);
  if (existing) {
    const value = existing.childForFieldName("value")!;
    if (value.text === valueText) return null;
    return {
      range: {
        start: point(value.startPosition.row, value.startPosition.column),
        end: point(value.endPosition.row, value.endPosition.column),
      },
      newText: valueText,
    };
  }
  const args = call.childForFieldName("arguments");
  if (!args || args.type !== "argument_list") return null;
  const items = args.namedChildren.filter((n): n is Node => !!n && n.type !== "comment");
  const close = args.lastChild!;
  const arg = `${name}=${valueText}`;
  if (items.length === 0) return insertAt(point(close.startPosition.row, close.startPosition.column), arg);
  const last = items[items.length - 1];
  const trailingComma = last.nextSibling?.type === ",";
  const multiline = close.startPosition.row > last.endPosition.row;
  if (multiline) {
    const indent = lineIndent(text, last);
    const after = trailingComma ? last.nextSibling! : last;
    const pos = point(after.endPosition.row, after.endPosition.column);
    return insertAt(pos, `${trailingComma ? "" : ","}${style.eol}${indent}${arg}${trailingComma ? "," : ""}`);
  }
  const pos = point(last.endPosition.row, last.endPosition.column);
  return insertAt(pos, `, ${arg}`);
}
