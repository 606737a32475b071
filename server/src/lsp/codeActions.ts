// textDocument/codeAction: the fixes of the finding a diagnostic's data names (each rule's fixes
// plus the core's "ignore" ones), built now from the cached analysis of the diagnostic's version —
// no re-analysis; "open report" for run estimates.
import type { CodeAction, CodeActionParams, Diagnostic } from "vscode-languageserver";
import { CodeActionKind, TextDocumentEdit } from "./lspValues";
import type { FileAnalysis } from "../analysis/types";
import { SHOW_REPORT_COMMAND } from "../shared/protocol";
import type { ServerContext } from "./context";
import { toLspEdits } from "./convert";
import { DIAGNOSTIC_SOURCE, isFindingData } from "./diagnostics";
import { fixAllFor } from "./fixAll";

/** `analysisAt(version)`: the cached analysis of that version if it is the document's current one. */
export function codeActionsFor(
  uri: string,
  diagnostics: Diagnostic[],
  analysisAt: (version: number) => FileAnalysis | null,
): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE || typeof diagnostic.code !== "string") continue;
    const data = diagnostic.data;
    if (!isFindingData(data) || data.uri !== uri) continue;
    // A diagnostic of an older version gets no fixes: their edits would land on text that moved.
    const finding = analysisAt(data.version)?.findings[data.finding];
    const fixes = finding?.code === diagnostic.code ? finding.fixes : [];
    // Versioned edits: the client refuses them if the document changes before they are applied.
    const versioned = { uri, version: data.version };
    for (const fix of fixes) {
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
    const actions = quick
      ? codeActionsFor(uri, params.context.diagnostics, (version) => ctx.documents.analysisAt(uri, version))
      : [];
    const all = await fixAllFor(ctx, params, token);
    return all ? [...actions, all] : actions;
  });
}
