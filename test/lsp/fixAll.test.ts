// source.fixAll.footprint through the bundled server: advertised in the capabilities, answered for
// "source" / "source.fixAll" requests with one versioned edit set built from the cached analysis,
// and — once applied — the next fix-all request offers nothing.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  type CodeAction,
  CodeActionRequest,
  DidChangeTextDocumentNotification,
  type TextDocumentEdit,
} from "vscode-languageserver-protocol/node";
import { applyEdits } from "../../server/src/analysis/fixes/textEdits";
import { fileUri, LspSession, ROOT } from "./harness";

const PATH = join(ROOT, "test", "fixtures", "rules", "mnist_gpu_fp32.py");
const TEXT = readFileSync(PATH, "utf8");
const URI = fileUri(PATH);
const WHOLE = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

describe("LSP fix-all", () => {
  let lsp: LspSession;
  let kinds: unknown;
  before(async () => {
    lsp = new LspSession();
    const init = await lsp.initialize();
    const provider = init.capabilities.codeActionProvider;
    kinds = typeof provider === "object" ? provider.codeActionKinds : null;
    await lsp.open(URI, TEXT);
  });
  after(() => lsp.kill());

  const request = async (only: string[] | undefined) =>
    ((await lsp.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: URI },
      range: WHOLE,
      context: { diagnostics: [], only },
    })) ?? []) as CodeAction[];

  it("advertises the source.fixAll.footprint kind", () => {
    assert.ok(Array.isArray(kinds) && kinds.includes("source.fixAll.footprint"), JSON.stringify(kinds));
  });

  it("is not in a plain light-bulb request, nor in a quick-fix-only one", async () => {
    assert.ok(!(await request(undefined)).some((a) => a.kind === "source.fixAll.footprint"));
    assert.ok(!(await request(["quickfix"])).some((a) => a.kind === "source.fixAll.footprint"));
  });

  it("applies every preferred fix in one versioned edit, and offers nothing once applied", async () => {
    const forSource = await request(["source"]);
    const actions = await request(["source.fixAll"]);
    assert.equal(forSource.length, 1);
    assert.equal(actions.length, 1);
    const action = actions[0];
    assert.equal(action.kind, "source.fixAll.footprint");
    const change = action.edit?.documentChanges?.[0] as TextDocumentEdit;
    assert.deepEqual(change.textDocument, { uri: URI, version: 1 });
    const fixed = applyEdits(TEXT, change.edits);
    // The fixes this fixture needs: no_grad around evaluation, loader workers, the int8 copy.
    assert.match(fixed, /with torch\.no_grad\(\):\n\s+for images, labels in loader:/);
    assert.match(fixed, /num_workers=4, pin_memory=True/);
    assert.match(fixed, /quantize_dynamic\(/);
    assert.match(action.title, /^Apply all Footprint fixes \(\d+\)$/);
    await lsp.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: URI, version: 2 },
      contentChanges: [{ text: fixed }],
    });
    const diags = await lsp.diagnostics(URI, (p) => p.version === 2);
    for (const code of ["FP140", "FP170", "FP180"]) {
      assert.ok(!diags.diagnostics.some((d) => d.code === code), `${code} still reported`);
    }
    assert.deepEqual(await request(["source.fixAll"]), []);
  });
});
