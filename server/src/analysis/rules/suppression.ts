// The "ignore this finding here" quick-fix every finding carries: a `# footprint: ignore[CODE]`
// comment at the end of the finding's first line, merged into an existing ignore list if present.
import type { Fix } from "../types";
import type { RuleContext } from "./rule";
import { validated } from "./validatedFix";

export function suppressionFix(ctx: RuleContext, code: string, line: number): Fix | null {
  const text = ctx.lines[line];
  if (text === undefined) return null;
  const existing = /#\s*footprint:\s*ignore\[([^\]]*)\]/.exec(text);
  if (existing) {
    const codes = existing[1].split(",").map((c) => c.trim());
    if (codes.includes(code)) return null;
    const at = existing.index + existing[0].length - 1;
    return validated(ctx, {
      title: `Ignore ${code} on this line`,
      edits: [{ range: { start: { line, character: at }, end: { line, character: at } }, newText: `, ${code}` }],
    });
  }
  const end = text.replace(/\s+$/, "").length;
  return validated(ctx, {
    title: `Ignore ${code} on this line`,
    edits: [
      {
        range: { start: { line, character: end }, end: { line, character: text.length } },
        newText: `  # footprint: ignore[${code}]`,
      },
    ],
  });
}
