// Structural edits a careful engineer makes by hand: wrap statements in a `with` block keeping
// indentation, and set a keyword argument in a call (or append to a list) keeping its layout.
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
/** What the `**x` splat spreads: a dict literal in place, or every value assigned to the name x in the file. */
function splatSources(splat: Node): Array<Node | null> {
  const expr = splat.namedChildren[0];
  if (expr?.type === "dictionary") return [expr];
  if (expr?.type !== "identifier") return [];
  return expr.tree.rootNode
    .descendantsOfType("assignment")
    .filter((a): a is Node => !!a && a.childForFieldName("left")?.text === expr.text)
    .map((a) => a.childForFieldName("right"));
}

/**
 * True when the `**x` splat cannot supply `name`: x is assigned a dict literal (or `dict(...)` of
 * keywords) in the file, with no such key and no splat of its own. Unknown dicts count as "may".
 */
function splatLacks(splat: Node, name: string): boolean {
  const sources = splatSources(splat);
  return sources.length > 0 && sources.every((v) => !!v && dictLacks(v, name));
}

/** The `"name": value` pair of the one dict literal the `**x` splat spreads, if it has one. */
function splatPair(splat: Node, name: string): Node | null {
  const sources = splatSources(splat);
  if (sources.length !== 1 || sources[0]?.type !== "dictionary") return null;
  const pairs = sources[0].namedChildren.filter(
    (p): p is Node => !!p && p.type === "pair" && p.childForFieldName("key")?.text.slice(1, -1) === name,
  );
  return pairs.length === 1 ? pairs[0] : null;
}

function dictLacks(value: Node, name: string): boolean {
  if (value.type === "dictionary") {
    return value.namedChildren.every((p) => {
      if (!p || p.type === "comment") return true;
      if (p.type !== "pair") return false; // a `**other` inside the literal
      const key = p.childForFieldName("key");
      return key?.type === "string" && key.text.slice(1, -1) !== name;
    });
  }
  if (value.type === "call" && value.childForFieldName("function")?.text === "dict") {
    const list = value.childForFieldName("arguments");
    return (
      !!list &&
      list.namedChildren.every(
        (a) =>
          !!a &&
          (a.type === "comment" || (a.type === "keyword_argument" && a.childForFieldName("name")?.text !== name)),
      )
    );
  }
  return false;
}

/** Sets the `value` field of a `name=value` argument or a `"name": value` pair; null when it already is. */
function replaceValue(owner: Node, valueText: string): TextEdit | null {
  const value = owner.childForFieldName("value")!;
  if (value.text === valueText) return null;
  return {
    range: {
      start: point(value.startPosition.row, value.startPosition.column),
      end: point(value.endPosition.row, value.endPosition.column),
    },
    newText: valueText,
  };
}

export function setKeywordArgument(
  text: string,
  style: PythonStyle,
  call: Node,
  name: string,
  valueText: string,
): TextEdit | null {
  return setKeywordArguments(text, style, call, [{ name, value: valueText }])?.[0] ?? null;
}

/** A keyword argument to set, and the callee's parameter index when it may also come positionally. */
export interface KeywordSetting {
  name: string;
  value: string;
  /** Index among the call's arguments (DataLoader's num_workers is 5, after dataset … batch_sampler). */
  position?: number;
}

/**
 * Sets several keyword arguments of a call: an existing `name=` (or a positional argument at the
 * parameter's index, since adding `name=` beside it raises "got multiple values") gets the new
 * value, and the missing ones are inserted together in the call's layout, so two inserts never
 * collide. Null when a `**opts` may already hold one, or a `*args` hides the positions.
 */
export function setKeywordArguments(
  text: string,
  style: PythonStyle,
  call: Node,
  settings: KeywordSetting[],
): TextEdit[] | null {
  const args = call.childForFieldName("arguments");
  if (!args || args.type !== "argument_list") return null;
  const items = args.namedChildren.filter((n): n is Node => !!n && n.type !== "comment");
  const firstNamed = items.findIndex((n) => n.type === "keyword_argument" || n.type === "dictionary_splat");
  const positional = firstNamed < 0 ? items : items.slice(0, firstNamed);
  const starAt = positional.findIndex((n) => n.type === "list_splat");
  // `f(**opts, name=…)` raises TypeError when opts holds `name` too: set it in the dict when the
  // file writes it there, add it beside a dict known to lack it, and otherwise leave the call alone.
  const splats = items.filter((n) => n.type === "dictionary_splat");
  const edits: TextEdit[] = [];
  const missing: string[] = [];
  for (const { name, value, position } of settings) {
    const existing = keywordArgument(call, name);
    if (existing) {
      const e = replaceValue(existing, value);
      if (e) edits.push(e);
      continue;
    }
    if (position !== undefined && starAt >= 0 && starAt <= position) return null;
    const at = position !== undefined ? positional[position] : undefined;
    if (at) {
      if (at.text !== value) edits.push({ range: rangeOfNode(at), newText: value });
      continue;
    }
    const pair = splats.map((sp) => splatPair(sp, name)).find((x) => !!x);
    if (pair) {
      const e = replaceValue(pair, value);
      if (e) edits.push(e);
      continue;
    }
    if (splats.some((n) => !splatLacks(n, name))) return null;
    missing.push(`${name}=${value}`);
  }
  if (missing.length > 0) edits.push(appendItems(text, style, args, missing));
  return edits;
}

function rangeOfNode(n: Node): TextEdit["range"] {
  return {
    start: point(n.startPosition.row, n.startPosition.column),
    end: point(n.endPosition.row, n.endPosition.column),
  };
}

/**
 * Adds `added` at the end of a bracketed sequence (a call's argument list, a list literal) in its
 * own layout: `, a, b` on one line; one per line at the last item's indentation, keeping a trailing
 * comma, when the items sit one per line.
 */
export function appendItems(text: string, style: PythonStyle, seq: Node, added: string[]): TextEdit {
  const items = seq.namedChildren.filter((n): n is Node => !!n && n.type !== "comment");
  const close = seq.lastChild!;
  if (items.length === 0) return insertAt(point(close.startPosition.row, close.startPosition.column), added.join(", "));
  const last = items[items.length - 1]!;
  const trailingComma = last.nextSibling?.type === ",";
  const multiline = close.startPosition.row > last.endPosition.row;
  if (multiline) {
    const indent = lineIndent(text, last);
    const arg = added.join(`,${style.eol}${indent}`);
    const after = trailingComma ? last.nextSibling! : last;
    // A comment ending the last argument's line stays with that argument: the new ones go below it.
    const note =
      after.nextSibling?.type === "comment" && after.nextSibling.startPosition.row === after.endPosition.row
        ? after.nextSibling
        : null;
    if (note) {
      const gap = " ".repeat(Math.max(1, note.startPosition.column - after.endPosition.column));
      return {
        range: {
          start: point(after.endPosition.row, after.endPosition.column),
          end: point(note.endPosition.row, note.endPosition.column),
        },
        newText: `${trailingComma ? "" : ","}${gap}${note.text}${style.eol}${indent}${arg}${trailingComma ? "," : ""}`,
      };
    }
    const pos = point(after.endPosition.row, after.endPosition.column);
    return insertAt(pos, `${trailingComma ? "" : ","}${style.eol}${indent}${arg}${trailingComma ? "," : ""}`);
  }
  const pos = point(last.endPosition.row, last.endPosition.column);
  return insertAt(pos, `, ${added.join(", ")}`);
}
