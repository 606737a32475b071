// The bundled language server over stdio: capabilities, diagnostics on open, incremental
// changes, settings from workspace/configuration, footprint/report, inlay hints, shutdown.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  HoverRequest,
  InlayHintRequest,
  type InitializeResult,
  TextDocumentSyncKind,
} from "vscode-languageserver-protocol/node";
import type { FileAnalysis } from "../../server/src/analysis/types";
import { REPORT_REQUEST } from "../../server/src/shared/protocol";
import { fileUri, LspSession, position, ROOT } from "./harness";

const scriptPath = join(ROOT, "examples", "mnist_cnn.py");
const script = readFileSync(scriptPath, "utf8");
const uri = fileUri(scriptPath);

describe("language server over stdio", () => {
  const lsp = new LspSession();
  let init: InitializeResult;
  before(async () => {
    init = await lsp.initialize();
  });
  after(() => lsp.kill());

  it("announces incremental sync, hover, inlay hints, CodeLens, quick-fixes and fix-all", () => {
    const caps = init.capabilities;
    assert.deepEqual(caps.textDocumentSync, { openClose: true, change: TextDocumentSyncKind.Incremental });
    assert.equal(caps.hoverProvider, true);
    assert.equal(caps.inlayHintProvider, true);
    assert.deepEqual(caps.codeLensProvider, { resolveProvider: false });
    assert.deepEqual(caps.codeActionProvider, { codeActionKinds: ["quickfix", "source.fixAll.footprint"] });
    assert.equal(init.serverInfo?.name, "footprint-lint");
  });

  it("publishes diagnostics for an opened script, each from source footprint with a rule docs link", async () => {
    const diagnostics = await lsp.open(uri, script);
    console.log(`start to first diagnostics: ${lsp.firstDiagnosticsMs?.toFixed(0)} ms`);
    for (const d of diagnostics) {
      assert.equal(d.source, "footprint");
      if (d.code !== undefined) {
        assert.match(String(d.code), /^FP\d{3}$/);
        assert.equal(
          d.codeDescription?.href,
          `https://github.com/footprint-lint/footprint-lint/blob/main/docs/rules/${d.code}.md`,
        );
      }
    }
    assert.ok(!diagnostics.some((d) => /syntax error/.test(d.message)), "the example parses cleanly");
  });

  it("applies incremental changes: a broken line is reported, and fixing it clears the notice", async () => {
    const at = position(script, "import torch");
    await lsp.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: at, end: at }, text: "def broken(:\n" }],
    });
    const broken = await lsp.diagnostics(uri, (p) => p.version === 2);
    const notice = broken.diagnostics.find((d) => /1 syntax error/.test(d.message));
    assert.ok(notice, `a syntax notice in ${JSON.stringify(broken.diagnostics.map((d) => d.message))}`);
    assert.equal(notice.severity, DiagnosticSeverity.Hint);
    const report = (await lsp.connection.sendRequest(REPORT_REQUEST, { uri })) as FileAnalysis;
    assert.equal(report.syntaxErrors.length, 1);
    assert.equal(report.syntaxErrors[0].start.line, at.line);

    await lsp.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: at, end: { line: at.line + 1, character: 0 } }, text: "" }],
    });
    const fixed = await lsp.diagnostics(uri, (p) => p.version === 3);
    assert.ok(!fixed.diagnostics.some((d) => /syntax error/.test(d.message)));
    const again = (await lsp.connection.sendRequest(REPORT_REQUEST, { uri })) as FileAnalysis;
    assert.deepEqual(again.syntaxErrors, []);
  });

  it("answers footprint/report with the analysis of the open document's path", async () => {
    const report = (await lsp.connection.sendRequest(REPORT_REQUEST, { uri })) as FileAnalysis;
    assert.equal(report.path, scriptPath);
    assert.ok(Array.isArray(report.models) && Array.isArray(report.runs) && Array.isArray(report.findings));
  });

  it("answers null for documents it does not have", async () => {
    const unknown = fileUri(join(ROOT, "nope.py"));
    assert.equal(await lsp.connection.sendRequest(REPORT_REQUEST, { uri: unknown }), null);
    const hover = await lsp.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: unknown },
      position: { line: 0, character: 0 },
    });
    assert.equal(hover, null);
    const hints = await lsp.connection.sendRequest(InlayHintRequest.type, {
      textDocument: { uri: unknown },
      range: { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } },
    });
    assert.equal(hints, null);
  });

  it("shows a settings problem once as a warning and keeps working with the default", async () => {
    const shown = lsp.nextMessage();
    lsp.configuration.deviceCount = "two";
    await lsp.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    assert.match(await shown, /footprint\.deviceCount: expected a positive integer, got "two"; using 1/);
    // Re-analysed after the configuration change: fresh diagnostics for the current version.
    await lsp.diagnostics(uri, (p) => p.version === 3);
    // The same problem again (another re-analysis) is not shown a second time.
    const before = lsp.messages.length;
    await lsp.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await lsp.connection.sendRequest(REPORT_REQUEST, { uri });
    assert.equal(lsp.messages.length, before);
    lsp.configuration.deviceCount = 1;
  });

  it("returns no inlay hints when footprint.inlayHints.enabled is false", async () => {
    (lsp.configuration.inlayHints as { enabled: boolean }).enabled = false;
    await lsp.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    const hints = await lsp.connection.sendRequest(InlayHintRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: script.split("\n").length, character: 0 } },
    });
    assert.deepEqual(hints, []);
    (lsp.configuration.inlayHints as { enabled: boolean }).enabled = true;
    await lsp.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  });

  it("shuts down and exits with code 0", async () => {
    assert.equal(await lsp.shutdown(), 0);
  });
});
