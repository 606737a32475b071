// Quick-fixes through the bundled server, built on demand: a diagnostic's data names its finding,
// and a code action builds that finding's fixes from the cached analysis of the diagnostic's version.
// They must equal what the core builds eagerly (the CLI's path), and a diagnostic of an older
// version must get none (its edits would land on text that has moved).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  type CodeAction,
  CodeActionRequest,
  type Diagnostic,
  DidChangeTextDocumentNotification,
  type TextDocumentEdit,
} from "vscode-languageserver-protocol/node";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { Finding } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { resolveSettings } from "../../server/src/shared/settings";
import { fileUri, LspSession, ROOT } from "./harness";

const PATH = join(ROOT, "test", "fixtures", "rules", "mnist_gpu_fp32.py");
const TEXT = readFileSync(PATH, "utf8");
const URI = fileUri(PATH);

describe("LSP quick-fixes built on demand", () => {
  let lsp: LspSession;
  let diagnostics: Diagnostic[];
  let eager: Finding[];
  before(async () => {
    const analyzer = new Analyzer(await loadPythonParser(join(ROOT, "grammars")));
    const out = analyzer.analyze({
      path: PATH,
      text: TEXT,
      settings: resolveSettings().settings,
      workspace: EMPTY_WORKSPACE,
    });
    eager = out.analysis.findings;
    out.tree?.delete();
    lsp = new LspSession();
    await lsp.initialize();
    diagnostics = (await lsp.open(URI, TEXT)).filter((d) => d.source === "footprint" && d.code);
  });
  after(() => lsp.kill());

  const quickFixes = async (diagnostic: Diagnostic) =>
    (
      ((await lsp.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri: URI },
        range: diagnostic.range,
        context: { diagnostics: [diagnostic] },
      })) ?? []) as CodeAction[]
    ).filter((a) => a.edit);

  it("publishes which finding, not its edits", () => {
    assert.equal(diagnostics.length, eager.length);
    for (const [i, d] of diagnostics.entries()) assert.deepEqual(d.data, { uri: URI, version: 1, finding: i });
  });

  it("builds every finding's fixes exactly as the core builds them eagerly", async () => {
    // The fixture's own fixes (as in fixAll.test.ts): no_grad around evaluation, loader workers, int8.
    const withRuleFixes = eager.filter((f) => f.fixes.some((x) => !x.title.startsWith("Ignore ")));
    assert.deepEqual([...new Set(withRuleFixes.map((f) => f.code))].sort(), ["FP140", "FP170", "FP180"]);
    for (const [i, d] of diagnostics.entries()) {
      const actions = await quickFixes(d);
      assert.deepEqual(
        actions.map((a) => ({
          title: a.title,
          isPreferred: a.isPreferred,
          edits: (a.edit?.documentChanges?.[0] as TextDocumentEdit).edits,
        })),
        eager[i].fixes.map((f) => ({ title: f.title, isPreferred: f.isPreferred, edits: f.edits })),
        `${d.code} at line ${d.range.start.line + 1}`,
      );
      for (const a of actions) {
        assert.deepEqual((a.edit?.documentChanges?.[0] as TextDocumentEdit).textDocument, { uri: URI, version: 1 });
      }
    }
  });

  it("offers nothing for data that names no finding of that code", async () => {
    const d = diagnostics[0];
    assert.deepEqual(await quickFixes({ ...d, data: { uri: URI, version: 1, finding: 999 } }), []);
    assert.deepEqual(await quickFixes({ ...d, code: "FP999" }), []);
  });

  it("gives a diagnostic of an older version no fixes, and the new version's diagnostics theirs", async () => {
    const end = TEXT.split("\n").length - 1;
    await lsp.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: URI, version: 2 },
      contentChanges: [
        { range: { start: { line: end, character: 0 }, end: { line: end, character: 0 } }, text: "# a note\n" },
      ],
    });
    const fresh = (await lsp.diagnostics(URI, (p) => p.version === 2)).diagnostics.filter((d) => d.code);
    // A finding with a fix of its own (not only "Ignore …"): the loader's workers, no_grad, int8.
    const index = eager.findIndex((f) => f.fixes.some((x) => !x.title.startsWith("Ignore ")));
    const old = diagnostics[index];
    const own = eager[index].fixes[0].title;
    assert.deepEqual(await quickFixes(old), []);
    const now = fresh.find((d) => d.code === old.code && d.range.start.line === old.range.start.line)!;
    const actions = await quickFixes(now);
    assert.equal(actions[0]?.title, own, JSON.stringify(actions.map((a) => a.title)));
    assert.deepEqual((actions[0].edit?.documentChanges?.[0] as TextDocumentEdit).textDocument, {
      uri: URI,
      version: 2,
    });
  });
});
