// Event-driven waits for the test-electron suite: resolve when a condition over the editor's state
// holds, re-checked on the events that can change it, with a timeout that reports what was seen.
import * as vscode from "vscode";

export const TIMEOUT_MS = 60_000;

export function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === "object" && d.code !== null ? String(d.code.value) : String(d.code ?? "");
}

/** Resolves with the file's diagnostics once `accept` holds. */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: readonly vscode.Diagnostic[]) => boolean,
): Promise<readonly vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const diagnostics = vscode.languages.getDiagnostics(uri);
      if (!accept(diagnostics)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(diagnostics);
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      subscription.dispose();
      const seen = vscode.languages.getDiagnostics(uri).map((d) => `${codeOf(d)} ${d.message}`);
      reject(new Error(`no matching diagnostics after ${TIMEOUT_MS} ms; seen: ${JSON.stringify(seen)}`));
    }, TIMEOUT_MS);
    check();
  });
}

/** The CodeLens titles VS Code gets from the providers for `uri`. */
export async function codeLensTitles(uri: vscode.Uri): Promise<string[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>("vscode.executeCodeLensProvider", uri, 100);
  return (lenses ?? []).map((l) => l.command?.title ?? "");
}

/**
 * Resolves once the CodeLens of `uri` include `title`. The server re-analyses after a settings
 * change and then republishes diagnostics, so each diagnostics event triggers a re-check.
 */
export function waitForCodeLens(uri: vscode.Uri, title: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    let last: string[] = [];
    const check = async () => {
      if (done) return;
      last = await codeLensTitles(uri);
      if (!last.includes(title) || done) return;
      done = true;
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((u) => u.toString() === uri.toString())) void check();
    });
    const timer = setTimeout(() => {
      done = true;
      subscription.dispose();
      reject(new Error(`CodeLens "${title}" not shown after ${TIMEOUT_MS} ms; shown: ${JSON.stringify(last)}`));
    }, TIMEOUT_MS);
    void check();
  });
}
