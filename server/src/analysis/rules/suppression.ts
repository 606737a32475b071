// The "ignore this finding here" quick-fix every finding carries: a `# footprint: ignore[CODE]`
// comment at the end of the finding's first line, merged into an existing ignore list if present.
// A trailing comment is valid Python wherever the line does not end inside a string or after a
// backslash continuation, which the tree tells directly — no reparse per finding.
import type { Fix } from "../types";
import type { RuleContext } from "./rule";

export function suppressionFix(ctx: RuleContext, code: string, line: number): Fix | null {
  const text = ctx.lines[line];
  if (text === undefined) return null;
  const title = `Ignore ${code} on this line`;
  const existing = /#\s*footprint:\s*ignore\[([^\]]*)\]/.exec(text);
  if (existing) {
    const codes = existing[1].split(",").map((c) => c.trim());
    if (codes.includes(code)) return null;
    const at = existing.index + existing[0].length - 1;
    return {
      title,
      edits: [{ range: { start: { line, character: at }, end: { line, character: at } }, newText: `, ${code}` }],
    };
  }
  const end = text.replace(/\s+$/, "").length;
  if (!commentCanEndLine(ctx, line, end, text)) return null;
  return {
    title,
    edits: [
      {
        range: { start: { line, character: end }, end: { line, character: text.length } },
        newText: `  # footprint: ignore[${code}]`,
      },
    ],
  };
}

function commentCanEndLine(ctx: RuleContext, line: number, end: number, text: string): boolean {
  if (text.slice(0, end).endsWith("\\")) return false;
  for (let n = ctx.tree.rootNode.descendantForPosition({ row: line, column: Math.max(0, end - 1) }); n; n = n.parent) {
    const type = n.type; // one wasm call per ancestor, not two
    if ((type === "string" || type === "concatenated_string") && n.endPosition.row > line) return false;
  }
  return true;
}

const FILE_IGNORE = /#\s*footprint:\s*ignore-file\[([^\]]*)\]/;

/**
 * "Ignore CODE in this file": merges the code into an existing `ignore-file[…]` comment, else adds
 * `# footprint: ignore-file[CODE]` at the top — below a shebang, a PEP 263 encoding line and the
 * module docstring, which must stay first to keep their meaning.
 */
export function fileSuppressionFix(ctx: RuleContext, code: string): Fix | null {
  const title = `Ignore ${code} in this file`;
  // FILE_IGNORE needs "ignore-file[": one scan of the text instead of a regex per line for each rule.
  const hasFileIgnore = ctx.text.includes("ignore-file[");
  for (let line = 0; hasFileIgnore && line < ctx.lines.length; line++) {
    const m = FILE_IGNORE.exec(ctx.lines[line]);
    if (!m) continue;
    const codes = m[1].split(",").map((c) => c.trim().toUpperCase());
    if (codes.includes(code)) return null;
    const at = m.index + m[0].length - 1;
    const sep = m[1].trim() ? ", " : "";
    return {
      title,
      edits: [{ range: { start: { line, character: at }, end: { line, character: at } }, newText: `${sep}${code}` }],
    };
  }
  const eol = ctx.text.includes("\r\n") ? "\r\n" : "\n";
  const line = fileHeaderEnd(ctx);
  const comment = `# footprint: ignore-file[${code}]`;
  if (line < ctx.lines.length) {
    return { title, edits: [{ range: point0(line), newText: `${comment}${eol}` }] };
  }
  // The header is the whole file and has no final newline: start a new line after it.
  const last = ctx.lines.length - 1;
  const end = { line: last, character: ctx.lines[last].length };
  return { title, edits: [{ range: { start: end, end }, newText: `${eol}${comment}${eol}` }] };
}

/** The first line after the shebang, the encoding declaration (lines 1–2, PEP 263) and the module docstring. */
function fileHeaderEnd(ctx: RuleContext): number {
  let line = 0;
  if (ctx.lines[0]?.startsWith("#!")) line = 1;
  for (let l = line; l < Math.min(2, ctx.lines.length); l++) {
    if (/^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+/.test(ctx.lines[l])) line = l + 1;
  }
  // The first non-comment child, without marshalling every top-level node (`namedChildren`).
  const root = ctx.tree.rootNode;
  let first = null;
  for (let i = 0; i < root.namedChildCount && !first; i++) {
    const n = root.namedChild(i);
    if (n && n.type !== "comment") first = n;
  }
  if (first?.type === "expression_statement" && first.firstNamedChild?.type === "string") {
    line = Math.max(line, first.endPosition.row + 1);
  }
  return line;
}

function point0(line: number) {
  return { start: { line, character: 0 }, end: { line, character: 0 } };
}
