// Wraps the fix validator for rules: a fix that does not reparse cleanly is dropped, never offered.
import type { Fix } from "../types";
import { checkFix } from "../fixes/validateFix";
import type { RuleContext } from "./rule";

export function validated(ctx: RuleContext, fix: Fix): Fix | null {
  if (fix.edits.length === 0) return null;
  return checkFix(ctx.parse, ctx.text, fix, ctx.tree).ok ? fix : null;
}
