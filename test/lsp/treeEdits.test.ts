// Incremental parsing: LSP content changes turned into tree-sitter edits must leave a tree that,
// reparsed with it as oldTree, equals a fresh parse of the new text — for random edits over
// multi-line text, CRLF line ends and characters outside the BMP (UTF-16 surrogate pairs).
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { TextDocument } from "vscode-languageserver-textdocument";
import { loadPythonParser, type PythonParser } from "../../server/src/analysis/parse/loadParser";
import { endOfInsertion, treeEditFor } from "../../server/src/lsp/treeEdits";

const SOURCE = [
  "import torch.nn as nn  # 🔥 model",
  "",
  "class Net(nn.Module):",
  "    def __init__(self, width=64):",
  '        super().__init__()  # "ünïcode"',
  "        self.conv = nn.Conv2d(3, width, 3, padding=1)",
  "        self.fc = nn.Linear(width * 32 * 32, 10)",
  "",
  "    def forward(self, x):",
  "        return self.fc(self.conv(x).flatten(1))",
  "",
  "model = Net()",
  "",
].join("\n");

const INSERTS = ["x", "\n", "(", ")", "    ", "nn.ReLU(),\n", "é", "🙂", "\r\n", "def f():\n    pass\n", ""];

/** Deterministic PRNG so a failure reproduces. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe("LSP changes → tree-sitter edits", () => {
  let python: PythonParser;
  before(async () => {
    python = await loadPythonParser(join(process.cwd(), "grammars"));
  });

  it("computes where inserted text ends, counting CRLF as one break", () => {
    assert.deepEqual(endOfInsertion({ row: 2, column: 4 }, "abc"), { row: 2, column: 7 });
    assert.deepEqual(endOfInsertion({ row: 2, column: 4 }, "a\nbc"), { row: 3, column: 2 });
    assert.deepEqual(endOfInsertion({ row: 0, column: 0 }, "a\r\nb\rc\n"), { row: 3, column: 0 });
  });

  it("gives the same tree as a fresh parse after 300 random incremental edits", () => {
    const rand = prng(20261128);
    let doc = TextDocument.create("file:///t.py", "python", 1, SOURCE);
    let tree = python.parser.parse(doc.getText())!;
    for (let step = 0; step < 300; step++) {
      const text = doc.getText();
      // Avoid splitting a surrogate pair or a CRLF: editors never produce such positions.
      const pick = () => {
        let i = Math.floor(rand() * (text.length + 1));
        while (i > 0 && i < text.length && /[\uDC00-\uDFFF\n]/.test(text[i]) && /[\uD800-\uDBFF\r]/.test(text[i - 1]))
          i--;
        return i;
      };
      const a = pick();
      const b = Math.min(text.length, a + Math.floor(rand() * 12));
      const end = b > a && /[\uD800-\uDBFF\r]/.test(text[b - 1]) ? b + 1 : b;
      const change = {
        range: { start: doc.positionAt(a), end: doc.positionAt(end) },
        text: INSERTS[Math.floor(rand() * INSERTS.length)],
      };
      const edit = treeEditFor(doc, change);
      assert.ok(edit, "a ranged change gives an edit");
      tree.edit(edit);
      doc = TextDocument.update(doc, [change], doc.version + 1);
      const incremental = python.parser.parse(doc.getText(), tree)!;
      const fresh = python.parser.parse(doc.getText())!;
      assert.equal(
        incremental.rootNode.toString(),
        fresh.rootNode.toString(),
        `step ${step}: ${JSON.stringify(change)}`,
      );
      assert.equal(incremental.rootNode.endIndex, doc.getText().length);
      tree.delete();
      fresh.delete();
      tree = incremental;
    }
    tree.delete();
  });

  it("returns null for a full-text change (no range): the old tree is dropped", () => {
    const doc = TextDocument.create("file:///t.py", "python", 1, SOURCE);
    assert.equal(treeEditFor(doc, { text: "x = 1\n" }), null);
  });
});
