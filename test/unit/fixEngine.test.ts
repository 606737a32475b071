// The fix engine on real parses: imports added once, blocks wrapped in the file's indent unit,
// keyword arguments set in the call's own layout, and broken edits refused.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import type { Node, Tree } from "web-tree-sitter";
import { findNode } from "./helpers/nodes";
import { setKeywordArgument, wrapStatements } from "../../server/src/analysis/fixes/codeShapes";
import {
  ensureFromImport,
  ensureModuleImport,
  fromImportBindingAt,
  lineAfterRunOf,
} from "../../server/src/analysis/fixes/imports";
import { detectStyle } from "../../server/src/analysis/fixes/pythonStyle";
import { applyEdits } from "../../server/src/analysis/fixes/textEdits";
import { checkFix } from "../../server/src/analysis/fixes/validateFix";
import { loadPythonParser, type PythonParser } from "../../server/src/analysis/parse/loadParser";

let py: PythonParser;
const parse = (t: string): Tree => py.parser.parse(t)!;
before(async () => {
  py = await loadPythonParser(join(process.cwd(), "grammars"));
});

describe("imports", () => {
  it("adds `import torch` after the last import, once", () => {
    const text = '"""Train."""\nimport os\nfrom torch import nn\n\nx = 1\n';
    const tree = parse(text);
    const r = ensureModuleImport(tree, detectStyle(text), "torch");
    assert.equal(r.name, "torch");
    const out = applyEdits(text, [r.edit!]);
    assert.equal(out, '"""Train."""\nimport os\nfrom torch import nn\nimport torch\n\nx = 1\n');
    assert.equal(ensureModuleImport(parse(out), detectStyle(out), "torch").edit, null);
  });

  it("reuses an alias the user chose", () => {
    const text = "import torch as T\n";
    assert.deepEqual(ensureModuleImport(parse(text), detectStyle(text), "torch"), { name: "T", edit: null });
  });

  it("never adds an import above the environment set-up lines that precede later imports", () => {
    const text =
      'import os\nos.environ["KERAS_BACKEND"] = "jax"\nfrom keras import layers\nwarnings.filterwarnings("ignore")\n\nx = 1\n';
    const r = ensureModuleImport(parse(text), detectStyle(text), "keras");
    assert.equal(
      applyEdits(text, [r.edit!]),
      'import os\nos.environ["KERAS_BACKEND"] = "jax"\nfrom keras import layers\nwarnings.filterwarnings("ignore")\nimport keras\n\nx = 1\n',
    );
  });

  it("reads bindings inside an import guard, and goes after the guard; TYPE_CHECKING imports bind nothing", () => {
    const text =
      "import numpy as np\ntry:\n    from tensorflow import keras\nexcept ImportError:\n    import keras\nif TYPE_CHECKING:\n    import torch\n\nx = 1\n";
    const tree = parse(text);
    assert.deepEqual(fromImportBindingAt(tree, "tensorflow", "keras"), { name: "keras", row: 1 });
    assert.equal(lineAfterRunOf(tree, 1), 7);
    const torch = ensureModuleImport(tree, detectStyle(text), "torch");
    assert.equal(torch.edit?.range.start.line, 7);
    assert.equal(torch.name, "torch");
  });

  it("adds a from-import after a module docstring when there are no imports", () => {
    const text = '"""Doc."""\nx = 1\n';
    const r = ensureFromImport(parse(text), detectStyle(text), "torch.nn.utils", "prune");
    assert.equal(applyEdits(text, [r.edit!]), '"""Doc."""\nfrom torch.nn.utils import prune\nx = 1\n');
  });
});

describe("wrapStatements", () => {
  it("wraps a loop in the file's 2-space indent and leaves multi-line strings alone", () => {
    const text = 'def f(m, xs):\n  for x in xs:\n    y = m(x)\n    s = """a\nb"""\n  return y\n';
    const tree = parse(text);
    const loop = findNode(tree.rootNode, "for_statement");
    const edit = wrapStatements(text, detectStyle(text), loop, loop, "with torch.no_grad()");
    const out = applyEdits(text, [edit]);
    assert.equal(
      out,
      'def f(m, xs):\n  with torch.no_grad():\n    for x in xs:\n      y = m(x)\n      s = """a\nb"""\n  return y\n',
    );
    assert.equal(parse(out).rootNode.hasError, false);
  });
});

describe("setKeywordArgument", () => {
  const call = (text: string): Node => findNode(parse(text).rootNode, "call");

  it("appends to a one-line call", () => {
    const text = "args = TrainingArguments(output_dir='out', num_train_epochs=3)\n";
    const e = setKeywordArgument(text, detectStyle(text), call(text), "bf16", "True")!;
    assert.equal(applyEdits(text, [e]), "args = TrainingArguments(output_dir='out', num_train_epochs=3, bf16=True)\n");
  });

  it("adds an aligned line to a one-argument-per-line call, keeping its trailing comma", () => {
    const text = "args = TrainingArguments(\n    output_dir='out',\n    num_train_epochs=3,\n)\n";
    const e = setKeywordArgument(text, detectStyle(text), call(text), "bf16", "True")!;
    assert.equal(
      applyEdits(text, [e]),
      "args = TrainingArguments(\n    output_dir='out',\n    num_train_epochs=3,\n    bf16=True,\n)\n",
    );
  });

  it("replaces an existing value and is a no-op when already set", () => {
    const text = "loader = DataLoader(ds, batch_size=64, num_workers=0)\n";
    const e = setKeywordArgument(text, detectStyle(text), call(text), "num_workers", "4")!;
    const out = applyEdits(text, [e]);
    assert.equal(out, "loader = DataLoader(ds, batch_size=64, num_workers=4)\n");
    assert.equal(setKeywordArgument(out, detectStyle(out), call(out), "num_workers", "4"), null);
  });

  it("fills an empty argument list", () => {
    const text = "trainer = Trainer()\n";
    const e = setKeywordArgument(text, detectStyle(text), call(text), "precision", '"bf16-mixed"')!;
    assert.equal(applyEdits(text, [e]), 'trainer = Trainer(precision="bf16-mixed")\n');
  });
});

describe("checkFix", () => {
  const reparse = (t: string) => py.parser.parse(t);

  it("refuses an edit that breaks the file and accepts one that does not", () => {
    const text = "x = f(1)\n";
    const bad = {
      title: "bad",
      edits: [{ range: { start: { line: 0, character: 5 }, end: { line: 0, character: 5 } }, newText: "((" }],
    };
    assert.equal(checkFix(reparse, text, bad, parse(text)).ok, false);
    const good = {
      title: "good",
      edits: [{ range: { start: { line: 0, character: 6 }, end: { line: 0, character: 7 } }, newText: "2" }],
    };
    assert.equal(checkFix(reparse, text, good, parse(text)).ok, true);
  });

  it("checks an edit deep inside a function on that statement alone, indentation and all", () => {
    const text = "import os\n\ndef train(model, loader):\n    for x in loader:\n        y = model(x)\n    return y\n";
    const tree = parse(text);
    const loop = findNode(tree.rootNode, "for_statement");
    const wrap = { title: "w", edits: [wrapStatements(text, detectStyle(text), loop, loop, "with torch.no_grad()")] };
    assert.equal(checkFix(reparse, text, wrap, tree).ok, true);
    const dangling = {
      title: "d",
      edits: [{ range: { start: { line: 4, character: 8 }, end: { line: 4, character: 8 } }, newText: "else:\n" }],
    };
    assert.equal(checkFix(reparse, text, dangling, tree).ok, false);
  });

  it("does not blame a fix for errors the statement already had", () => {
    const text = "def f(:\n    return 1\n";
    const tree = parse(text);
    const edit = {
      title: "e",
      edits: [{ range: { start: { line: 1, character: 11 }, end: { line: 1, character: 12 } }, newText: "2" }],
    };
    assert.equal(checkFix(reparse, text, edit, tree).ok, true);
  });
});
