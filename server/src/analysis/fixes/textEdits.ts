// Applying and composing text edits on plain strings: what the fix validator and the tests use to
// see the file a quick-fix would produce, with the same semantics as LSP WorkspaceEdit.
import type { Position, Range, TextEdit } from "../types";

// Rules validate several fixes against the same document text: remember its table. Only texts
// above MEMO_MIN are remembered: each fix also applies edits to its small statement snippet, and
// when snippets took the single slot every fix rescanned the whole document (10% of analysis
// time on a 10,000-line file in a --cpu-prof of `npm run bench`).
// A few slots, most recent first: a statement snippet over MEMO_MIN (a fix's import inserted at a
// large function) took the single slot and evicted the document, so the next fix rescanned it
// (lineStarts was ~5% of a 300-line analysis in a --cpu-prof after 799833d).
const MEMO_MIN = 4096;
const MEMO_SLOTS = 4;
const memo: { text: string; starts: number[] }[] = [];

/** Offsets of each line start, for Position ↔ offset conversion (UTF-16, like LSP). */
export function lineStarts(text: string): number[] {
  for (let i = 0; i < memo.length; i++) {
    const m = memo[i];
    if (m.text !== text) continue;
    if (i > 0) {
      memo.splice(i, 1);
      memo.unshift(m);
    }
    return m.starts;
  }
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  if (text.length >= MEMO_MIN) {
    memo.unshift({ text, starts });
    if (memo.length > MEMO_SLOTS) memo.pop();
  }
  return starts;
}

/**
 * Line `row` of `text` without its terminator — what `text.split(/\r?\n/)[row] ?? ""` gives —
 * from the memoised line table: fixes that read one line split the whole document for it.
 */
export function lineText(text: string, row: number, starts: number[] = lineStarts(text)): string {
  if (!(row >= 0 && row < starts.length)) return "";
  const from = starts[row];
  if (row + 1 === starts.length) return text.slice(from);
  let to = starts[row + 1] - 1; // the \n
  if (to > from && text.charCodeAt(to - 1) === 13) to--;
  return text.slice(from, to);
}

export function offsetAt(starts: number[], text: string, p: Position): number {
  if (p.line >= starts.length) return text.length;
  const lineEnd = p.line + 1 < starts.length ? starts[p.line + 1] : text.length;
  return Math.min(starts[p.line] + p.character, lineEnd);
}

/**
 * Applies non-overlapping edits (any order) as an LSP client would: all ranges refer to the
 * original text. Throws on overlap, which would be a bug in the fix that produced them.
 * With `from`/`to`, only that window of `text` is returned, edited, with offsets clamped to it:
 * the fix validator edits one statement through the document's memoised line table instead of
 * scanning a fresh slice for its own (3.8% of a 1,000-line analysis in a --cpu-prof).
 */
export function applyEdits(text: string, edits: readonly TextEdit[], from = 0, to = text.length): string {
  const starts = lineStarts(text);
  const at = (p: Position) => Math.min(Math.max(offsetAt(starts, text, p), from), to);
  const spans = edits
    .map((e, i) => ({ from: at(e.range.start), to: at(e.range.end), e, i }))
    .sort((a, b) => a.from - b.from || a.to - b.to || a.i - b.i);
  let out = "";
  let cursor = from;
  for (const s of spans) {
    if (s.from < cursor) throw new Error(`overlapping edits at offset ${s.from}`);
    out += text.slice(cursor, s.from) + s.e.newText;
    cursor = s.to;
  }
  return out + text.slice(cursor, to);
}

export function point(line: number, character: number): Position {
  return { line, character };
}

export function emptyRange(p: Position): Range {
  return { start: p, end: p };
}

export function insertAt(p: Position, newText: string): TextEdit {
  return { range: emptyRange(p), newText };
}
