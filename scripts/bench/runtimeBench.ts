// Static counting vs runtime counting on the same fixture models: Footprint Lint analysing the
// scripts vs real PyTorch importing torch, building each model and counting its parameters.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { WorkspaceReader } from "../../server/src/analysis/workspace";
import { resolveSettings } from "../../server/src/shared/settings";
import { ms, type Row } from "./stats";

const FIXTURES = join(process.cwd(), "test", "fixtures", "torch");
const PYTHON = "/usr/bin/python3";

const workspace: WorkspaceReader = {
  roots: [FIXTURES],
  readFile: (p) => (p.startsWith(FIXTURES) && existsSync(p) ? readFileSync(p, "utf8") : null),
};

export async function runtimeRows(): Promise<Row[]> {
  const cases: Array<{ file: string }> = JSON.parse(
    readFileSync(join(process.cwd(), "test", "oracle", "cases.json"), "utf8"),
  ).cases;
  const files = [...new Set(cases.map((c) => c.file))].map((f) => join(FIXTURES, f));
  const settings = resolveSettings().settings;

  // Ours, cold: load the wasm parser and analyse every file once, as a fresh CLI run would.
  const t0 = performance.now();
  const analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
  const analyseAll = () => {
    for (const path of files) {
      const { tree } = analyzer.analyze({ path, text: readFileSync(path, "utf8"), settings, workspace });
      tree?.delete();
    }
  };
  analyseAll();
  const oursCold = performance.now() - t0;
  const t1 = performance.now();
  analyseAll();
  const oursWarm = performance.now() - t1;

  if (!existsSync(PYTHON)) {
    return [
      {
        what: "vs. runtime counting",
        median: "n/a",
        p95: "n/a",
        budget: "≥ 100×",
        ok: null,
        note: `${PYTHON} not found`,
      },
    ];
  }
  let py: { importTorchMs: number; buildAndCountMs: number; models: number; torch: string };
  try {
    const out = execFileSync(PYTHON, [join(process.cwd(), "scripts", "bench", "runtime_count.py")], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    py = JSON.parse(out.trim().split("\n").at(-1)!);
  } catch (err) {
    return [
      {
        what: "vs. runtime counting",
        median: "n/a",
        p95: "n/a",
        budget: "≥ 100×",
        ok: null,
        note: `PyTorch run failed: ${String(err).slice(0, 200)}`,
      },
    ];
  }
  const theirs = py.importTorchMs + py.buildAndCountMs;
  const ratio = theirs / oursCold;
  // Per script, as a user checks one script: runtime counting needs a Python with torch imported
  // (import + that model's build + count); the language server is already running (warm analysis).
  const theirsPerScript = py.importTorchMs + py.buildAndCountMs / py.models;
  const oursPerScript = oursWarm / files.length;
  const perScript = theirsPerScript / oursPerScript;
  // Both sides warm (torch already imported in a kept-alive Python): the ratio of the work itself.
  const warm = py.buildAndCountMs / py.models / oursPerScript;
  return [
    {
      what: `static, ${files.length} fixture scripts (cold incl. wasm load / warm)`,
      median: ms(oursCold),
      p95: ms(oursWarm),
      budget: "—",
      ok: null,
      note: "params, FLOPs, runs, energy and rules for every script; the PyTorch side counts parameters only",
    },
    {
      what: `PyTorch ${py.torch}: import + build + count ${py.models} models`,
      median: ms(theirs),
      p95: "—",
      budget: "—",
      ok: null,
      note: `import torch ${ms(py.importTorchMs)}, build + count ${ms(py.buildAndCountMs)}`,
    },
    {
      what: "static vs runtime, per script (warm server vs import torch + build + count)",
      median: `${perScript.toFixed(0)}× faster`,
      p95: "—",
      budget: "≥ 100×",
      ok: perScript >= 100,
      note: `${ms(oursPerScript)} vs ${ms(theirsPerScript)} per script`,
    },
    {
      what: "static vs runtime, whole corpus in one process each (cold vs cold)",
      median: `${ratio.toFixed(0)}× faster`,
      p95: "—",
      budget: "—",
      ok: null,
    },
    {
      what: "static vs runtime, both warm (torch already imported)",
      median: `${warm.toFixed(0)}× faster`,
      p95: "—",
      budget: "—",
      ok: null,
    },
  ];
}
