// Tree lifetimes: web-tree-sitter trees are wasm memory that no garbage collector frees, so every
// tree an analysis parses for itself (imported workspace files, fix validation) must be deleted by
// the time it returns, and only the document's own tree is handed back for incremental reparsing.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import type { Tree } from "web-tree-sitter";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser, type PythonParser } from "../../server/src/analysis/parse/loadParser";
import { resolveSettings } from "../../server/src/shared/settings";

const settings = resolveSettings().settings;
let python: PythonParser;
before(async () => {
  python = await loadPythonParser(join(process.cwd(), "grammars"));
});

/** A parser whose trees report whether they were deleted. */
function trackingParser(): { parser: PythonParser; live: () => Tree[]; parsed: () => number } {
  const trees: { tree: Tree; deleted: boolean }[] = [];
  const real = python.parser;
  const parser = {
    parse(...args: Parameters<typeof real.parse>) {
      const tree = real.parse(...args);
      if (tree) {
        const entry = { tree, deleted: false };
        const del = tree.delete.bind(tree);
        tree.delete = () => {
          assert.equal(entry.deleted, false, "a tree was deleted twice");
          entry.deleted = true;
          del();
        };
        trees.push(entry);
      }
      return tree;
    },
  } as unknown as PythonParser["parser"];
  return {
    parser: { parser, language: python.language },
    live: () => trees.filter((t) => !t.deleted).map((t) => t.tree),
    parsed: () => trees.length,
  };
}

const HELPERS = `import torch.nn as nn

class Tower(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(784, width), nn.ReLU(), nn.Linear(width, 10))

    def forward(self, x):
        return self.body(x)
`;

const SCRIPT = `import torch
from torch.utils.data import DataLoader
from helpers import Tower

model = Tower(256)  # footprint: input 784
opt = torch.optim.SGD(model.parameters(), lr=0.1)
loader = DataLoader(list(range(6000)), batch_size=64)
for epoch in range(3):
    for x in loader:
        opt.zero_grad()
        loss = model(x).sum()
        loss.backward()
        opt.step()
`;

/** SCRIPT in a workspace holding helpers.py, which it imports. */
function analyzeTraining(parser: PythonParser, deferFixes: boolean) {
  const files: Record<string, string> = { "/ws/helpers.py": HELPERS };
  return new Analyzer(parser).analyze({
    path: "/ws/train.py",
    text: SCRIPT,
    settings,
    workspace: { roots: ["/ws"], readFile: (f) => files[f] ?? null },
    deferFixes,
  });
}

describe("tree lifetimes", () => {
  it("deletes the trees of imported files; returns only the document's tree, alive", () => {
    const t = trackingParser();
    const out = analyzeTraining(t.parser, false);
    // The import was read and costed from the helper's tree before that tree went away:
    // 784·256+256 + 256·10+10 parameters, and the definition's range points into helpers.py.
    const tower = out.analysis.models.find((m) => m.className === "Tower");
    assert.ok(tower, `no Tower model; got ${out.analysis.models.map((m) => m.className).join(", ")}`);
    assert.equal(tower.params, 784 * 256 + 256 + 256 * 10 + 10);
    assert.ok(t.parsed() >= 2, `expected the document and the import to be parsed; got ${t.parsed()}`);
    assert.deepEqual(t.live(), [out.tree], "only the returned tree may still be alive");
    assert.ok(out.tree?.rootNode.text.startsWith("import torch"), "the returned tree is usable");
    out.tree?.delete();
  });

  for (const settle of ["buildAll", "abandon"] as const) {
    it(`with deferred fixes, keeps imported trees until the fixes are built or abandoned (${settle})`, () => {
      const t = trackingParser();
      const out = analyzeTraining(t.parser, true);
      const pending = out.deferredFixes?.pendingCount ?? 0;
      assert.ok(pending > 0, "the run's findings have fixes to build");
      // The fixes may read the import's nodes: its tree outlives the call until they are settled.
      assert.ok(t.live().length >= 2, `only ${t.live().length} tree(s) alive with ${pending} fixes pending`);
      out.deferredFixes?.[settle]();
      assert.deepEqual(t.live(), [out.tree], "after settling only the document's tree is alive");
      const built = out.analysis.findings.flatMap((f) => f.fixes);
      if (settle === "abandon") assert.deepEqual(built, []);
      else assert.ok(built.length >= out.analysis.findings.length, "every finding at least has its ignore fixes");
      out.tree?.delete();
    });
  }

  it("frees the imported trees when the analysis stops on an internal error", () => {
    const t = trackingParser();
    // A workspace reader that fails after the import was parsed: the interpreter's error is caught
    // by analyze, and the helper's tree must still be freed.
    let reads = 0;
    const out = new Analyzer(t.parser).analyze({
      path: "/ws/train.py",
      text: `from helpers import Tower\nimport other\n`,
      settings,
      workspace: {
        roots: ["/ws"],
        readFile: (f) => {
          reads++;
          if (f === "/ws/helpers.py") return HELPERS;
          if (reads > 1) throw new Error("disk went away");
          return null;
        },
      },
    });
    assert.ok(reads >= 2);
    assert.deepEqual(t.live(), out.tree ? [out.tree] : []);
    out.tree?.delete();
  });
});
