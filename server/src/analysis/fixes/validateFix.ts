// Every quick-fix is checked before it is offered: the edited text must parse with no more
// syntax errors than before, so a fix can never break the user's file.
import type { Tree } from "web-tree-sitter";
import { collectSyntaxErrors } from "../analyze";
import type { Fix } from "../types";
import { applyEdits } from "./textEdits";

export type Reparse = (text: string) => Tree | null;

export interface FixCheck {
  ok: boolean;
  text: string;
  reason?: string;
}

export function checkFix(parse: Reparse, text: string, fix: Fix): FixCheck {
  let edited: string;
  try {
    edited = applyEdits(text, fix.edits);
  } catch (err) {
    return { ok: false, text, reason: String(err) };
  }
  const before = parse(text);
  const after = parse(edited);
  if (!after) return { ok: false, text: edited, reason: "the edited text does not parse" };
  const had = before ? collectSyntaxErrors(before.rootNode).length : 0;
  const has = collectSyntaxErrors(after.rootNode).length;
  before?.delete();
  after.delete();
  if (has > had) return { ok: false, text: edited, reason: `the edit adds ${has - had} syntax error(s)` };
  return { ok: true, text: edited };
}
