// Bad input never takes the analyzer down: each case returns a result (or a clear notice) within
// its budget, and code after the trouble is still analysed where Python would reach it.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { Analyzer, type AnalyzeOutput } from "../../server/src/analysis/analyze";
import { DEFAULT_BUDGET } from "../../server/src/analysis/evaluate";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { resolveSettings } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

const settings = resolveSettings().settings;
function analyze(text: string): AnalyzeOutput["analysis"] & { ms: number } {
  const t = Date.now();
  const { analysis, tree } = analyzer.analyze({ path: "/w/bad.py", text, settings, workspace: EMPTY_WORKSPACE });
  tree?.delete();
  return { ...analysis, ms: Date.now() - t };
}

const internalErrors = (a: { notices: string[] }) => a.notices.filter((n) => /internal error|stopped:/.test(n));

/** A small model after the trouble: Linear(8, 4) has 8*4 + 4 parameters (weight + bias). */
const TAIL = "\nimport torch.nn as nn\nhead = nn.Linear(8, 4)\n";
const TAIL_PARAMS = 8 * 4 + 4;

function assertTailFound(a: ReturnType<typeof analyze>, label: string): void {
  assert.deepEqual(internalErrors(a), [], `${label}: ${internalErrors(a).join("; ")}`);
  const head = a.models.find((m) => m.name === "head");
  assert.ok(head, `${label}: the model after the trouble was not analysed`);
  assert.equal(head.params, TAIL_PARAMS);
}

describe("bad input", () => {
  it("empty and whitespace-only files give an empty result", () => {
    for (const text of ["", "\n\n   \n", "# only a comment\n"]) {
      const a = analyze(text);
      assert.deepEqual([a.models, a.runs, a.findings, internalErrors(a)], [[], [], [], []]);
    }
  });

  it("binary content is refused with a notice", () => {
    const a = analyze("PK\u0003\u0004\u0000\u0000binary");
    assert.equal(a.models.length, 0);
    assert.match(a.notices.join("\n"), /binary/);
  });

  it("undecodable bytes (U+FFFD after decoding) do not stop the analysis", () => {
    assertTailFound(analyze(`x = "caf\uFFFD\uFFFD"\n${TAIL}`), "non-UTF-8");
  });

  it("a file over the size limit gets a notice instead of an analysis", () => {
    const a = analyze(`x = 1\n`.repeat(900_000));
    assert.match(a.notices.join("\n"), /over the .* limit/);
  });

  it("syntax errors and half-typed code: the parts that parse are analysed", () => {
    const a = analyze(`def broken(:\n    return\nclass Half(nn.Module):\n    def __init__(self\n${TAIL}`);
    assert.ok(a.syntaxErrors.length > 0);
    assert.match(a.notices.join("\n"), /syntax error/);
    assert.deepEqual(internalErrors(a), []);
  });

  it("unbounded recursion is cut at the depth limit", () => {
    const a = analyze(`def f(n):\n    return f(n + 1)\n\nf(0)\n${TAIL}`);
    assertTailFound(a, "recursion");
    assert.ok(a.steps <= DEFAULT_BUDGET.maxSteps);
  });

  it("`while True` and a 10^9-step loop end within budget", () => {
    for (const loop of ["while True:\n    x = 1\n", "total = 0\nfor i in range(10**9):\n    total += i\n"]) {
      const a = analyze(`${loop}${TAIL}`);
      assertTailFound(a, loop.split("\n")[0]);
      assert.ok(a.ms < 2000, `${loop.split("\n")[0]} took ${a.ms} ms`);
    }
  });

  it("a 5,000-deep expression does not overflow the stack", () => {
    const a = analyze(`x = ${"(".repeat(5000)}1${")".repeat(5000)}\n${TAIL}`);
    assert.deepEqual(internalErrors(a), []);
  });

  it("a class that inherits from itself does not loop", () => {
    assertTailFound(
      analyze(
        `class A(A):\n    pass\n\nclass B(B):\n    def __init__(self):\n        super().__init__()\n\nb = B()\n${TAIL}`,
      ),
      "self-inheritance",
    );
  });
});
