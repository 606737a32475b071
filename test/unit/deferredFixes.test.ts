// Fixes built on demand (rules/deferredFixes.ts, `analyze({ deferFixes: true })`, the language
// server's path): the same fixes as the eager path on every fixture script, nothing built until a
// finding's fixes are read, none once abandoned (the tree changed), and a build that throws costs
// only that finding's fixes.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { DeferredFixes } from "../../server/src/analysis/rules/deferredFixes";
import type { Finding } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { resolveSettings, type Settings } from "../../server/src/shared/settings";

const ROOT = join(__dirname, "..", "..");
const GOLDEN = join(ROOT, "test", "fixtures", "rules", "golden");
type Script = { path: string; text: string; settings: Settings };

/** The golden quick-fix cases, each under its own settings: one per fix every rule can write. */
const GOLDEN_CASES: Array<{ name: string; code: string; settings: Record<string, unknown> }> = JSON.parse(
  readFileSync(join(GOLDEN, "cases.json"), "utf8"),
).cases;

/** Every example, fixture and golden "before" script. */
function scripts(): Script[] {
  const dirs = ["examples", "test/fixtures/rules", "test/fixtures/rules/cases", "test/fixtures/torch"];
  const read = (path: string, settings: Settings) => ({ path, text: readFileSync(path, "utf8"), settings });
  return [
    ...dirs.flatMap((d) =>
      readdirSync(join(ROOT, d))
        .filter((f) => f.endsWith(".py"))
        .map((f) => read(join(ROOT, d, f), resolveSettings().settings)),
    ),
    ...GOLDEN_CASES.map((c) => read(join(GOLDEN, `${c.name}.before.py`), resolveSettings(c.settings).settings)),
  ];
}

const finding = (): Finding => ({
  code: "FP999",
  severity: "warning",
  message: "m",
  range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
  fixes: [],
});
const fix = (title: string) => ({ title, edits: [] });

describe("DeferredFixes", () => {
  it("builds a finding's fixes on first read, once", () => {
    const d = new DeferredFixes();
    const f = finding();
    let builds = 0;
    d.attach(f, "FP999", () => {
      builds++;
      return [fix("a")];
    });
    assert.equal(builds, 0);
    assert.equal(d.pendingCount, 1);
    assert.deepEqual(f.fixes, [fix("a")]);
    assert.deepEqual(f.fixes, [fix("a")]);
    assert.equal(builds, 1);
    assert.equal(d.pendingCount, 0);
  });

  it("abandon(): unbuilt fixes read [] and never run; built ones stay; release runs once", () => {
    const d = new DeferredFixes();
    const [built, unbuilt] = [finding(), finding()];
    let released = 0;
    d.attach(built, "FP999", () => [fix("kept")]);
    d.attach(unbuilt, "FP999", () => assert.fail("built after abandon"));
    d.onRelease(() => released++);
    assert.equal(built.fixes.length, 1);
    assert.equal(released, 0, "one fix still pending");
    d.abandon();
    d.abandon();
    assert.deepEqual(unbuilt.fixes, []);
    assert.deepEqual(built.fixes, [fix("kept")]);
    assert.equal(released, 1);
  });

  it("releases when the last pending fix is built, and buildAll() builds the rest", () => {
    const d = new DeferredFixes();
    const fs = [finding(), finding()];
    let released = false;
    for (const f of fs) d.attach(f, "FP999", () => [fix("x")]);
    d.onRelease(() => {
      released = true;
    });
    d.buildAll();
    assert.ok(released);
    assert.ok(fs.every((f) => Object.getOwnPropertyDescriptor(f, "fixes")?.value?.length === 1));
  });

  it("buildSome() builds at least one finding per slice and says how many are left", () => {
    const d = new DeferredFixes();
    const fs = [finding(), finding(), finding()];
    for (const f of fs) d.attach(f, "FP999", () => [fix("s")]);
    assert.equal(d.buildSome(0), 2);
    assert.equal(d.buildSome(0), 1);
    assert.equal(d.buildSome(1000), 0);
    assert.ok(fs.every((f) => Object.getOwnPropertyDescriptor(f, "fixes")?.value?.length === 1));
  });

  it("a build that throws leaves that finding without fixes and reports it", () => {
    const d = new DeferredFixes();
    const failures: string[] = [];
    d.onFailure = (m) => failures.push(m);
    const [bad, good] = [finding(), finding()];
    d.attach(bad, "FP110", () => {
      throw new Error("no loop found");
    });
    d.attach(good, "FP170", () => [fix("ok")]);
    assert.deepEqual(bad.fixes, []);
    assert.deepEqual(good.fixes, [fix("ok")]);
    assert.deepEqual(failures, ["FP110: no loop found"]);
  });

  it("is serialised with its fixes (JSON reads them)", () => {
    const d = new DeferredFixes();
    const f = finding();
    d.attach(f, "FP999", () => [fix("json")]);
    assert.deepEqual(JSON.parse(JSON.stringify(f)).fixes, [fix("json")]);
  });
});

describe("analyze({ deferFixes })", () => {
  let analyzer: Analyzer;
  before(async () => {
    analyzer = new Analyzer(await loadPythonParser(join(ROOT, "grammars")));
  });
  const analyze = (s: Script, deferFixes: boolean) =>
    analyzer.analyze({ path: s.path, text: s.text, settings: s.settings, workspace: EMPTY_WORKSPACE, deferFixes });

  it("gives every fixture script the same analysis, fixes included, as the eager path", () => {
    const withOwnFixes = new Set<string>();
    for (const s of scripts()) {
      const eager = analyze(s, false);
      const lazy = analyze(s, true);
      assert.equal(eager.deferredFixes, undefined);
      const pending = lazy.deferredFixes?.pendingCount ?? 0;
      assert.equal(pending, lazy.analysis.findings.length, `${s.path}: nothing built before it is read`);
      assert.equal(JSON.stringify(lazy.analysis), JSON.stringify(eager.analysis), s.path);
      for (const f of lazy.analysis.findings) {
        if (f.fixes.some((x) => !x.title.startsWith("Ignore "))) withOwnFixes.add(f.code);
      }
      eager.tree?.delete();
      lazy.tree?.delete();
    }
    // Every rule a golden case fixes had its deferred fixes built and compared here.
    const fixed = new Set(GOLDEN_CASES.map((c) => c.code));
    assert.deepEqual(
      [...fixed].filter((c) => !withOwnFixes.has(c)),
      [],
    );
  });

  it("after abandon(), unread fixes are empty and the tree may go", () => {
    const s = scripts().find((x) => x.path.endsWith("mnist_gpu_fp32.py"))!;
    const out = analyze(s, true);
    assert.ok(out.analysis.findings.length > 0);
    out.deferredFixes?.abandon();
    out.tree?.delete();
    assert.ok(out.analysis.findings.every((f) => f.fixes.length === 0));
  });
});
