// Wires the LSP features to one connection: capabilities, document sync, settings, workspace
// folders. The analyzer arrives as a promise so the server answers `initialize` while the
// grammar is still loading.
import type { Connection, FileEvent, InitializeParams, InitializeResult } from "vscode-languageserver";
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocumentSyncKind,
} from "./lspValues";
import type { Analyzer } from "../analysis/analyze";
import { VISIBLE_DOCUMENTS_NOTIFICATION, type VisibleDocumentsParams } from "../shared/protocol";
import { registerCodeActions } from "./codeActions";
import { registerCodeLens } from "./codeLens";
import type { ServerContext } from "./context";
import { publishAnalysis } from "./diagnostics";
import { DocumentStore } from "./documents";
import { exposeGc, youngGenerationCollector } from "./idleGc";
import { FIX_ALL_KIND } from "./fixAll";
import { registerHover } from "./hover";
import { registerInlayHints } from "./inlayHints";
import { registerReport } from "./report";
import { SettingsProvider } from "./settings";
import { createWorkspaceReader, uriToPath } from "./workspaceReader";

/** Config files scripts read (evaluate/configFiles.ts): a saved change re-analyses their readers. */
const CONFIG_GLOB = "**/*.{yaml,yml,json,toml}";

export interface ServerHooks {
  /** Runs once, after the first analysis is published (main.ts writes the code cache then); returns a log line. */
  afterFirstAnalysis?: () => string | null;
}

export function startServer(
  connection: Connection,
  analyzer: Promise<Analyzer>,
  version: string,
  hooks: ServerHooks = {},
): void {
  let firstAnalysis = true;
  let roots: string[] = [];
  let canPullConfiguration = false;
  let canRegisterConfiguration = false;
  let canRegisterFileWatchers = false;
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
      // The collector's context is made at the first idle moment, not during start-up.
      afterAnalysis: exposeGc() ? () => youngGenerationCollector()?.() : undefined,
    },
    (uri, docVersion, analysis) => {
      publishAnalysis(connection, uri, docVersion, analysis);
      if (!firstAnalysis) return;
      firstAnalysis = false;
      // After the diagnostics are on their way, not before them.
      setImmediate(() => {
        const line = hooks.afterFirstAnalysis?.();
        if (line) connection.console.log(line);
      });
    },
  );
  const ctx: ServerContext = { connection, documents, settings };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    canPullConfiguration = !!caps.workspace?.configuration;
    canRegisterConfiguration = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
    canRegisterFileWatchers = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    canRefreshInlayHints = !!caps.workspace?.inlayHint?.refreshSupport;
    canRefreshCodeLens = !!caps.workspace?.codeLens?.refreshSupport;
    supportsWorkspaceFolders = !!caps.workspace?.workspaceFolders;
    roots = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri));
    if (roots.length === 0 && params.rootUri) roots = [uriToPath(params.rootUri)];
    const visible = stringsOf(
      (params.initializationOptions as { visibleDocuments?: unknown } | null)?.visibleDocuments,
    );
    if (visible) documents.setVisible(visible);
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
    if (canRegisterFileWatchers) {
      // pyproject.toml holds [tool.footprint]; Python files are what imports read, YAML/JSON/TOML files
      // the configs scripts load. Asked for here, not in each client, so every editor that can
      // watch files keeps importers fresh.
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: "**/pyproject.toml" }, { globPattern: "**/*.py" }, { globPattern: CONFIG_GLOB }],
      });
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
  connection.onDidChangeWatchedFiles(({ changes }) => {
    // pyproject.toml edits change [tool.footprint] for every document under it.
    if (changes.some((c) => /(^|[\\/])pyproject\.toml$/.test(c.uri))) reanalyse();
    // A saved, created or deleted module: only the documents whose imports read it, if it now differs.
    const paths = changes.filter(isLocalFile).map((c) => uriToPath(c.uri));
    if (paths.length > 0) documents.filesChanged(paths);
  });
  connection.onNotification(VISIBLE_DOCUMENTS_NOTIFICATION, (params: VisibleDocumentsParams | null) => {
    const visible = stringsOf(params?.uris);
    if (visible) documents.setVisible(visible);
  });

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

/** The strings of a client-sent array, or null when it is not an array (ignored, not trusted). */
function stringsOf(value: unknown): string[] | null {
  return Array.isArray(value) ? value.filter((u): u is string => typeof u === "string") : null;
}

function isLocalFile(change: FileEvent): boolean {
  return change.uri.startsWith("file:") && !/pyproject\.toml$/.test(change.uri);
}

function dirnameOf(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i > 0 ? path.slice(0, i) : path;
}
