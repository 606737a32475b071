// "Footprint: Show Report": one webview panel beside the script, drawn by dist/webview.js from a
// view model the panel posts. It re-requests the analysis when the script, its diagnostics or the
// footprint settings change (debounced), so the HTML shell is set once and only data moves.
import * as vscode from "vscode";
import { type ClientGetter, requestAnalysis, targetUri } from "./analysisSource";
import { makeNonce, reportShellHtml } from "./html";
import { type FromWebview, parseFromWebview, type ToWebview } from "./messages";
import { type ReportViewModel, reportViewModel } from "./reportModel";

/** Typing pauses shorter than this do not re-request: the server re-analyses on each change anyway. */
const EDIT_DEBOUNCE_MS = 600;
/** Diagnostics arrive once the server finished analysing, so a short wait merges bursts. */
const DIAGNOSTICS_DEBOUNCE_MS = 100;

export class ReportPanel implements vscode.Disposable {
  static readonly viewType = "footprint.report";
  private panel: vscode.WebviewPanel | undefined;
  private source: vscode.Uri | undefined;
  private last: ReportViewModel | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped per request so a slow, older answer never overwrites a newer one. */
  private generation = 0;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly client: ClientGetter,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.isSource(e.document.uri)) this.schedule(EDIT_DEBOUNCE_MS);
      }),
      vscode.languages.onDidChangeDiagnostics((e) => {
        if (e.uris.some((u) => this.isSource(u))) this.schedule(DIAGNOSTICS_DEBOUNCE_MS);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration("footprint")) this.schedule(EDIT_DEBOUNCE_MS);
      }),
    );
  }

  /** The script the panel reports on, for commands that default to "what the report shows". */
  get currentSource(): vscode.Uri | undefined {
    return this.panel ? this.source : undefined;
  }

  /** Opens the panel (or retargets and reveals it) for `arg`, else the active Python editor. */
  async show(arg?: string | vscode.Uri): Promise<void> {
    const uri = targetUri(arg);
    if (!uri) {
      void vscode.window.showInformationMessage("Footprint: open a Python training script to see its report.");
      return;
    }
    this.source = uri;
    this.last = undefined;
    const title = `Footprint: ${uri.path.split("/").pop() ?? "report"}`;
    if (this.panel) {
      this.panel.title = title;
      this.panel.reveal(vscode.ViewColumn.Beside, true);
    } else {
      this.panel = this.createPanel(title);
    }
    this.post({ type: "status", message: "Analysing…" });
    await this.refresh();
  }

  private createPanel(title: string): vscode.WebviewPanel {
    const dist = vscode.Uri.joinPath(this.extensionUri, "dist");
    const panel = vscode.window.createWebviewPanel(
      ReportPanel.viewType,
      title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      // Scripts load only from dist/; no command links, no other local files.
      { enableScripts: true, localResourceRoots: [dist], enableCommandUris: false },
    );
    panel.webview.html = reportShellHtml({
      cspSource: panel.webview.cspSource,
      nonce: makeNonce(),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, "webview.js")).toString(),
      title,
    });
    panel.webview.onDidReceiveMessage((raw) => this.onMessage(parseFromWebview(raw)), null, this.subscriptions);
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.last = undefined;
      if (this.timer) clearTimeout(this.timer);
    });
    return panel;
  }

  private onMessage(msg: FromWebview | null): void {
    if (!msg) return;
    if (msg.type === "ready") {
      // A (re)loaded webview has nothing drawn: send what we have, or fetch it.
      if (this.last) this.post({ type: "report", model: this.last });
      else void this.refresh();
    } else if (msg.type === "reveal" && this.source) {
      const pos = new vscode.Position(msg.line, 0);
      void vscode.window.showTextDocument(this.source, {
        viewColumn: vscode.ViewColumn.One,
        selection: new vscode.Range(pos, pos),
      });
    }
  }

  private isSource(uri: vscode.Uri): boolean {
    return !!this.panel && !!this.source && uri.toString() === this.source.toString();
  }

  private schedule(ms: number): void {
    if (!this.panel) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), ms);
  }

  private async refresh(): Promise<void> {
    const source = this.source;
    if (!this.panel || !source) return;
    const mine = ++this.generation;
    const analysis = await requestAnalysis(this.client, source, true);
    if (mine !== this.generation || !this.panel) return;
    if (!analysis) {
      this.post({ type: "status", message: "No report: the language server has no analysis of this file." });
      return;
    }
    this.last = reportViewModel(analysis);
    this.post({ type: "report", model: this.last });
  }

  private post(message: ToWebview): void {
    void this.panel?.webview.postMessage(message);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.panel?.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
