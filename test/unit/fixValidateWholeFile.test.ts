// The fix validator's whole-file path (edits outside any one statement, e.g. an import added at
// the top plus a keyword in a call): the edited file is reparsed incrementally from an edited copy
// of the document's tree, and must agree with a fresh parse of the edited text.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import type { Tree } from "web-tree-sitter";
import { collectSyntaxErrors } from "../../server/src/analysis/analyze";
import { applyEdits } from "../../server/src/analysis/fixes/textEdits";
import { checkFix } from "../../server/src/analysis/fixes/validateFix";
import { loadPythonParser, type PythonParser } from "../../server/src/analysis/parse/loadParser";
import type { Fix } from "../../server/src/analysis/types";

let py: PythonParser;
before(async () => {
  py = await loadPythonParser(join(process.cwd(), "grammars"));
});
const parse = (t: string): Tree => py.parser.parse(t)!;
/** Passes the edited old tree on, as the analyzer's own reparse does. */
const incremental = (t: string, old?: Tree | null) => py.parser.parse(t, old ?? null);

const at = (line: number, character: number) => ({ line, character });
const fix = (...edits: Array<[number, number, number, number, string]>): Fix => ({
  title: "t",
  edits: edits.map(([l1, c1, l2, c2, newText]) => ({ range: { start: at(l1, c1), end: at(l2, c2) }, newText })),
});

const script = [
  "import os",
  "",
  "model = Net()",
  "for epoch in range(10):",
  "    loss = model(x)",
  "    loss.backward()",
  "",
].join("\n");

/** What a fresh parse of the edited text says: the reference the incremental path must match. */
function freshVerdict(text: string, f: Fix): boolean {
  const had = collectSyntaxErrors(parse(text).rootNode).length;
  const has = collectSyntaxErrors(parse(applyEdits(text, f.edits)).rootNode).length;
  return has <= had;
}

describe("checkFix across statements (whole-file, incremental)", () => {
  const cases: Array<{ name: string; fix: Fix; ok: boolean }> = [
    {
      name: "an import line added between statements and a keyword inside a call",
      fix: fix([1, 0, 1, 0, "import torch\n"], [2, 12, 2, 12, "dropout=0.1"]),
      ok: true,
    },
    {
      name: "one edit spanning two statements that keeps the file valid",
      fix: fix([2, 0, 3, 23, "model = Net()\nfor epoch in range(20):"]),
      ok: true,
    },
    {
      name: "one edit spanning two statements that leaves an unclosed bracket",
      fix: fix([2, 8, 3, 3, "Net(\nfor"]),
      ok: false,
    },
    {
      name: "lines inserted between top-level statements that open a bracket",
      fix: fix([1, 0, 1, 0, "x = (\n"]),
      ok: false,
    },
    {
      name: "a clean top-level insertion with a keyword that breaks its call",
      fix: fix([1, 0, 1, 0, "import torch\n"], [2, 12, 2, 12, "dropout=(0.1"]),
      ok: false,
    },
    {
      name: "a decorator inserted between top-level statements (invalid on its own, valid before a def)",
      fix: fix([1, 0, 1, 0, "@torch.no_grad()\ndef f():\n    pass\n"]),
      ok: true,
    },
    {
      name: "a line appended after the last statement of a loop body, at its indentation",
      fix: fix([5, 19, 5, 19, "\n    optimizer.step()"]),
      ok: true,
    },
    {
      // Not the statement's indentation, so the whole-file path decides (tree-sitter accepts it).
      name: "a line appended at column 0 inside a loop body, before the body's next line",
      fix: fix([4, 19, 4, 19, "\nprint(loss)"]),
      ok: true,
    },
    {
      name: "a line appended after a loop body's statement that opens a bracket",
      fix: fix([5, 19, 5, 19, "\n    y = ("]),
      ok: false,
    },
    {
      name: "an import at the top and a line appended after a top-level statement",
      fix: fix([1, 0, 1, 0, "import torch\n"], [2, 13, 2, 13, "\nprint(model)"]),
      ok: true,
    },
    {
      name: "a multi-line insertion at the end and a broken one at the top",
      fix: fix([0, 0, 0, 0, "def (:\n"], [6, 0, 6, 0, "print(\n  loss)\n"]),
      ok: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(freshVerdict(script, c.fix), c.ok, "the case means what its name says");
      const tree = parse(script);
      assert.equal(checkFix(incremental, script, c.fix, tree).ok, c.ok);
      // The document's tree is untouched: the validator edits a copy.
      assert.equal(tree.rootNode.text, script);
      assert.equal(tree.rootNode.hasError, false);
    });
  }

  it("does not blame a fix for errors the file already had elsewhere", () => {
    const broken = `${script}def f(:\n    return 1\n`;
    const f = fix([1, 0, 1, 0, "import torch\n"], [2, 12, 2, 12, "dropout=0.1"]);
    assert.equal(checkFix(incremental, broken, f, parse(broken)).ok, true);
  });
});
