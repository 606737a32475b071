// Findings → published diagnostics (code, docs link, source, which finding for code actions), plus
// file notices (not analysed, partial results, internal errors) as diagnostics at the top.
import type { Connection, Diagnostic } from "vscode-languageserver";
import { DiagnosticSeverity } from "./lspValues";
import type { FileAnalysis } from "../analysis/types";
import { ruleDocsUrl, toLspRange, toLspSeverity } from "./convert";

export const DIAGNOSTIC_SOURCE = "footprint";

/**
 * Carried in `Diagnostic.data`: which finding of which analysis, so a code action builds that
 * finding's fixes from the cached analysis (fixes are built on demand, not with the diagnostics).
 */
export interface FindingData {
  uri: string;
  /** Document version the diagnostic belongs to: a code action for another version gets no fixes. */
  version: number;
  /** Index in that analysis's findings. */
  finding: number;
}

export function isFindingData(x: unknown): x is FindingData {
  const d = x as FindingData;
  return !!d && typeof d.uri === "string" && Number.isInteger(d.version) && Number.isInteger(d.finding);
}

/** How loud a notice is: internal errors warn, "not analysed" informs, partial results hint. */
export function noticeSeverity(notice: string): DiagnosticSeverity {
  if (/internal error|^FP\d+ stopped/i.test(notice)) return DiagnosticSeverity.Warning;
  if (/^Not analysed/i.test(notice)) return DiagnosticSeverity.Information;
  return DiagnosticSeverity.Hint;
}

export function toDiagnostics(uri: string, version: number, analysis: FileAnalysis): Diagnostic[] {
  const out: Diagnostic[] = analysis.findings.map((f, finding) => {
    const data: FindingData = { uri, version, finding };
    return {
      range: toLspRange(f.range),
      severity: toLspSeverity(f.severity),
      code: f.code,
      codeDescription: { href: ruleDocsUrl(f.code) },
      source: DIAGNOSTIC_SOURCE,
      message: f.message,
      data,
    };
  });
  // Notices have no position of their own; the first line is where a file-level message belongs.
  // Syntax errors themselves are left to the Python language server, which explains them better.
  for (const notice of analysis.notices) {
    out.push({
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: noticeSeverity(notice),
      source: DIAGNOSTIC_SOURCE,
      message: notice,
    });
  }
  return out;
}

export function publishAnalysis(connection: Connection, uri: string, version: number, analysis: FileAnalysis): void {
  void connection.sendDiagnostics({ uri, version, diagnostics: toDiagnostics(uri, version, analysis) });
}
