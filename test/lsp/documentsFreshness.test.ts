// The document store's cross-file freshness and laziness: imports read open buffers before the
// disk, a change to an imported file re-analyses exactly its importers, hidden documents wait for
// idle time (or a request), and requests answer RequestCancelled / ContentModified when stale.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { CancellationTokenSource, LSPErrorCodes, ResponseError } from "vscode-languageserver";
import { Analyzer, type AnalyzeInput } from "../../server/src/analysis/analyze";
import { loadPythonParser, type PythonParser } from "../../server/src/analysis/parse/loadParser";
import type { FileAnalysis } from "../../server/src/analysis/types";
import type { WorkspaceReader } from "../../server/src/analysis/workspace";
import { type AnalysisHost, DocumentStore } from "../../server/src/lsp/documents";
import { analysisForRequest } from "../../server/src/lsp/requestAnalysis";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

class CountingAnalyzer extends Analyzer {
  calls: AnalyzeInput[] = [];
  override analyze(input: AnalyzeInput) {
    this.calls.push(input);
    return super.analyze(input);
  }
}

const TRAIN = "file:///ws/train.py";
const MODEL = "file:///ws/model.py";
const OTHER = "file:///ws/other.py";
const TRAIN_TEXT = "import torch\nfrom model import Net\n\nnet = Net()\n";
const modelText = (out: number) =>
  `import torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, ${out})\n`;

/** A store over an in-memory disk (/ws), with a log of analyses and a wait for the next one. */
function setup(python: PythonParser, opts: { debounceMs?: number; backgroundMs?: number } = {}) {
  const analyzer = new CountingAnalyzer(python);
  const disk = new Map<string, string>([["/ws/model.py", modelText(2)]]);
  const workspace: WorkspaceReader = { roots: ["/ws"], readFile: (p) => disk.get(p) ?? null };
  const published: Array<{ uri: string; version: number; analysis: FileAnalysis }> = [];
  const waiters: Array<{ uri: string; resolve: (a: FileAnalysis) => void }> = [];
  const host: AnalysisHost = {
    analyzer: async () => analyzer,
    settingsFor: async () => DEFAULT_SETTINGS,
    workspaceFor: () => workspace,
    log: () => {},
  };
  const store = new DocumentStore(
    host,
    (uri, version, analysis) => {
      published.push({ uri, version, analysis });
      for (const w of waiters.filter((x) => x.uri === uri)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(analysis);
      }
    },
    opts.debounceMs ?? 20,
    opts.backgroundMs ?? 40,
  );
  // Bounded: a missing re-analysis fails with a message instead of an empty event loop.
  const next = (uri: string, timeoutMs = 10_000) =>
    new Promise<FileAnalysis>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no analysis of ${uri} within ${timeoutMs} ms`)), timeoutMs);
      waiters.push({
        uri,
        resolve: (a) => {
          clearTimeout(timer);
          resolve(a);
        },
      });
    });
  const analysesOf = (uri: string) => analyzer.calls.filter((c) => c.path === uri.slice("file://".length)).length;
  return { analyzer, disk, published, store, next, analysesOf };
}

const params = (a: FileAnalysis | null) => a?.models[0]?.params;

describe("DocumentStore freshness across files", () => {
  let python: PythonParser;
  before(async () => {
    python = await loadPythonParser(join(process.cwd(), "grammars"));
  });

  it("reads an imported module from its open buffer, and re-analyses importers as it changes", async () => {
    const { store, next, disk } = setup(python);
    const first = next(TRAIN);
    store.open(TRAIN, "python", 1, TRAIN_TEXT);
    assert.equal(params(await first), 4 * 2 + 2, "Linear(4, 2) from the saved model.py");

    // Opening model.py with unsaved edits: the importer sees the buffer, not the disk.
    let again = next(TRAIN);
    store.open(MODEL, "python", 1, modelText(3));
    assert.equal(params(await again), 4 * 3 + 3);

    again = next(TRAIN);
    store.change(MODEL, 2, [{ text: modelText(5) }]);
    assert.equal(params(await again), 4 * 5 + 5);

    // Closing without saving: back to what the disk holds.
    again = next(TRAIN);
    store.close(MODEL);
    assert.equal(params(await again), 4 * 2 + 2);

    // Saved on disk by another program: the watcher's event re-analyses the importer.
    disk.set("/ws/model.py", modelText(7));
    again = next(TRAIN);
    store.filesChanged(["/ws/model.py"]);
    assert.equal(params(await again), 4 * 7 + 7);
    store.dispose();
  });

  it("re-analyses nothing for unrelated files or unchanged content", async () => {
    const { store, next, analysesOf } = setup(python);
    const first = next(TRAIN);
    store.open(TRAIN, "python", 1, TRAIN_TEXT);
    await first;
    store.open(OTHER, "python", 1, "x = 1\n");
    // Same text as the disk: the importer's reads did not change.
    store.open(MODEL, "python", 1, modelText(2));
    store.filesChanged(["/ws/model.py", "/ws/unrelated.py"]);
    store.change(OTHER, 2, [{ text: "x = 2\n" }]);
    // A stale train.py would be re-analysed here (or would already have been).
    await store.analysis(TRAIN);
    await store.analysis(MODEL);
    assert.equal(analysesOf(TRAIN), 1);
    assert.equal(analysesOf(MODEL), 1);
    store.dispose();
  });

  it("notices a module created where an import found nothing", async () => {
    const { store, next, disk } = setup(python);
    const first = next(OTHER);
    store.open(OTHER, "python", 1, "from layers import Head\nhead = Head()\n");
    assert.equal((await first).models.length, 0, "layers.py does not exist yet");
    disk.set(
      "/ws/layers.py",
      "import torch.nn as nn\n\nclass Head(nn.Linear):\n    def __init__(self):\n        super().__init__(8, 1)\n",
    );
    const again = next(OTHER);
    store.filesChanged(["/ws/layers.py"]);
    assert.equal(params(await again), 9);
    store.dispose();
  });
});

describe("DocumentStore laziness for hidden documents", () => {
  let python: PythonParser;
  before(async () => {
    python = await loadPythonParser(join(process.cwd(), "grammars"));
  });

  it("analyses visible documents first and hidden ones when idle", async () => {
    const { store, next, published } = setup(python, { backgroundMs: 60 });
    store.setVisible([TRAIN]);
    const hidden = next(OTHER);
    store.open(OTHER, "python", 1, "x = 1\n");
    const shown = next(TRAIN);
    store.open(TRAIN, "python", 1, TRAIN_TEXT);
    await shown;
    await hidden;
    assert.deepEqual(
      published.map((p) => p.uri),
      [TRAIN, OTHER],
      "the hidden document, opened first, was analysed after the visible one",
    );
    store.dispose();
  });

  it("keeps hidden edits for idle time, but answers a request for a hidden document at once", async () => {
    const { store, next, analysesOf } = setup(python, { backgroundMs: 60_000 });
    store.setVisible([TRAIN]);
    store.open(OTHER, "python", 1, "x = 1\n");
    store.change(OTHER, 2, [{ text: "x = 2\n" }]);
    const shown = next(TRAIN);
    store.open(TRAIN, "python", 1, TRAIN_TEXT);
    await shown;
    // Let the open's analysis loop finish, so the edit below waits for its own debounce.
    await new Promise((resolve) => setImmediate(resolve));
    // A debounced edit of the visible file: its timer starts after the hidden edit's would-be
    // timer, with the same delay, so by the time it has run the hidden one would have too.
    const edited = next(TRAIN);
    store.change(TRAIN, 2, [{ text: `${TRAIN_TEXT}# edit\n` }]);
    await edited;
    assert.equal(analysesOf(OTHER), 0, "nothing ran for the hidden document");
    const started = performance.now();
    const analysis = await store.analysis(OTHER);
    assert.ok(performance.now() - started < 30_000, "did not wait for the background queue");
    assert.ok(analysis);
    assert.equal(analysesOf(OTHER), 1);
    store.dispose();
  });

  it("analyses a stale document as soon as it becomes visible", async () => {
    const { store, next } = setup(python, { backgroundMs: 60_000 });
    store.setVisible([]);
    store.open(OTHER, "python", 1, "import torch.nn as nn\nnet = nn.Sequential(nn.Linear(2, 2))\n");
    const shown = next(OTHER);
    // Only visibility can start it: the background queue waits a minute.
    store.setVisible([OTHER]);
    assert.equal(params(await shown), 6);
    assert.equal(store.isVisible(OTHER), true);
    assert.equal(store.isVisible(TRAIN), false);
    store.dispose();
  });
});

describe("stale requests", () => {
  let python: PythonParser;
  before(async () => {
    python = await loadPythonParser(join(process.cwd(), "grammars"));
  });

  const code = async (p: Promise<unknown>) => {
    try {
      await p;
      return "answered";
    } catch (err) {
      return err instanceof ResponseError ? err.code : String(err);
    }
  };

  it("answers RequestCancelled for a cancelled request", async () => {
    const { store } = setup(python);
    store.open(TRAIN, "python", 1, TRAIN_TEXT);
    const source = new CancellationTokenSource();
    const pending = analysisForRequest(store, TRAIN, source.token);
    source.cancel();
    assert.equal(await code(pending), LSPErrorCodes.RequestCancelled);
    store.dispose();
  });

  it("answers ContentModified when the document changed while the request waited", async () => {
    const { store } = setup(python);
    store.open(TRAIN, "python", 1, TRAIN_TEXT);
    const pending = analysisForRequest(store, TRAIN);
    store.change(TRAIN, 2, [{ text: `${TRAIN_TEXT}# more\n` }]);
    assert.equal(await code(pending), LSPErrorCodes.ContentModified);
    // A request for the current version is answered.
    assert.equal(await code(analysisForRequest(store, TRAIN)), "answered");
    store.dispose();
  });
});
