// Core types → LSP types. Core positions already use LSP's convention (0-based lines, UTF-16
// columns), so ranges pass through; severities and edits need mapping.
import type { Position as LspPosition, Range as LspRange, TextEdit as LspTextEdit } from "vscode-languageserver";
import { DiagnosticSeverity } from "./lspValues";
import type { Fix, Position, Range, Severity } from "../analysis/types";

export { RULE_DOCS_BASE, ruleDocsUrl } from "../shared/ruleDocs";

export function toLspSeverity(s: Severity): DiagnosticSeverity {
  switch (s) {
    case "error":
      return DiagnosticSeverity.Error;
    case "warning":
      return DiagnosticSeverity.Warning;
    case "information":
      return DiagnosticSeverity.Information;
    case "hint":
      return DiagnosticSeverity.Hint;
  }
}

export function toLspRange(r: Range): LspRange {
  return { start: { ...r.start }, end: { ...r.end } };
}

export function toLspEdits(fix: Fix): LspTextEdit[] {
  return fix.edits.map((e) => ({ range: toLspRange(e.range), newText: e.newText }));
}

export function positionInRange(p: LspPosition | Position, r: Range): boolean {
  const afterStart = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const beforeEnd = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return afterStart && beforeEnd;
}

/** Orders ranges so the innermost (shortest) comes first: the thing under the cursor. */
export function rangeSize(r: Range): number {
  return (r.end.line - r.start.line) * 1e6 + (r.end.character - r.start.character);
}

export function rangesOverlap(a: Range, b: LspRange): boolean {
  const aEndsBefore = a.end.line < b.start.line || (a.end.line === b.start.line && a.end.character < b.start.character);
  const bEndsBefore = b.end.line < a.start.line || (b.end.line === a.start.line && b.end.character < a.start.character);
  return !aEndsBefore && !bEndsBefore;
}
