// The document store without a transport: debounced re-analysis, one analysis per version
// (requests are served from the cache), analysis on demand, a crash confined to its document,
// and the incremental tree actually reused between versions.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { Analyzer, type AnalyzeInput } from "../../server/src/analysis/analyze";
import { loadPythonParser, type PythonParser } from "../../server/src/analysis/parse/loadParser";
import type { FileAnalysis } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { type AnalysisHost, DocumentStore } from "../../server/src/lsp/documents";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

/** The real Analyzer, counting calls, and throwing for documents whose text asks it to. */
class CountingAnalyzer extends Analyzer {
  calls: AnalyzeInput[] = [];
  override analyze(input: AnalyzeInput) {
    this.calls.push(input);
    if (input.text.includes("CRASH")) throw new Error("boom");
    return super.analyze(input);
  }
}

function setup(python: PythonParser, debounceMs = 30) {
  const analyzer = new CountingAnalyzer(python);
  const published: Array<{ uri: string; version: number; analysis: FileAnalysis }> = [];
  const logs: string[] = [];
  const waiters: Array<() => void> = [];
  const host: AnalysisHost = {
    analyzer: async () => analyzer,
    settingsFor: async () => DEFAULT_SETTINGS,
    workspaceFor: () => EMPTY_WORKSPACE,
    log: (m) => logs.push(m),
  };
  const store = new DocumentStore(
    host,
    (uri, version, analysis) => {
      published.push({ uri, version, analysis });
      for (const w of waiters.splice(0)) w();
    },
    debounceMs,
  );
  const nextPublish = () => new Promise<void>((resolve) => waiters.push(resolve));
  return { analyzer, published, logs, store, nextPublish };
}

const A = "file:///ws/a.py";
const B = "file:///ws/b.py";
const insert = (line: number, character: number, text: string) => ({
  range: { start: { line, character }, end: { line, character } },
  text,
});

describe("DocumentStore", () => {
  let python: PythonParser;
  before(async () => {
    python = await loadPythonParser(join(process.cwd(), "grammars"));
  });

  it("analyses on open, then once per burst of changes after the pause", async () => {
    const { analyzer, published, store, nextPublish } = setup(python);
    const first = nextPublish();
    store.open(A, "python", 1, "x = 1\n");
    await first;
    assert.deepEqual(
      published.map((p) => p.version),
      [1],
    );
    const settled = nextPublish();
    store.change(A, 2, [insert(0, 5, "2")]);
    store.change(A, 3, [insert(0, 6, "3")]);
    store.change(A, 4, [insert(0, 7, "4")]);
    await settled;
    assert.deepEqual(
      published.map((p) => p.version),
      [1, 4],
    );
    assert.equal(analyzer.calls.length, 2);
    assert.equal(analyzer.calls[1].text, "x = 1234\n");
    // The edited tree of version 1 was handed back for incremental reparsing.
    assert.ok(analyzer.calls[1].oldTree, "oldTree passed after edits");
    store.dispose();
  });

  it("serves repeated requests for one version from the cache", async () => {
    const { analyzer, store } = setup(python);
    store.open(A, "python", 1, "import torch.nn as nn\nlayer = nn.Linear(4, 2)\n");
    const a1 = await store.analysis(A);
    const a2 = await store.analysis(A);
    assert.equal(a1, a2);
    assert.equal(analyzer.calls.length, 1);
    store.dispose();
  });

  it("analyses at once when a request arrives during the pause", async () => {
    const { analyzer, store } = setup(python, 10_000);
    store.open(A, "python", 1, "x = 1\n");
    await store.analysis(A);
    store.change(A, 2, [insert(0, 0, "y = 2\n")]);
    const started = performance.now();
    const analysis = await store.analysis(A);
    assert.ok(performance.now() - started < 5_000, "did not wait for the 10 s debounce");
    assert.equal(analyzer.calls.at(-1)?.text, "y = 2\nx = 1\n");
    assert.deepEqual(analysis?.syntaxErrors, []);
    store.dispose();
  });

  it("confines an analysis crash to its document and logs it", async () => {
    const { logs, store } = setup(python);
    store.open(A, "python", 1, "CRASH = 1\n");
    store.open(B, "python", 1, "x = (\n");
    const crashed = await store.analysis(A);
    assert.deepEqual(crashed?.notices, ["Analysis stopped by an internal error: Error: boom"]);
    assert.match(logs.join("\n"), /analysis of file:\/\/\/ws\/a\.py failed: Error: boom/);
    const other = await store.analysis(B);
    assert.equal(other?.syntaxErrors.length, 1);
    store.dispose();
  });

  it("answers null for closed and unknown documents, and drops their state", async () => {
    const { store } = setup(python);
    store.open(A, "python", 1, "x = 1\n");
    store.close(A);
    assert.equal(await store.analysis(A), null);
    assert.equal(await store.analysis(B), null);
    assert.deepEqual(store.uris(), []);
  });
});
