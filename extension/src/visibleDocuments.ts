// Tells the server which documents are on screen (text editors and notebook cells), so it
// analyses those first and leaves hidden tabs for idle time (footprint/visibleDocuments).
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { VISIBLE_DOCUMENTS_NOTIFICATION, type VisibleDocumentsParams } from "../../server/src/shared/protocol";

export interface VisibleDocumentsTracker extends vscode.Disposable {
  /** Sends the current set (after a server start or restart). */
  send(): void;
}

export function visibleUris(): string[] {
  const uris = new Set<string>();
  for (const editor of vscode.window.visibleTextEditors) uris.add(editor.document.uri.toString());
  for (const editor of vscode.window.visibleNotebookEditors) {
    for (const cell of editor.notebook.getCells()) uris.add(cell.document.uri.toString());
  }
  return [...uris];
}

export function trackVisibleDocuments(client: () => LanguageClient | undefined): VisibleDocumentsTracker {
  let last = "";
  const send = (force: boolean) => {
    const c = client();
    if (!c?.isRunning()) return;
    const uris = visibleUris();
    const key = uris.join("\n");
    if (!force && key === last) return;
    last = key;
    const params: VisibleDocumentsParams = { uris };
    void c.sendNotification(VISIBLE_DOCUMENTS_NOTIFICATION, params);
  };
  const subscriptions = [
    vscode.window.onDidChangeVisibleTextEditors(() => send(false)),
    vscode.window.onDidChangeVisibleNotebookEditors(() => send(false)),
  ];
  return {
    send: () => send(true),
    dispose: () => {
      for (const s of subscriptions) s.dispose();
    },
  };
}
