// Cross-file freshness through the bundled server over stdio: the server asks to watch Python
// files, config files and pyproject.toml, an importer follows the imported module's unsaved buffer and then its
// saved file (workspace/didChangeWatchedFiles), and a hidden document is still analysed when idle.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  FileChangeType,
  type PublishDiagnosticsParams,
} from "vscode-languageserver-protocol/node";
import { VISIBLE_DOCUMENTS_NOTIFICATION } from "../../server/src/shared/protocol";
import { fileUri, LspSession } from "./harness";

const dir = mkdtempSync(join(tmpdir(), "footprint-crossfile-"));
const modelSource = (out: number) =>
  `import torch.nn as nn\n\n\nclass Head(nn.Module):\n    def __init__(self, width=16):\n        super().__init__()\n        self.fc = nn.Linear(width, ${out})\n\n    def forward(self, x):\n        return self.fc(x)\n`;
const trainSource = "import torch\nfrom model import Head\n\nhead = Head(width=16)\n";
writeFileSync(join(dir, "model.py"), modelSource(8));
writeFileSync(join(dir, "train.py"), trainSource);
const model = fileUri(join(dir, "model.py"));
const train = fileUri(join(dir, "train.py"));
const hidden = fileUri(join(dir, "hidden.py"));

/** The parameter count the FP100 diagnostic on `head = Head(...)` states. */
function paramsIn(p: PublishDiagnosticsParams): string | null {
  const fp100 = p.diagnostics.find((d) => d.code === "FP100");
  return fp100?.message.match(/: ([\d,]+) params/)?.[1] ?? null;
}

describe("cross-file freshness over stdio", () => {
  const lsp = new LspSession();
  const nextParams = async (previous: PublishDiagnosticsParams) =>
    paramsIn(await lsp.diagnostics(train, (p) => p !== previous));

  before(async () => {
    await lsp.initialize(dir, { watchFiles: true, visibleDocuments: [train] });
  });
  after(async () => {
    await lsp.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it("registers watchers for Python files, config files and pyproject.toml", async () => {
    // The registration is sent after `initialized`; the first analysis comes later still.
    const first = await lsp.open(train, trainSource);
    assert.ok(first.some((d) => d.code === "FP100"));
    const watch = lsp.registrations.find((r) => r.method === DidChangeWatchedFilesNotification.method);
    assert.deepEqual(
      (watch?.registerOptions as { watchers: Array<{ globPattern: string }> }).watchers.map((w) => w.globPattern),
      ["**/pyproject.toml", "**/*.py", "**/*.{yaml,yml,json,toml}"],
    );
  });

  it("follows the imported module's buffer, then its saved file", async () => {
    let now = await lsp.diagnostics(train);
    assert.equal(paramsIn(now), String(16 * 8 + 8));

    // model.py opened (not visible) with an unsaved edit: train.py is re-analysed against the buffer.
    const opened = nextParams(now);
    await lsp.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: model, languageId: "python", version: 1, text: modelSource(8) },
    });
    await lsp.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: model, version: 2 },
      contentChanges: [{ text: modelSource(4) }],
    });
    assert.equal(await opened, String(16 * 4 + 4));

    // Closed without saving: back to the disk's text.
    now = await lsp.diagnostics(train);
    const closed = nextParams(now);
    await lsp.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: model } });
    assert.equal(await closed, String(16 * 8 + 8));

    // Saved by another program: the watcher's event re-analyses the importer.
    now = await lsp.diagnostics(train);
    writeFileSync(join(dir, "model.py"), modelSource(2));
    const saved = nextParams(now);
    await lsp.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: model, type: FileChangeType.Changed }],
    });
    assert.equal(await saved, String(16 * 2 + 2));
  });

  it("a saved config file re-analyses the script that read it", async () => {
    writeFileSync(join(dir, "sizes.yaml"), "width: 16\n");
    const reader = fileUri(join(dir, "reader.py"));
    const readerSource =
      'import yaml\nfrom model import Head\n\ncfg = yaml.safe_load(open("sizes.yaml"))\nhead = Head(width=cfg["width"])\n';
    await lsp.connection.sendNotification(VISIBLE_DOCUMENTS_NOTIFICATION, { uris: [train, reader] });
    const first = await lsp.open(reader, readerSource);
    assert.equal(paramsIn({ uri: reader, diagnostics: first }), String(16 * 2 + 2));
    const before = await lsp.diagnostics(reader);
    writeFileSync(join(dir, "sizes.yaml"), "width: 64\n");
    const after = lsp.diagnostics(reader, (p) => p !== before);
    await lsp.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: fileUri(join(dir, "sizes.yaml")), type: FileChangeType.Changed }],
    });
    assert.equal(paramsIn(await after), String(64 * 2 + 2));
  });

  it("analyses a hidden document in idle time, and at once when it becomes visible", async () => {
    await lsp.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: hidden, languageId: "python", version: 1, text: trainSource },
    });
    const idle = await lsp.diagnostics(hidden, (p) => p.version === 1);
    assert.equal(paramsIn(idle), String(16 * 2 + 2));
    await lsp.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: hidden, version: 2 },
      contentChanges: [{ text: trainSource.replace("width=16", "width=32") }],
    });
    await lsp.connection.sendNotification(VISIBLE_DOCUMENTS_NOTIFICATION, { uris: [train, hidden] });
    const shown = await lsp.diagnostics(hidden, (p) => p.version === 2);
    assert.equal(paramsIn(shown), String(32 * 2 + 2));
  });
});
