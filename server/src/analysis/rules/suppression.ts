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
    if ((n.type === "string" || n.type === "concatenated_string") && n.endPosition.row > line) return false;
  }
  return true;
}
