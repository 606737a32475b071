// Every quick-fix is checked before it is offered: the edited code must parse with no more
// syntax errors than before, so a fix can never break the user's file. The check reparses only
// the statements an edit touches (dedented to stand alone), so its cost follows the size of the
// edit's statement, not of the file — a 10,000-line script with a hundred fixes stays fast.
import type { Node, Point, Tree } from "web-tree-sitter";
import { collectSyntaxErrors } from "../analyze";
import type { Fix, TextEdit } from "../types";
import { applyEdits, lineStarts, offsetAt } from "./textEdits";

export type Reparse = (text: string, oldTree?: Tree | null) => Tree | null;

export interface FixCheck {
  ok: boolean;
  reason?: string;
}

/** The statement (child of a block or the module) that contains the whole edit. */
function statementFor(tree: Tree, text: string, starts: number[], e: TextEdit): Node | null {
  const from = offsetAt(starts, text, e.range.start);
  const to = offsetAt(starts, text, e.range.end);
  let n: Node | null = tree.rootNode.descendantForIndex(from, Math.max(from, to - 1));
  for (; n; n = n.parent) {
    const isStatement = n.parent?.type === "block" || n.parent?.type === "module";
    if (isStatement && n.startIndex <= from && to <= n.endIndex) return n;
    if (n.type === "module") return null;
  }
  return null;
}

/** The lines of `node` with its first line's indentation removed from every line that has it. */
function standalone(text: string, starts: number[], node: Node, edits: TextEdit[]): string {
  const begin = starts[node.startPosition.row];
  const snippet = edits.length ? applyEdits(text, edits, begin, node.endIndex) : text.slice(begin, node.endIndex);
  const indent = /^[ \t]*/.exec(snippet)![0];
  if (!indent) return snippet;
  return snippet
    .split("\n")
    .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
    .join("\n");
}

function errorsIn(parse: Reparse, code: string): number {
  const t = parse(code);
  if (!t) return Number.POSITIVE_INFINITY;
  const n = collectSyntaxErrors(t.rootNode).length;
  t.delete();
  return n;
}

/**
 * Applies the fix to each touched statement on its own and reparses it. Falls back to a
 * whole-file reparse when an edit is not inside one statement (e.g. it spans two).
 */
export function checkFix(parse: Reparse, text: string, fix: Fix, tree: Tree): FixCheck {
  if (fix.edits.length === 0) return { ok: false, reason: "no edits" };
  const starts = lineStarts(text);
  const groups = new Map<number, { node: Node; edits: TextEdit[] }>();
  const inserts: TextEdit[] = [];
  let appended = false;
  for (const e of fix.edits) {
    let node = statementFor(tree, text, starts, e);
    if (!node) {
      if (topLevelLines(tree, text, starts, e)) {
        inserts.push(e);
        continue;
      }
      node = appendedTo(tree, text, starts, e);
      if (!node) return wholeFile(parse, text, fix, tree);
      appended = true;
    }
    const g = groups.get(node.id) ?? { node, edits: [] };
    g.edits.push(e);
    groups.set(node.id, g);
  }
  // Whole lines inserted between top-level statements of an error-free file parse there as they
  // parse alone; any doubt (an insert or a statement that fails) gets the whole-file verdict.
  const lines = new Set(inserts.map((e) => e.range.start.line));
  if (lines.size < inserts.length) return wholeFile(parse, text, fix, tree);
  for (const e of inserts) if (errorsIn(parse, e.newText) > 0) return wholeFile(parse, text, fix, tree);
  for (const { node, edits } of groups.values()) {
    let after: string;
    try {
      after = standalone(text, starts, node, edits);
    } catch (err) {
      if (inserts.length || appended) return wholeFile(parse, text, fix, tree);
      return { ok: false, reason: String(err) };
    }
    // The statement's own errors are counted only when the edited one has any: a clean reparse
    // passes whatever the statement held before, and most fixes reparse clean (one parse, not two).
    const has = errorsIn(parse, after);
    const had = has > 0 ? errorsIn(parse, standalone(text, starts, node, [])) : 0;
    if (has > had) {
      if (inserts.length || appended) return wholeFile(parse, text, fix, tree);
      return { ok: false, reason: `the edit adds ${has - had} syntax error(s) to line ${node.startPosition.row + 1}` };
    }
  }
  return { ok: true };
}

/**
 * The statement that an insertion of new lines right at its end extends, in a file with no syntax
 * errors: the lines a fix adds after a statement (`torch.save(...)` followed by an int8 copy's
 * save). Only when every added line keeps at least the statement's indentation, so the lines after
 * it still read as before; the statement and its added lines are then checked on their own.
 */
function appendedTo(tree: Tree, text: string, starts: number[], e: TextEdit): Node | null {
  const { start, end } = e.range;
  if (start.line !== end.line || start.character !== end.character || start.character === 0) return null;
  if (!/^\r?\n/.test(e.newText) || tree.rootNode.hasError) return null;
  const from = offsetAt(starts, text, start);
  const next = text.charCodeAt(from);
  if (from < text.length && next !== 10 && next !== 13) return null;
  let n: Node | null = tree.rootNode.descendantForIndex(from - 1, from - 1);
  for (; n; n = n.parent) {
    const isStatement = n.parent?.type === "block" || n.parent?.type === "module";
    if (isStatement) break;
    if (n.type === "module") return null;
  }
  if (!n || n.endIndex !== from) return null;
  const indent = /^[ \t]*/.exec(text.slice(starts[n.startPosition.row], n.startIndex))![0];
  const added = e.newText.split(/\r?\n/).slice(1);
  if (added.some((l) => l.trim() !== "" && (!l.startsWith(indent) || /^[ \t]*\\?$/.test(l)))) return null;
  return n;
}

/**
 * An insertion of whole lines (no leading indentation, ending in a newline) at the start of a line
 * that lies between top-level statements of a file with no syntax errors — the import a fix adds
 * at the top. Such fixes took the whole-file path: an incremental reparse of the whole document per
 * fix, 23% of a 10,000-line analysis.
 */
function topLevelLines(tree: Tree, text: string, starts: number[], e: TextEdit): boolean {
  const { start, end } = e.range;
  if (start.line !== end.line || start.character !== 0 || end.character !== 0) return false;
  if (!e.newText.endsWith("\n") || /^[ \t\r\n]/.test(e.newText)) return false;
  if (tree.rootNode.hasError) return false;
  const from = offsetAt(starts, text, start);
  if (from > text.length || (from > 0 && text.charCodeAt(from - 1) !== 10)) return false;
  return tree.rootNode.descendantForIndex(from, from)?.type === "module";
}

/** Row and column (UTF-16 units, as web-tree-sitter counts them) of an offset. */
function pointAt(starts: number[], offset: number): Point {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { row: lo, column: offset - starts[lo] };
}

/** Where `inserted` ends when inserted at `start` (tree-sitter counts rows by "\n"). */
function endOf(start: Point, inserted: string): Point {
  const last = inserted.lastIndexOf("\n");
  if (last < 0) return { row: start.row, column: start.column + inserted.length };
  let rows = 0;
  for (let i = 0; i <= last; i++) if (inserted.charCodeAt(i) === 10) rows++;
  return { row: start.row + rows, column: inserted.length - last - 1 };
}

/**
 * The edited file's errors against the document's own. The document's tree already holds its
 * errors, and the edited text is reparsed incrementally from an edited copy of that tree: two
 * whole-file parses per fix were 15% of a 10,000-line analysis in a --cpu-prof of the bench.
 */
function wholeFile(parse: Reparse, text: string, fix: Fix, tree: Tree): FixCheck {
  let edited: string;
  try {
    edited = applyEdits(text, fix.edits);
  } catch (err) {
    return { ok: false, reason: String(err) };
  }
  const had = collectSyntaxErrors(tree.rootNode).length;
  const starts = lineStarts(text);
  const spans = fix.edits
    .map((e) => ({ from: offsetAt(starts, text, e.range.start), to: offsetAt(starts, text, e.range.end), e }))
    .sort((a, b) => b.from - a.from);
  const old = tree.copy();
  // From the last edit to the first, so each edit's offsets still refer to unchanged text before it.
  for (const { from, to, e } of spans) {
    const startPosition = pointAt(starts, from);
    old.edit({
      startIndex: from,
      oldEndIndex: to,
      newEndIndex: from + e.newText.length,
      startPosition,
      oldEndPosition: pointAt(starts, to),
      newEndPosition: endOf(startPosition, e.newText),
    });
  }
  const after = parse(edited, old);
  old.delete();
  const has = after ? collectSyntaxErrors(after.rootNode).length : Number.POSITIVE_INFINITY;
  after?.delete();
  return has > had ? { ok: false, reason: `the edit adds ${has - had} syntax error(s)` } : { ok: true };
}
