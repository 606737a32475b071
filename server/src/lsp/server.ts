// Wires the LSP features to one connection: capabilities, document sync, settings, workspace
// folders. The analyzer arrives as a promise so the server answers `initialize` while the
// grammar is still loading.
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  type Connection,
  DidChangeConfigurationNotification,
  type InitializeParams,
  type InitializeResult,
  TextDocumentSyncKind,
} from "vscode-languageserver";
import type { Analyzer } from "../analysis/analyze";
import { registerCodeActions } from "./codeActions";
import { registerCodeLens } from "./codeLens";
import type { ServerContext } from "./context";
import { publishAnalysis } from "./diagnostics";
import { DocumentStore } from "./documents";
import { FIX_ALL_KIND } from "./fixAll";
import { registerHover } from "./hover";
import { registerInlayHints } from "./inlayHints";
import { registerReport } from "./report";
import { SettingsProvider } from "./settings";
import { createWorkspaceReader, uriToPath } from "./workspaceReader";

export function startServer(connection: Connection, analyzer: Promise<Analyzer>, version: string): void {
  let roots: string[] = [];
  let canPullConfiguration = false;
  let canRegisterConfiguration = false;
  let canRefreshInlayHints = false;
  let canRefreshCodeLens = false;
  let supportsWorkspaceFolders = false;

  const settings = new SettingsProvider(
    connection,
    () => canPullConfiguration,
    () => roots,
  );
  const documents = new DocumentStore(
    {
      analyzer: () => analyzer,
      settingsFor: (uri) => settings.settingsFor(uri),
      // A loose file outside any folder may still import its neighbours.
      workspaceFor: (uri) => {
        const path = uriToPath(uri);
        return createWorkspaceReader(roots.length > 0 || path === uri ? roots : [dirnameOf(path)]);
      },
      log: (message) => connection.console.error(message),
    },
    (uri, docVersion, analysis) => publishAnalysis(connection, uri, docVersion, analysis),
  );
  const ctx: ServerContext = { connection, documents, settings };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    canPullConfiguration = !!caps.workspace?.configuration;
    canRegisterConfiguration = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
    canRefreshInlayHints = !!caps.workspace?.inlayHint?.refreshSupport;
    canRefreshCodeLens = !!caps.workspace?.codeLens?.refreshSupport;
    supportsWorkspaceFolders = !!caps.workspace?.workspaceFolders;
    roots = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri));
    if (roots.length === 0 && params.rootUri) roots = [uriToPath(params.rootUri)];
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        inlayHintProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: "footprint-lint", version },
    };
  });

  connection.onInitialized(() => {
    if (canRegisterConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: "footprint" });
    }
    if (supportsWorkspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        const removed = new Set(e.removed.map((f) => uriToPath(f.uri)));
        roots = [...roots.filter((r) => !removed.has(r)), ...e.added.map((f) => uriToPath(f.uri))];
        reanalyse();
      });
    }
  });

  const reanalyse = () => {
    settings.invalidate();
    documents.invalidateAll();
    // Inlay hints and CodeLens are pulled: ask the client to pull them again (settings may hide them).
    if (canRefreshInlayHints) void connection.languages.inlayHint.refresh();
    if (canRefreshCodeLens) void connection.sendRequest(CodeLensRefreshRequest.type);
  };
  connection.onDidChangeConfiguration(reanalyse);
  // pyproject.toml edits (the client watches them) change [tool.footprint].
  connection.onDidChangeWatchedFiles(reanalyse);

  connection.onDidOpenTextDocument(({ textDocument: d }) => documents.open(d.uri, d.languageId, d.version, d.text));
  connection.onDidChangeTextDocument(({ textDocument: d, contentChanges }) =>
    documents.change(d.uri, d.version, contentChanges),
  );
  connection.onDidCloseTextDocument(({ textDocument: d }) => {
    documents.close(d.uri);
    settings.forget(d.uri);
    void connection.sendDiagnostics({ uri: d.uri, diagnostics: [] });
  });

  registerHover(ctx);
  registerInlayHints(ctx);
  registerCodeLens(ctx);
  registerCodeActions(ctx);
  registerReport(ctx);

  connection.onShutdown(() => documents.dispose());
  connection.listen();
}

function dirnameOf(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i > 0 ? path.slice(0, i) : path;
}
