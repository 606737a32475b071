// Status bar item: the active Python file's total (parameters, training energy and CO2e), refreshed when
// the active editor or its diagnostics change; clicking opens the report.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { REPORT_REQUEST, type ReportResult, SHOW_REPORT_COMMAND } from "../../server/src/shared/protocol";
import { statusText } from "./statusText";

export function createStatusBar(client: () => LanguageClient | undefined): vscode.Disposable {
  const item = vscode.window.createStatusBarItem("footprint.estimate", vscode.StatusBarAlignment.Right, 100);
  item.name = "Footprint estimate";
  item.command = SHOW_REPORT_COMMAND;
  let generation = 0;

  const update = async () => {
    const doc = vscode.window.activeTextEditor?.document;
    const c = client();
    const mine = ++generation;
    if (!doc || doc.languageId !== "python" || !c?.isRunning()) {
      item.hide();
      return;
    }
    let analysis: ReportResult = null;
    try {
      analysis = await c.sendRequest<ReportResult>(REPORT_REQUEST, { uri: doc.uri.toString() });
    } catch {
      analysis = null;
    }
    if (mine !== generation) return; // a newer update started meanwhile
    const text = analysis ? statusText(analysis) : null;
    if (!text) {
      item.hide();
      return;
    }
    item.text = text;
    item.tooltip =
      "Footprint: parameters of the models in this file and the estimated training energy and emissions. Click for the report.";
    item.show();
  };

  const active = () => vscode.window.activeTextEditor?.document.uri.toString();
  return vscode.Disposable.from(
    item,
    vscode.window.onDidChangeActiveTextEditor(() => void update()),
    vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === active())) void update();
    }),
  );
}
