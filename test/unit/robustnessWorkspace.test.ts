// Bad input at workspace scale: a 1,000-file workspace whose modules import each other in cycles
// (read from disk through the server's workspace reader, each file once), and Jupyter notebooks
// (an .ipynb file gets a notice; notebook JSON under another name is analysed without an error).
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { WorkspaceReader } from "../../server/src/analysis/workspace";
import { createWorkspaceReader } from "../../server/src/lsp/workspaceReader";
import { resolveSettings } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});
const settings = resolveSettings().settings;
const internalErrors = (notices: string[]) => notices.filter((n) => /internal error|stopped:/.test(n));

const FILES = 1000;

/** m0 … m999 on disk: each imports the next (a ring) and one seven steps on, and defines a width. */
function cyclicWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "footprint-ws1000-"));
  for (let i = 0; i < FILES; i++) {
    const next = (i + 1) % FILES;
    const jump = (i * 7) % FILES;
    writeFileSync(
      join(dir, `m${i}.py`),
      `import m${next}\nfrom m${jump} import *\nWIDTH_${i} = ${i + 1}\n\ndef width():\n    return WIDTH_${i}\n`,
    );
  }
  return dir;
}

describe("bad input at workspace scale", () => {
  it("a 1,000-file workspace with cyclic imports: each file read at most once, the script after the imports analysed", () => {
    const dir = cyclicWorkspace();
    const disk = createWorkspaceReader([dir]);
    const reads = new Map<string, number>();
    const counting: WorkspaceReader = {
      roots: disk.roots,
      readFile(p) {
        reads.set(p, (reads.get(p) ?? 0) + 1);
        return disk.readFile(p);
      },
    };
    const path = join(dir, "train.py");
    // m3 defines WIDTH_3 = 4, and m0 (imported first) pulls the whole ring in through its imports.
    const text = "import torch.nn as nn\nimport m0\nfrom m3 import WIDTH_3\nhead = nn.Linear(WIDTH_3, 8)\n";
    writeFileSync(path, text);
    const { analysis, tree } = analyzer.analyze({ path, text, settings, workspace: counting });
    tree?.delete();
    assert.deepEqual(internalErrors(analysis.notices), []);
    const head = analysis.models.find((m) => m.name === "head");
    assert.ok(head, `models: ${analysis.models.map((m) => m.name).join(", ")}`);
    assert.equal(head.params, 4 * 8 + 8);
    const moduleReads = [...reads].filter(([p]) => /m\d+\.py$/.test(p));
    // The ring is followed (a chain 1,000 imports deep stops at the interpreter's nesting limit,
    // which the star-import jumps reach around), and no file is read twice.
    assert.ok(moduleReads.length > FILES * 0.9 && moduleReads.length <= FILES, `${moduleReads.length} modules read`);
    assert.deepEqual(
      moduleReads.filter(([, n]) => n > 1),
      [],
      "a module was read more than once",
    );
  });

  const notebook = JSON.stringify(
    {
      cells: [
        { cell_type: "markdown", metadata: {}, source: ["# MNIST\n"] },
        {
          cell_type: "code",
          execution_count: null,
          metadata: {},
          outputs: [],
          source: ["import torch.nn as nn\n", "model = nn.Linear(784, 10)\n"],
        },
      ],
      metadata: { kernelspec: { language: "python", name: "python3" } },
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  );

  it("an .ipynb file is not read as a script: a notice says why", () => {
    const { analysis, tree } = analyzer.analyze({
      path: "/w/mnist.ipynb",
      text: notebook,
      settings,
      workspace: createWorkspaceReader(["/w"]),
    });
    assert.equal(tree, null);
    assert.deepEqual([analysis.models, analysis.findings, analysis.runs], [[], [], []]);
    assert.match(analysis.notices.join("\n"), /Jupyter notebook file \(\.ipynb\) is JSON/);
  });

  it("notebook JSON under a .py name (true/false/null as names) is analysed without an internal error", () => {
    const { analysis, tree } = analyzer.analyze({
      path: "/w/not_really.py",
      text: notebook.replace('"execution_count": null', '"execution_count": null, "trusted": true'),
      settings,
      workspace: createWorkspaceReader(["/w"]),
    });
    tree?.delete();
    assert.deepEqual(internalErrors(analysis.notices), []);
    assert.deepEqual(analysis.models, []);
  });
});
