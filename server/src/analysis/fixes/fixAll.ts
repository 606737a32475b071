// "Fix all" for one file: each finding's preferred quick-fix, combined into one set of
// non-overlapping edits (a fix that collides with one already taken is left for later), with
// shared edits such as the same `import torch` line written once, and the result reparsed.
import type { Tree } from "web-tree-sitter";
import { collectSyntaxErrors } from "../analyze";
import type { Finding, Fix, TextEdit } from "../types";
import { applyEdits, lineStarts, offsetAt } from "./textEdits";

export interface FixAllResult {
  edits: TextEdit[];
  /** Titles of the fixes applied, in file order. */
  applied: string[];
  /** Fixes left out because their edits overlap one already taken (apply again to get them). */
  skipped: string[];
}

type Reparse = (text: string) => Tree | null;

/** The fix a finding would apply on its own: its preferred one, never a suppression. */
export function preferredFix(f: Finding): Fix | null {
  const real = f.fixes.filter((x) => !x.title.startsWith("Ignore "));
  return real.find((x) => x.isPreferred) ?? null;
}

export function fixAllEdits(text: string, findings: readonly Finding[], parse?: Reparse): FixAllResult {
  const starts = lineStarts(text);
  const span = (e: TextEdit) => ({
    from: offsetAt(starts, text, e.range.start),
    to: offsetAt(starts, text, e.range.end),
  });
  const taken: Array<{ from: number; to: number; newText: string }> = [];
  const out: FixAllResult = { edits: [], applied: [], skipped: [] };
  const seenFix = new Set<string>();
  for (const f of findings) {
    const fix = preferredFix(f);
    if (!fix) continue;
    const key = JSON.stringify(fix.edits);
    if (seenFix.has(key)) continue;
    seenFix.add(key);
    const fresh: TextEdit[] = [];
    let clash = false;
    for (const e of fix.edits) {
      const s = span(e);
      // The very same edit (an import two fixes both add) is written once.
      if (taken.some((t) => t.from === s.from && t.to === s.to && t.newText === e.newText)) continue;
      const overlaps = taken.some((t) => s.from < t.to && t.from < s.to);
      // Two inserts at one point would interleave unpredictably with a replacement there.
      const touches = taken.some((t) => (s.from === s.to || t.from === t.to) && s.from === t.from && s.to !== t.to);
      if (overlaps || touches) {
        clash = true;
        break;
      }
      fresh.push(e);
    }
    if (clash) {
      out.skipped.push(fix.title);
      continue;
    }
    for (const e of fresh) taken.push({ ...span(e), newText: e.newText });
    out.edits.push(...fresh);
    out.applied.push(fix.title);
  }
  if (parse && out.edits.length && addsErrors(parse, text, out.edits)) {
    // Each fix reparses on its own; if their combination does not, apply none rather than break the file.
    return { edits: [], applied: [], skipped: [...out.applied, ...out.skipped] };
  }
  return out;
}

function addsErrors(parse: Reparse, text: string, edits: TextEdit[]): boolean {
  const count = (t: string) => {
    const tree = parse(t);
    if (!tree) return Number.POSITIVE_INFINITY;
    const n = collectSyntaxErrors(tree.rootNode).length;
    tree.delete();
    return n;
  };
  return count(applyEdits(text, edits)) > count(text);
}
