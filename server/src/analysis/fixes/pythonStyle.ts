// Reads the user's own Python style (indent unit, quote character, line ending) so that inserted
// code looks like theirs rather than ours.
import type { Node } from "web-tree-sitter";

export interface PythonStyle {
  /** One indentation level as the file writes it: "    ", "  " or "\t". */
  indent: string;
  quote: '"' | "'";
  eol: "\n" | "\r\n";
}

// Every fix on a document asks for the same style: remember the last document's.
let memo: { text: string; style: PythonStyle } | null = null;

/** The most common indentation step between consecutive block levels, else 4 spaces (PEP 8). */
export function detectStyle(text: string): PythonStyle {
  if (memo?.text === text) return memo.style;
  const style = readStyle(text);
  memo = { text, style };
  return style;
}

function readStyle(text: string): PythonStyle {
  const counts = new Map<string, number>();
  let prev = 0;
  let tabs = 0;
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim() || line.trimStart().startsWith("#")) continue;
    const lead = /^[ \t]*/.exec(line)![0];
    if (lead.includes("\t")) tabs++;
    const width = lead.replace(/\t/g, "    ").length;
    if (width > prev) {
      const step = width - prev;
      counts.set(" ".repeat(step), (counts.get(" ".repeat(step)) ?? 0) + 1);
    }
    prev = width;
  }
  let indent = "    ";
  let best = 0;
  for (const [k, n] of counts)
    if (n > best && (k.length === 2 || k.length === 4 || k.length === 8)) [indent, best] = [k, n];
  if (tabs > best) indent = "\t";
  const doubles = (text.match(/"/g) ?? []).length;
  const singles = (text.match(/'/g) ?? []).length;
  return { indent, quote: singles > doubles ? "'" : '"', eol: text.includes("\r\n") ? "\r\n" : "\n" };
}

/** The leading whitespace of the line a node starts on. */
export function lineIndent(text: string, node: Node): string {
  const lineStart = text.lastIndexOf("\n", node.startIndex - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, node.startIndex))![0];
}

export function quoted(style: PythonStyle, s: string): string {
  return `${style.quote}${s}${style.quote}`;
}
