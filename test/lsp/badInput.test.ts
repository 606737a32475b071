// Bad input never takes the server down: syntax errors, half-typed code, an empty file, binary
// text, a 5 MB file, malformed JSON-RPC, bad request parameters and malformed notifications each
// get a graceful answer while another document keeps being served.
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  HoverRequest,
} from "vscode-languageserver-protocol/node";
import type { FileAnalysis } from "../../server/src/analysis/types";
import { REPORT_REQUEST, VISIBLE_DOCUMENTS_NOTIFICATION } from "../../server/src/shared/protocol";
import { fileUri, LspSession, ROOT } from "./harness";

const goodPath = join(ROOT, "examples", "mnist_cnn.py");
const good = fileUri(goodPath);
const scratch = (name: string) => fileUri(join(ROOT, "test", "lsp", "virtual", name));

describe("language server under bad input", () => {
  const lsp = new LspSession();
  before(async () => {
    await lsp.initialize();
    await lsp.open(good, readFileSync(goodPath, "utf8"));
  });
  after(() => lsp.kill());

  /** The good document is still served: its report comes back with its path. */
  async function stillServing(): Promise<void> {
    const report = (await lsp.connection.sendRequest(REPORT_REQUEST, { uri: good })) as FileAnalysis;
    assert.equal(report.path, goodPath);
  }

  it("reports syntax errors as a partial-result notice", async () => {
    const diagnostics = await lsp.open(scratch("syntax.py"), "class Net(nn.Module:\n    def __init__(self)\n");
    const notice = diagnostics.find((d) => /syntax error/.test(d.message));
    assert.ok(notice);
    assert.equal(notice.severity, DiagnosticSeverity.Hint);
    await stillServing();
  });

  it("analyses half-typed code", async () => {
    const text = "import torch.nn as nn\nlayer = nn.Linear(784, \nmodel = nn.Sequential(layer, nn.";
    await lsp.open(scratch("half.py"), text);
    const report = (await lsp.connection.sendRequest(REPORT_REQUEST, { uri: scratch("half.py") })) as FileAnalysis;
    assert.ok(report.syntaxErrors.length > 0);
    await stillServing();
  });

  it("answers an empty file with no diagnostics", async () => {
    assert.deepEqual(await lsp.open(scratch("empty.py"), ""), []);
    const hover = await lsp.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: scratch("empty.py") },
      position: { line: 0, character: 0 },
    });
    assert.equal(hover, null);
  });

  it("does not analyse binary text (NUL bytes, lone surrogates from non-UTF-8 bytes)", async () => {
    const diagnostics = await lsp.open(scratch("binary.py"), "\u0000\u0001\uFFFD\uD800PK\u0003\u0004");
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0].message, /^Not analysed: the file contains NUL bytes/);
    assert.equal(diagnostics[0].severity, DiagnosticSeverity.Information);
    await stillServing();
  });

  it("does not analyse a 5 MB file and says why", async () => {
    const big = "x = 1\n".repeat((5 * 1024 * 1024) / 6);
    const diagnostics = await lsp.open(scratch("big.py"), big);
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0].message, /^Not analysed: 5\.2 MB is over the 2 MB limit/);
    await stillServing();
  });

  it("survives a malformed JSON-RPC message and a request with broken parameters", async () => {
    const body = '{"jsonrpc": "2.0", "id": 7, "method": ';
    lsp.writeRaw(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    await assert.rejects(
      lsp.connection.sendRequest(HoverRequest.type, { textDocument: null, position: null } as never),
      /Request textDocument\/hover failed/,
    );
    await stillServing();
  });

  it("answers null for a document that was never opened or was closed", async () => {
    assert.equal(await lsp.connection.sendRequest(REPORT_REQUEST, { uri: scratch("never.py") }), null);
    assert.equal(await lsp.connection.sendRequest(REPORT_REQUEST, {}), null);
    await stillServing();
  });

  it("ignores malformed visibility and file-change notifications", async () => {
    for (const params of [null, {}, { uris: 5 }, { uris: [1, null, { uri: "x" }] }]) {
      await lsp.connection.sendNotification(VISIBLE_DOCUMENTS_NOTIFICATION, params);
    }
    await lsp.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [
        { uri: "file:///%E0%A4%A", type: FileChangeType.Changed },
        { uri: "untitled:Untitled-1", type: FileChangeType.Deleted },
        { uri: fileUri(join(ROOT, "..", "outside.py")), type: FileChangeType.Created },
      ],
    });
    // Garbage in the list is dropped; the good document, named in it, is still served and shown.
    await lsp.connection.sendNotification(VISIBLE_DOCUMENTS_NOTIFICATION, { uris: [7, good] });
    await stillServing();
  });

  it("still shuts down cleanly", async () => {
    assert.equal(await lsp.shutdown(), 0);
  });
});

describe("language server without its grammar files", () => {
  // A copy of the bundle with no wasm beside it: a broken install, not a user's mistake.
  const dir = mkdtempSync(join(tmpdir(), "footprint-nogrammar-"));
  for (const bundle of ["server.js", "server-main.js"]) copyFileSync(join(ROOT, "dist", bundle), join(dir, bundle));
  const lsp = new LspSession(join(dir, "server.js"));
  after(() => {
    lsp.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps answering and puts the reason on each document", async () => {
    const init = await lsp.initialize();
    assert.equal(init.serverInfo?.name, "footprint-lint");
    const diagnostics = await lsp.open(good, readFileSync(goodPath, "utf8"));
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].severity, DiagnosticSeverity.Warning);
    assert.match(diagnostics[0].message, /internal error: .*tree-sitter\.wasm/);
    assert.equal(await lsp.connection.sendRequest(REPORT_REQUEST, { uri: scratch("never.py") }), null);
    assert.equal(await lsp.shutdown(), 0);
  });
});
