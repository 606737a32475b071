// Golden quick-fix tests: every fix applied to a real-looking script gives exactly the committed
// .after.py, which parses with no ERROR/MISSING node, silences its finding, and a second pass
// offers the same fix no more. UPDATE_GOLDENS=1 rewrites the .after.py files (CI compares).
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { Analyzer, collectSyntaxErrors } from "../../server/src/analysis/analyze";
import { applyEdits } from "../../server/src/analysis/fixes/textEdits";
import { loadPythonParser, type PythonParser } from "../../server/src/analysis/parse/loadParser";
import type { FileAnalysis, Finding, Fix } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { resolveSettings } from "../../server/src/shared/settings";

const DIR = join(process.cwd(), "test", "fixtures", "rules", "golden");
interface GoldenCase {
  name: string;
  code: string;
  fix?: string;
  settings: Record<string, unknown>;
  torch?: boolean;
}
const CASES: GoldenCase[] = JSON.parse(readFileSync(join(DIR, "cases.json"), "utf8")).cases;
const UPDATE = process.env.UPDATE_GOLDENS === "1";

let py: PythonParser;
let analyzer: Analyzer;
before(async () => {
  py = await loadPythonParser(join(process.cwd(), "grammars"));
  analyzer = new Analyzer(py);
});

function analyze(path: string, text: string, settings: Record<string, unknown>): FileAnalysis {
  const { analysis, tree } = analyzer.analyze({
    path,
    text,
    settings: resolveSettings(settings).settings,
    workspace: EMPTY_WORKSPACE,
  });
  tree?.delete();
  return analysis;
}

/** The case's fix: by title when named, else the finding's preferred (non-suppression) fix. */
function pick(findings: Finding[], c: GoldenCase): Fix | undefined {
  const f = findings.find((x) => x.code === c.code);
  if (!f) return undefined;
  return c.fix ? f.fixes.find((x) => x.title === c.fix) : f.fixes.find((x) => x.isPreferred);
}

describe("golden quick-fixes", () => {
  it("covers every rule with a quick-fix, and both suppressions", () => {
    const covered = new Set(CASES.map((c) => (c.fix?.startsWith("Ignore") ? c.fix.replace(/FP\d+ /, "") : c.code)));
    for (const k of ["FP110", "FP120", "FP140", "FP150", "FP160", "FP170", "FP180"]) assert.ok(covered.has(k), k);
    assert.ok(covered.has("Ignore on this line") && covered.has("Ignore in this file"), [...covered].join());
  });

  for (const c of CASES) {
    it(`${c.name}: ${c.fix ?? `${c.code} preferred fix`}`, () => {
      const path = join(DIR, `${c.name}.before.py`);
      const text = readFileSync(path, "utf8");
      const fix = pick(analyze(path, text, c.settings).findings, c);
      assert.ok(fix, `${c.code} fix missing on ${c.name}`);
      const fixed = applyEdits(text, fix.edits);
      const goldenPath = join(DIR, `${c.name}.after.py`);
      if (UPDATE) writeFileSync(goldenPath, fixed);
      assert.equal(
        fixed,
        readFileSync(goldenPath, "utf8"),
        `${c.name}: differs from the golden (UPDATE_GOLDENS=1 regenerates)`,
      );
      const tree = py.parser.parse(fixed)!;
      assert.deepEqual(collectSyntaxErrors(tree.rootNode), [], `${c.name}: ERROR/MISSING nodes after the fix`);
      tree.delete();
      const after = analyze(path, fixed, c.settings);
      assert.ok(!after.findings.some((f) => f.code === c.code), `${c.code} still reported after its fix`);
      assert.equal(pick(after.findings, c), undefined, "applying the fix twice must change nothing");
    });
  }
});

/** The same script written with tab indentation and CRLF line endings. */
const tabsCrlf = (t: string) => t.replace(/^(?: {4})+/gm, (m) => "\t".repeat(m.length / 4)).replace(/\n/g, "\r\n");

describe("golden quick-fixes keep a tab-indented, CRLF file's style", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const path = join(DIR, `${c.name}.before.py`);
      const text = tabsCrlf(readFileSync(path, "utf8"));
      const fix = pick(analyze(path, text, c.settings).findings, c);
      assert.ok(fix, `${c.code} fix missing on the tab/CRLF ${c.name}`);
      assert.equal(applyEdits(text, fix.edits), tabsCrlf(readFileSync(join(DIR, `${c.name}.after.py`), "utf8")));
    });
  }
});
