// Fix-all and file-level suppression on real analyses: fix-all applies each finding's preferred
// fix as one non-overlapping edit set that reparses, and a second pass finds nothing to do; the
// ignore-file fix lands below shebang / encoding line / docstring and silences the whole file.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { fixAllEdits, preferredFix } from "../../server/src/analysis/fixes/fixAll";
import { applyEdits } from "../../server/src/analysis/fixes/textEdits";
import { loadPythonParser, type PythonParser } from "../../server/src/analysis/parse/loadParser";
import type { FileAnalysis, Finding } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { resolveSettings } from "../../server/src/shared/settings";
import { rangeOf } from "./helpers/ruleContext";

const FIXTURE = join(process.cwd(), "test", "fixtures", "rules", "mnist_gpu_fp32.py");
const SOURCE = readFileSync(FIXTURE, "utf8");

let py: PythonParser;
let analyzer: Analyzer;
before(async () => {
  py = await loadPythonParser(join(process.cwd(), "grammars"));
  analyzer = new Analyzer(py);
});

function analyze(text: string): FileAnalysis {
  const { analysis, tree } = analyzer.analyze({
    path: FIXTURE,
    text,
    settings: resolveSettings({ device: "a100" }).settings,
    workspace: EMPTY_WORKSPACE,
  });
  tree?.delete();
  return analysis;
}

const reparse = (t: string) => py.parser.parse(t);

describe("fix-all", () => {
  it("applies every preferred fix at once, reparses, and is a no-op the second time", () => {
    const first = analyze(SOURCE);
    const withFix = first.findings.filter((f) => preferredFix(f));
    const codes = new Set(withFix.map((f) => f.code));
    for (const c of ["FP140", "FP170", "FP180"]) assert.ok(codes.has(c), `${c} has no preferred fix`);
    const all = fixAllEdits(SOURCE, first.findings, reparse);
    assert.deepEqual(all.skipped, []);
    // Two loaders share one title; every other fix applies once.
    assert.equal(all.applied.length, withFix.length);
    const fixed = applyEdits(SOURCE, all.edits);
    assert.equal(py.parser.parse(fixed)!.rootNode.hasError, false);
    // `import torch` is already there; no fix may add a second one.
    assert.equal(fixed.match(/^import torch$/gm)?.length, 1);
    const second = analyze(fixed);
    assert.deepEqual(second.syntaxErrors, []);
    const again = fixAllEdits(fixed, second.findings, reparse);
    assert.deepEqual(again.edits, [], `still to fix: ${again.applied.join("; ")}`);
    for (const code of ["FP140", "FP170", "FP180"]) {
      assert.ok(!second.findings.some((f) => f.code === code), `${code} still reported after fix-all`);
    }
  });

  it("leaves out a fix whose edits overlap one already taken, and writes a shared edit once", () => {
    const text = "import torch\nx = torch.ones(3)\n";
    const line1 = rangeOf(text, "torch.ones(3)");
    const insertTop = {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      newText: "import os\n",
    };
    const finding = (code: string, newText: string): Finding => ({
      code,
      severity: "warning",
      message: code,
      range: line1,
      fixes: [{ title: `fix ${code}`, edits: [{ range: line1, newText }, insertTop], isPreferred: true }],
    });
    const out = fixAllEdits(text, [finding("FP1", "torch.zeros(3)"), finding("FP2", "torch.empty(3)")], reparse);
    assert.deepEqual(out.applied, ["fix FP1"]);
    assert.deepEqual(out.skipped, ["fix FP2"]);
    const shared = {
      ...finding("FP3", ""),
      range: line1,
      fixes: [{ title: "fix FP3", edits: [insertTop], isPreferred: true }],
    };
    const both = fixAllEdits(text, [finding("FP1", "torch.zeros(3)"), shared], reparse);
    assert.equal(applyEdits(text, both.edits), "import os\nimport torch\nx = torch.zeros(3)\n");
  });

  it("applies nothing when the combination would not parse", () => {
    const text = "a = 1\n";
    const r = rangeOf(text, "1");
    const bad: Finding = {
      code: "FP1",
      severity: "warning",
      message: "",
      range: r,
      fixes: [{ title: "breaks", edits: [{ range: r, newText: "(" }], isPreferred: true }],
    };
    assert.deepEqual(fixAllEdits(text, [bad], reparse).edits, []);
  });
});

describe("ignore-file quick-fix", () => {
  const fileFix = (f: Finding) => f.fixes.find((x) => x.title === `Ignore ${f.code} in this file`);

  for (const [name, header] of [
    ["a shebang and an encoding line", "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n"],
    ["a module docstring", '"""Trains the MNIST ConvNet.\n\nUsage: python train.py\n"""\n'],
    ["a shebang above the docstring", '#!/usr/bin/env python\n"""Trains the MNIST ConvNet."""\n'],
  ] as const) {
    it(`goes below ${name} and silences the rule in the whole file`, () => {
      const text = header + SOURCE.replace(/^"""[^\n]*"""\n/, "");
      const before = analyze(text);
      const fp170 = before.findings.filter((f) => f.code === "FP170");
      assert.equal(fp170.length, 2, "both loaders are starved");
      const fix = fileFix(fp170[0])!;
      assert.ok(fix, JSON.stringify(fp170[0].fixes.map((x) => x.title)));
      const fixed = applyEdits(text, fix.edits);
      assert.ok(fixed.startsWith(`${header}# footprint: ignore-file[FP170]\n`), fixed.slice(0, 200));
      const after = analyze(fixed);
      assert.deepEqual(after.syntaxErrors, []);
      assert.ok(!after.findings.some((f) => f.code === "FP170"));
      assert.ok(
        after.findings.some((f) => f.code === "FP140"),
        "other rules still report",
      );
      // Offered again for another rule, it merges into the same comment.
      const merge = fileFix(after.findings.find((f) => f.code === "FP140")!)!;
      const twice = applyEdits(fixed, merge.edits);
      assert.ok(twice.includes("# footprint: ignore-file[FP170, FP140]\n"));
      assert.ok(!analyze(twice).findings.some((f) => f.code === "FP140" || f.code === "FP170"));
    });
  }
});
