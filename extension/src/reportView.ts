// "Footprint: Show Report": asks the server for a document's analysis and shows it as a
// read-only Markdown preview beside the script, refreshed whenever the script's diagnostics change.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { markdownReport } from "../../server/src/cli/renderMarkdown";
import { REPORT_REQUEST, type ReportParams, type ReportResult } from "../../server/src/shared/protocol";

export const REPORT_SCHEME = "footprint-report";

export class ReportView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  /** Preview URI (as string) → the script it reports on, and the last rendered Markdown. */
  private readonly reports = new Map<string, { source: string; markdown: string }>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly client: () => LanguageClient | undefined) {
    this.subscriptions.push(
      vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, this),
      vscode.languages.onDidChangeDiagnostics((e) => {
        const changed = new Set(e.uris.map((u) => u.toString()));
        for (const [preview, report] of this.reports) {
          if (changed.has(report.source)) void this.refresh(vscode.Uri.parse(preview));
        }
      }),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.reports.get(uri.toString())?.markdown ?? "# Footprint report\n\nLoading…\n";
  }

  /** Opens (or focuses) the report of `source`, the active Python editor when not given. */
  async show(source?: string | vscode.Uri): Promise<void> {
    const target = source ? source.toString() : vscode.window.activeTextEditor?.document.uri.toString();
    if (!target) {
      void vscode.window.showInformationMessage("Footprint: open a Python training script to see its report.");
      return;
    }
    const name = target.split("/").pop()?.replace(/\.py$/, "") || "script";
    const preview = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${name} footprint.md`, query: target });
    this.reports.set(preview.toString(), { source: target, markdown: this.provideTextDocumentContent(preview) });
    if (!(await this.refresh(preview))) return;
    try {
      await vscode.commands.executeCommand("markdown.showPreviewToSide", preview);
    } catch {
      // Without the built-in Markdown extension, the Markdown source is still a readable report.
      const doc = await vscode.workspace.openTextDocument(preview);
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    }
  }

  private async refresh(preview: vscode.Uri): Promise<boolean> {
    const report = this.reports.get(preview.toString());
    const client = this.client();
    if (!report || !client) return false;
    const params: ReportParams = { uri: report.source };
    let analysis: ReportResult;
    try {
      analysis = await client.sendRequest<ReportResult>(REPORT_REQUEST, params);
    } catch (err) {
      void vscode.window.showWarningMessage(`Footprint: the report failed: ${(err as Error).message}`);
      return false;
    }
    if (!analysis) {
      void vscode.window.showInformationMessage("Footprint: this file is not a Python document the server analyses.");
      return false;
    }
    const shown = { ...analysis, path: vscode.workspace.asRelativePath(vscode.Uri.parse(report.source)) };
    report.markdown = markdownReport([shown]);
    this.changed.fire(preview);
    return true;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
