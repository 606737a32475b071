// The `source.fixAll.footprint` code action: every finding's preferred fix in one versioned edit,
// built from the document's cached analysis (not only the diagnostics in the requested range).
import type { CancellationToken, CodeAction, CodeActionParams } from "vscode-languageserver";
import { TextDocumentEdit } from "./lspValues";
import { fixAllEdits } from "../analysis/fixes/fixAll";
import type { FileAnalysis } from "../analysis/types";
import type { ServerContext } from "./context";
import { analysisForRequest } from "./requestAnalysis";

export const FIX_ALL_KIND = "source.fixAll.footprint";

/**
 * True when the client asks for this kind or a parent of it ("source", "source.fixAll"): the source
 * action menu and editor.codeActionsOnSave do. A plain light-bulb request (no filter) gets only the
 * quick-fixes, which answer from diagnostic data without waiting for an analysis.
 */
export function wantsFixAll(only: string[] | undefined): boolean {
  if (!only) return false;
  return only.some((k) => FIX_ALL_KIND === k || FIX_ALL_KIND.startsWith(`${k}.`));
}

export function fixAllAction(uri: string, version: number, text: string, analysis: FileAnalysis): CodeAction | null {
  const { edits, applied } = fixAllEdits(text, analysis.findings);
  if (edits.length === 0) return null;
  return {
    title: `Apply all Footprint fixes (${applied.length})`,
    kind: FIX_ALL_KIND,
    edit: { documentChanges: [TextDocumentEdit.create({ uri, version }, edits)] },
  };
}

/** The fix-all action for a request, or null when not asked for or nothing to fix. */
export async function fixAllFor(
  ctx: ServerContext,
  params: CodeActionParams,
  token?: CancellationToken,
): Promise<CodeAction | null> {
  const uri = params.textDocument.uri;
  if (!wantsFixAll(params.context.only)) return null;
  const analysis = await analysisForRequest(ctx.documents, uri, token);
  const doc = ctx.documents.document(uri);
  if (!analysis || !doc) return null;
  return fixAllAction(uri, doc.version, doc.getText(), analysis);
}
