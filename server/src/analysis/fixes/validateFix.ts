// Every quick-fix is checked before it is offered: the edited text must parse with no more
// syntax errors than before, so a fix can never break the user's file. The check reparses
// incrementally from the document's own tree, so it costs a fraction of a full parse.
import type { Tree } from "web-tree-sitter";
import { collectSyntaxErrors } from "../analyze";
import type { Fix } from "../types";
import { applyEdits, treeEditsFor } from "./textEdits";

export type Reparse = (text: string, oldTree?: Tree | null) => Tree | null;

export interface FixCheck {
  ok: boolean;
  text: string;
  reason?: string;
}

/** The document as analysed: its tree and how many syntax errors it already had. */
export interface FixBase {
  tree: Tree;
  errors: number;
}

export function checkFix(parse: Reparse, text: string, fix: Fix, base?: FixBase): FixCheck {
  let edited: string;
  try {
    edited = applyEdits(text, fix.edits);
  } catch (err) {
    return { ok: false, text, reason: String(err) };
  }
  let had: number;
  let old: Tree | null = null;
  if (base) {
    had = base.errors;
    old = base.tree.copy();
    for (const e of treeEditsFor(text, fix.edits)) old.edit(e);
  } else {
    const before = parse(text);
    had = before ? collectSyntaxErrors(before.rootNode).length : 0;
    before?.delete();
  }
  const after = parse(edited, old);
  old?.delete();
  if (!after) return { ok: false, text: edited, reason: "the edited text does not parse" };
  const has = collectSyntaxErrors(after.rootNode).length;
  after.delete();
  if (has > had) return { ok: false, text: edited, reason: `the edit adds ${has - had} syntax error(s)` };
  return { ok: true, text: edited };
}
