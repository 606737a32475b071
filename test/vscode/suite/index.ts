// Runs inside VS Code's extension host (loaded by @vscode/test-electron): opens an example script
// and checks that the extension activates and the language server publishes its diagnostics.
import assert from "node:assert/strict";
import * as vscode from "vscode";

const EXTENSION_ID = "footprint-lint.footprint-lint";
const DIAGNOSTICS_TIMEOUT_MS = 60_000;

/** Resolves with the file's diagnostics once `accept` holds, driven by change events (no polling sleeps). */
function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: readonly vscode.Diagnostic[]) => boolean,
): Promise<readonly vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const diagnostics = vscode.languages.getDiagnostics(uri);
      if (!accept(diagnostics)) return false;
      clearTimeout(timer);
      subscription.dispose();
      resolve(diagnostics);
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      subscription.dispose();
      const seen = vscode.languages.getDiagnostics(uri).map((d) => `${d.source}:${codeOf(d)} ${d.message}`);
      reject(new Error(`no matching diagnostics after ${DIAGNOSTICS_TIMEOUT_MS} ms; seen: ${JSON.stringify(seen)}`));
    }, DIAGNOSTICS_TIMEOUT_MS);
    check();
  });
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === "object" && d.code !== null ? String(d.code.value) : String(d.code ?? "");
}

export async function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, "the examples folder is not open");
  const uri = vscode.Uri.joinPath(folder.uri, "mnist_cnn.py");
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);

  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in the test instance`);
  await extension.activate();
  assert.equal(extension.isActive, true);

  const diagnostics = await waitForDiagnostics(uri, (all) =>
    all.some((d) => d.source === "footprint" && codeOf(d) === "FP100"),
  );
  const modelSize = diagnostics.find((d) => codeOf(d) === "FP100")!;
  assert.match(modelSize.message, /param/i);
  assert.ok(
    typeof modelSize.code === "object" && modelSize.code.target.toString().includes("FP100"),
    "FP100 links to its docs page",
  );

  const commands = await vscode.commands.getCommands(true);
  for (const command of ["footprint.showReport", "footprint.restartServer"]) {
    assert.ok(commands.includes(command), `${command} is not registered`);
  }
  console.log(`test:vscode: ${diagnostics.length} footprint diagnostics on mnist_cnn.py, FP100: ${modelSize.message}`);
}
