// The VS Code client: starts dist/server.js over node IPC for Python files, syncs the
// `footprint` settings, and adds the report, restart and status bar on top of the LSP features.
import * as path from "node:path";
import * as vscode from "vscode";
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";
import { SHOW_REPORT_COMMAND } from "../../server/src/shared/protocol";
import { registerFootprintCommands } from "./commands";
import { ReportPanel } from "./report/reportPanel";
import { RestartPolicy } from "./restartPolicy";
import { createStatusBar } from "./statusBar";
import { trackVisibleDocuments, visibleUris } from "./visibleDocuments";

let client: LanguageClient | undefined;
const restarts = new RestartPolicy();

function createClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath(path.join("dist", "server.js"));
  // The server keeps its start-up code cache in the extension's private storage (boot.ts).
  const env = { ...process.env, FOOTPRINT_CACHE_DIR: path.join(context.globalStorageUri.fsPath, "code-cache") };
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { env } },
    debug: { module, transport: TransportKind.ipc, options: { env, execArgv: ["--nolazy", "--inspect=6011"] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "python" },
      { scheme: "untitled", language: "python" },
      // Python cells of Jupyter notebooks, each analysed on its own (an .ipynb file itself is JSON).
      { notebook: "*", language: "python" },
    ],
    // The server registers its own file watchers (pyproject.toml, imported *.py) dynamically.
    synchronize: { configurationSection: "footprint" },
    // Known before the first didOpen, so tabs restored at start-up but hidden wait for idle time.
    initializationOptions: () => ({ visibleDocuments: visibleUris() }),
    outputChannelName: "Footprint",
    // A dead server is restarted a bounded number of times, and the user is told each time.
    errorHandler: {
      error: (_error, _message, count) => ({
        action: restarts.onError(count) === "continue" ? ErrorAction.Continue : ErrorAction.Shutdown,
      }),
      closed: () => {
        const d = restarts.onClose(Date.now());
        if (!d.restart) return { action: CloseAction.DoNotRestart, message: d.message };
        void vscode.window.showWarningMessage(d.message);
        return { action: CloseAction.Restart, message: d.message, handled: true };
      },
    },
  };
  // The id "footprint" makes `footprint.trace.server` trace this client.
  return new LanguageClient("footprint", "Footprint Lint", serverOptions, clientOptions);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  client = createClient(context);
  const visible = trackVisibleDocuments(() => client);
  // A (re)started server knows nothing: tell it what is on screen each time it is running.
  client.onDidChangeState((e) => {
    if (e.newState === State.Running) visible.send();
  });
  // The report is a webview panel (report/); Export Report → Markdown keeps the Markdown renderer.
  const report = new ReportPanel(context.extensionUri, () => client);
  context.subscriptions.push(
    report,
    registerFootprintCommands(
      context,
      () => client,
      () => report.currentSource,
    ),
    createStatusBar(() => client),
    visible,
    vscode.commands.registerCommand(SHOW_REPORT_COMMAND, (uri?: string | vscode.Uri) => report.show(uri)),
    vscode.commands.registerCommand("footprint.restartServer", async () => {
      if (!client) return;
      restarts.reset();
      await client.restart();
      void vscode.window.setStatusBarMessage("Footprint: language server restarted", 3000);
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
