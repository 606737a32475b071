// textDocument/codeAction: the fixes a diagnostic carries in its data (no re-analysis), a
// "suppress on this line" action for every finding, and "open report" for run estimates.
import {
  type CodeAction,
  CodeActionKind,
  type CodeActionParams,
  type Diagnostic,
  TextDocumentEdit,
} from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { SHOW_REPORT_COMMAND } from "../shared/protocol";
import type { ServerContext } from "./context";
import { toLspEdits } from "./convert";
import { DIAGNOSTIC_SOURCE, isFindingData } from "./diagnostics";

const IGNORE_DIRECTIVE = /#\s*footprint:\s*ignore\[([^\]]*)\]\s*$/;

/** The edit that adds `code` to the line's `# footprint: ignore[...]` comment, or appends one. */
export function suppressEdit(doc: TextDocument, line: number, code: string) {
  const text = doc
    .getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } })
    .replace(/\r?\n$/, "");
  const existing = IGNORE_DIRECTIVE.exec(text);
  if (existing) {
    const codes = existing[1]
      .split(",")
      .map((c) => c.trim())
      .filter(Boolean);
    if (codes.includes(code)) return null;
    const start = existing.index;
    return {
      range: { start: { line, character: start }, end: { line, character: text.length } },
      newText: `# footprint: ignore[${[...codes, code].join(", ")}]`,
    };
  }
  return {
    range: { start: { line, character: text.length }, end: { line, character: text.length } },
    newText: `  # footprint: ignore[${code}]`,
  };
}

export function codeActionsFor(doc: TextDocument, diagnostics: Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE || typeof diagnostic.code !== "string") continue;
    const data = diagnostic.data;
    if (!isFindingData(data) || data.uri !== doc.uri) continue;
    const versioned = { uri: doc.uri, version: data.version };
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
        command: { title: "Open the Footprint report", command: SHOW_REPORT_COMMAND, arguments: [doc.uri] },
      });
    }
    // Line numbers in a stale diagnostic may point elsewhere now: only offer it on the current version.
    const edit = data.version === doc.version ? suppressEdit(doc, diagnostic.range.start.line, diagnostic.code) : null;
    if (edit) {
      actions.push({
        title: `Suppress ${diagnostic.code} on this line`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: { documentChanges: [TextDocumentEdit.create(versioned, [edit])] },
      });
    }
  }
  return actions;
}

export function registerCodeActions(ctx: ServerContext): void {
  ctx.connection.onCodeAction((params: CodeActionParams) => {
    const doc = ctx.documents.document(params.textDocument.uri);
    return doc ? codeActionsFor(doc, params.context.diagnostics) : null;
  });
}
