// The golden quick-fixes under real Python and PyTorch (fixed_scripts_oracle.py): every before/after
// file parses with Python's own parser, each PyTorch fix keeps build_model()'s parameter count and
// state_dict keys and can be deep-copied, the 2:4 fix leaves at most 2 non-zeros per group of 4
// before and after training steps, and the int8 export writes a file whose size matches FP180's
// predicted weight bytes. Skipped only where torch is missing and CI is not set.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { resolveSettings } from "../../server/src/shared/settings";

const PYTHON = "/usr/bin/python3";
const GOLDEN = join(process.cwd(), "test", "fixtures", "rules", "golden");

interface CaseResult {
  name: string;
  before_parses: boolean;
  after_parses: boolean;
  params_before?: number;
  params_after?: number;
  max_nonzero_per_4_after?: number | null;
  max_nonzero_per_4_trained?: number | null;
  deepcopy_after?: boolean;
  deepcopy_trained?: boolean;
  state_dict_keys_same?: boolean;
  export_files?: Record<string, number>;
}

const hasTorch = spawnSync(PYTHON, ["-c", "import torch"], { timeout: 120_000 }).status === 0;
const skip = !hasTorch && !process.env.CI ? `${PYTHON} cannot import torch (install Debian python3-torch)` : false;

it(
  "golden fixes: parse in Python, keep parameter counts in PyTorch, 2:4 pattern, int8 size",
  { skip, timeout: 600_000 },
  async () => {
    const r = spawnSync(PYTHON, [join("test", "oracle", "fixed_scripts_oracle.py")], {
      encoding: "utf8",
      timeout: 540_000,
    });
    assert.equal(r.status, 0, `oracle failed\n${r.stderr.slice(-3000)}`);
    const out: { torch: string; cases: CaseResult[] } = JSON.parse(r.stdout);
    const cases: Array<{ name: string; torch?: boolean }> = JSON.parse(
      readFileSync(join(GOLDEN, "cases.json"), "utf8"),
    ).cases;
    assert.equal(out.cases.length, cases.length);
    for (const c of cases) {
      const got = out.cases.find((x) => x.name === c.name)!;
      assert.ok(got.before_parses && got.after_parses, c.name);
      if (!c.torch) continue;
      assert.ok(got.params_before! > 0, `${c.name}: no parameters built`);
      assert.equal(
        got.params_after,
        got.params_before,
        `${c.name}: the fix changed the parameter count (torch ${out.torch})`,
      );
      // A fix must not break what scripts do with a model next: copy it (EMA, int8 export), load checkpoints.
      assert.equal(got.deepcopy_after, true, `${c.name}: copy.deepcopy fails on the fixed model`);
      assert.equal(got.state_dict_keys_same, true, `${c.name}: the fix changed the state_dict's keys`);
    }
    // The 2:4 fix: the pattern is there at once and is still there after training steps.
    const prune = out.cases.find((x) => x.name === "fp120_mlp_prune")!;
    assert.equal(prune.max_nonzero_per_4_after, 2);
    assert.equal(prune.max_nonzero_per_4_trained, 2);
    assert.equal(prune.deepcopy_trained, true);

    // A save path from the script (a parameter here): the int8 copy lands beside the fp32 file, in its folder.
    const traced = cases.find((c) => c.name === "fp180_torch_jit_trace") as { exportPath?: string } | undefined;
    assert.ok(traced?.exportPath);
    const beside = traced.exportPath.replace(/\.pt$/, ".int8.pt");
    assert.deepEqual(
      Object.keys(out.cases.find((x) => x.name === "fp180_torch_jit_trace")!.export_files!).sort(),
      [traced.exportPath, beside].sort(),
    );

    // FP180's message predicts the weight bytes before and after; the files real PyTorch writes agree within 5%.
    const files = out.cases.find((x) => x.name === "fp180_torch_int8")!.export_files!;
    const analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
    const path = join(GOLDEN, "fp180_torch_int8.before.py");
    const { analysis, tree } = analyzer.analyze({
      path,
      text: readFileSync(path, "utf8"),
      settings: resolveSettings().settings,
      workspace: EMPTY_WORKSPACE,
    });
    tree?.delete();
    const msg = analysis.findings.find((f) => f.code === "FP180")!.message;
    const [, from, to] = /from ([\d.]+) MB to ([\d.]+) MB/.exec(msg)!;
    const predicted = Number(to) / Number(from);
    const real = files["model.int8.pt"] / files["model.pt"];
    assert.ok(Math.abs(real / predicted - 1) < 0.05, `int8/fp32 size: predicted ${predicted}, PyTorch wrote ${real}`);
  },
);
