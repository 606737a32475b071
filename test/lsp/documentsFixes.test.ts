// The document store's quick-fixes: published without them, built in idle slices right after
// (so the context they read is freed and code actions find them ready), and abandoned — never
// built from an edited tree — when a change arrives first.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { Analyzer, type AnalyzeInput, type AnalyzeOutput } from "../../server/src/analysis/analyze";
import { loadPythonParser, type PythonParser } from "../../server/src/analysis/parse/loadParser";
import type { FileAnalysis } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DocumentStore } from "../../server/src/lsp/documents";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

const PATH = join(process.cwd(), "test", "fixtures", "rules", "mnist_gpu_fp32.py");
const TEXT = readFileSync(PATH, "utf8");
const URI = `file://${PATH}`;

/** The real Analyzer, keeping each output so the test can see its deferred fixes. */
class KeepingAnalyzer extends Analyzer {
  outputs: AnalyzeOutput[] = [];
  override analyze(input: AnalyzeInput) {
    const out = super.analyze(input);
    this.outputs.push(out);
    return out;
  }
}

function setup(python: PythonParser) {
  const analyzer = new KeepingAnalyzer(python);
  const published: Array<{ version: number; pending: number; analysis: FileAnalysis }> = [];
  const logs: string[] = [];
  const idle = { count: 0 };
  const store = new DocumentStore(
    {
      analyzer: async () => analyzer,
      settingsFor: async () => DEFAULT_SETTINGS,
      workspaceFor: () => EMPTY_WORKSPACE,
      log: (m) => logs.push(m),
      afterAnalysis: () => idle.count++,
    },
    (_uri, version, analysis) =>
      published.push({ version, pending: analyzer.outputs.at(-1)?.deferredFixes?.pendingCount ?? -1, analysis }),
    10,
  );
  return { analyzer, published, logs, store, idle };
}

/** Lets the event loop run `n` turns (the idle fix slices are setImmediate steps). */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

describe("DocumentStore quick-fixes", () => {
  let python: PythonParser;
  let eager: FileAnalysis;
  before(async () => {
    python = await loadPythonParser(join(process.cwd(), "grammars"));
    const out = new Analyzer(python).analyze({
      path: PATH,
      text: TEXT,
      settings: DEFAULT_SETTINGS,
      workspace: EMPTY_WORKSPACE,
    });
    eager = out.analysis;
    out.tree?.delete();
  });

  it("publishes before any fix is built, then builds them all while idle, as the eager path would", async () => {
    const { analyzer, published, logs, store, idle } = setup(python);
    store.open(URI, "python", 1, TEXT);
    const analysis = await store.analysis(URI);
    assert.ok(analysis);
    assert.equal(published.length, 1);
    assert.equal(published[0].pending, analysis.findings.length, "nothing built when published");
    const deferred = analyzer.outputs[0].deferredFixes!;
    for (let i = 0; i < 200 && deferred.pendingCount > 0; i++) await turns(1);
    assert.equal(deferred.pendingCount, 0);
    assert.equal(idle.count, 0, "the idle work waits for a quiet moment");
    for (let i = 0; i < 100 && idle.count === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(idle.count, 1, "then runs once");
    assert.equal(JSON.stringify(store.analysisAt(URI, 1)), JSON.stringify(eager));
    assert.deepEqual(logs, []);
    store.dispose();
  });

  it("a change before the fixes are built abandons them: none are built from the edited tree", async () => {
    const { analyzer, store, idle } = setup(python);
    store.open(URI, "python", 1, TEXT);
    // The analysis resolves in a microtask: no idle slice (a setImmediate) has run yet.
    const analysis = (await store.analysis(URI))!;
    assert.equal(analyzer.outputs[0].deferredFixes?.pendingCount, analysis.findings.length);
    store.change(URI, 2, [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: "#\n" },
    ]);
    assert.equal(store.analysisAt(URI, 1), null, "version 1 is no longer the document's");
    await turns(5);
    assert.equal(idle.count, 0, "no idle work while a change waits for its analysis");
    assert.ok(analysis.findings.length > 0);
    assert.ok(analysis.findings.every((f) => f.fixes.length === 0));
    await store.analysis(URI);
    const now = store.analysisAt(URI, 2)!;
    assert.ok(now.findings.some((f) => f.fixes.some((x) => !x.title.startsWith("Ignore "))));
    store.dispose();
  });
});
