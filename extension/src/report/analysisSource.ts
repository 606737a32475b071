// Where the report and the commands get an analysis from: the running language server's
// `footprint/report` request for one document, and which document a command is about.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import type { FileAnalysis } from "../../../server/src/analysis/types";
import { REPORT_REQUEST, type ReportParams, type ReportResult } from "../../../server/src/shared/protocol";

export type ClientGetter = () => LanguageClient | undefined;

/** The document a command acts on: its argument (CodeLens passes a URI string), else the active Python editor. */
export function targetUri(arg?: string | vscode.Uri): vscode.Uri | null {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === "string" && arg) return vscode.Uri.parse(arg);
  const doc = vscode.window.activeTextEditor?.document;
  return doc && doc.languageId === "python" ? doc.uri : null;
}

/**
 * The server's analysis of `uri` with the path shown relative to the workspace; null when none,
 * said in a notification unless `quiet` (the report's background refreshes say it in the panel).
 */
export async function requestAnalysis(
  client: ClientGetter,
  uri: vscode.Uri,
  quiet = false,
): Promise<FileAnalysis | null> {
  const say = (show: (m: string) => Thenable<unknown>, m: string) => {
    if (!quiet) void show(`Footprint: ${m}`);
  };
  const c = client();
  if (!c?.isRunning()) {
    say(vscode.window.showWarningMessage, "the language server is not running.");
    return null;
  }
  let result: ReportResult;
  try {
    result = await c.sendRequest<ReportResult>(REPORT_REQUEST, { uri: uri.toString() } satisfies ReportParams);
  } catch (err) {
    say(vscode.window.showWarningMessage, `the report failed: ${(err as Error).message}`);
    return null;
  }
  if (!result) {
    say(vscode.window.showInformationMessage, "this file is not a Python document the server analyses.");
    return null;
  }
  return { ...result, path: vscode.workspace.asRelativePath(uri) };
}
