// textDocument/codeAction: the fixes a diagnostic carries in its data (each rule's fixes plus
// the core's "ignore on this line"), so no re-analysis happens; "open report" for run estimates.
import {
  type CodeAction,
  CodeActionKind,
  type CodeActionParams,
  type Diagnostic,
  TextDocumentEdit,
} from "vscode-languageserver";
import { SHOW_REPORT_COMMAND } from "../shared/protocol";
import type { ServerContext } from "./context";
import { toLspEdits } from "./convert";
import { DIAGNOSTIC_SOURCE, isFindingData } from "./diagnostics";
import { fixAllFor } from "./fixAll";

export function codeActionsFor(uri: string, diagnostics: Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE || typeof diagnostic.code !== "string") continue;
    const data = diagnostic.data;
    if (!isFindingData(data) || data.uri !== uri) continue;
    // Versioned edits: the client refuses them if the document changed since the analysis.
    const versioned = { uri, version: data.version };
    for (const fix of data.fixes) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: fix.isPreferred,
        edit: { documentChanges: [TextDocumentEdit.create(versioned, toLspEdits(fix))] },
      });
    }
    if (diagnostic.code === "FP101") {
      actions.push({
        title: "Open the Footprint report",
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        command: { title: "Open the Footprint report", command: SHOW_REPORT_COMMAND, arguments: [uri] },
      });
    }
  }
  return actions;
}

export function registerCodeActions(ctx: ServerContext): void {
  ctx.connection.onCodeAction(async (params: CodeActionParams, token) => {
    const uri = params.textDocument.uri;
    if (!ctx.documents.document(uri)) return null;
    const only = params.context.only;
    const quick = !only || only.some((k) => CodeActionKind.QuickFix.startsWith(k));
    const actions = quick ? codeActionsFor(uri, params.context.diagnostics) : [];
    const all = await fixAllFor(ctx, params, token);
    return all ? [...actions, all] : actions;
  });
}
