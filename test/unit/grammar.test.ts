// The committed grammar wasm files: each matches its provenance record (sha256, size), the versions
// pinned in package.json and the installed npm package, and the parser built from them reads Python.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import type { Node } from "web-tree-sitter";
import { loadPythonParser, type PythonParser } from "../../server/src/analysis/parse/loadParser";

interface ProvenanceEntry {
  file: string;
  package: string;
  version: string;
  pathInPackage: string;
  bytes: number;
  sha256: string;
}

const root = process.cwd();
const grammars = join(root, "grammars");
const provenance: { files: ProvenanceEntry[] } = JSON.parse(readFileSync(join(grammars, "PROVENANCE.json"), "utf8"));
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const pinned: Record<string, string> = { ...manifest.dependencies, ...manifest.devDependencies };
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** Every ERROR or MISSING node under `node`, so a failure names what did not parse. */
function errorNodes(node: Node): string[] {
  const found: string[] = [];
  const walk = (n: Node) => {
    if (n.isError || n.isMissing) found.push(`${n.type} at ${n.startPosition.row}:${n.startPosition.column}`);
    for (const c of n.children) if (c) walk(c);
  };
  walk(node);
  return found;
}

describe("grammar provenance", () => {
  it("records both wasm files the parser loads", () => {
    assert.deepEqual(provenance.files.map((f) => f.file).sort(), ["tree-sitter-python.wasm", "tree-sitter.wasm"]);
  });

  for (const entry of provenance.files) {
    it(`${entry.file}: sha256 and size match the committed bytes`, () => {
      const bytes = readFileSync(join(grammars, entry.file));
      assert.equal(bytes.length, entry.bytes);
      assert.equal(sha256(bytes), entry.sha256);
    });

    it(`${entry.file}: version is the exact pin of ${entry.package} in package.json`, () => {
      assert.equal(pinned[entry.package], entry.version, `package.json pins ${entry.package}@${pinned[entry.package]}`);
    });

    it(`${entry.file}: identical to the file shipped in the installed ${entry.package}`, () => {
      const pkgDir = join(root, "node_modules", entry.package);
      assert.ok(existsSync(pkgDir), `${entry.package} is not installed: run npm ci`);
      const installed = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
      assert.equal(installed.version, entry.version, "run `node scripts/update-grammar.mjs` after a version bump");
      assert.equal(sha256(readFileSync(join(pkgDir, entry.pathInPackage))), entry.sha256);
    });
  }
});

describe("parser from grammars/", () => {
  let py: PythonParser;
  before(async () => {
    py = await loadPythonParser(grammars);
  });

  it("parses a training script with no ERROR or MISSING nodes", () => {
    const source = [
      "import torch.nn as nn",
      "",
      "class Net(nn.Module):",
      "    def __init__(self, hidden: int = 128) -> None:",
      "        super().__init__()",
      "        self.fc = nn.Sequential(nn.Linear(28 * 28, hidden), nn.ReLU())",
      "",
      "    def forward(self, x):",
      "        return self.fc(x.view(x.size(0), -1)) @ self.w",
      "",
      "for epoch in range(3):",
      "    with torch.no_grad():",
      "        print(f'{epoch=}', [i ** 2 for i in range(4) if i % 2])",
      "",
    ].join("\n");
    const tree = py.parser.parse(source)!;
    assert.deepEqual(errorNodes(tree.rootNode), []);
    assert.equal(tree.rootNode.hasError, false);
    const top = tree.rootNode.namedChildren.map((n) => n!.type);
    assert.deepEqual(top, ["import_statement", "class_definition", "for_statement"]);
  });

  it("marks broken code with an ERROR node instead of throwing", () => {
    const tree = py.parser.parse("def f(:\n    return 1\n")!;
    assert.equal(tree.rootNode.hasError, true);
    assert.ok(errorNodes(tree.rootNode).length > 0);
  });
});
