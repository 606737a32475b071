// Rules through the whole pipeline on a real-looking training script: the expected findings
// appear, every fix reparses cleanly and silences its finding, applying it again changes nothing,
// and real PyTorch builds the fixed script's model with the same parameter count as the original.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { applyEdits } from "../../server/src/analysis/fixes/textEdits";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { FileAnalysis, Finding } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { resolveSettings } from "../../server/src/shared/settings";

const FIXTURE = join(process.cwd(), "test", "fixtures", "rules", "mnist_gpu_fp32.py");
const SOURCE = readFileSync(FIXTURE, "utf8");

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

function analyze(text: string, settings: Record<string, unknown> = {}): FileAnalysis {
  const { analysis, tree } = analyzer.analyze({
    path: FIXTURE,
    text,
    settings: resolveSettings(settings).settings,
    workspace: EMPTY_WORKSPACE,
  });
  tree?.delete();
  return analysis;
}

const codeFixes = (f: Finding) => f.fixes.filter((x) => !x.title.startsWith("Ignore"));

/** Real PyTorch: import the script (its main guard keeps training from running) and count ConvNet()'s parameters. */
function torchParams(text: string): number {
  const dir = mkdtempSync(join(tmpdir(), "fp-fix-"));
  writeFileSync(join(dir, "train.py"), text);
  const out = execFileSync(
    "/usr/bin/python3",
    [
      "-c",
      "import sys; sys.path.insert(0, sys.argv[1]); import train; print(sum(p.numel() for p in train.ConvNet().parameters()))",
      dir,
    ],
    { encoding: "utf8" },
  );
  return Number(out.trim());
}

// On a T4 (no bf16) the mixed-precision fix must be the fp16 + GradScaler variant.
for (const [device, header] of [
  ["a100", "dtype=torch.bfloat16"],
  ["t4", "dtype=torch.float16"],
] as const) {
  describe(`rules end to end on ${device}`, () => {
    const settings = { device };
    it("finds model size, run estimate, eval without no_grad, starved loaders and no early stopping", () => {
      const codes = new Set(analyze(SOURCE, settings).findings.map((f) => f.code));
      for (const c of ["FP100", "FP101", "FP140", "FP160", "FP170"]) assert.ok(codes.has(c), `${c} missing`);
    });

    it("every fix reparses, silences its finding, is a no-op twice, and keeps the model's parameter count", () => {
      const before = analyze(SOURCE, settings);
      const params = before.models.find((m) => m.name === "model")!.params;
      assert.equal(torchParams(SOURCE), params, "static count differs from PyTorch on the original");
      let sawMixed = false;
      for (const finding of before.findings) {
        for (const fix of codeFixes(finding)) {
          const fixed = applyEdits(SOURCE, fix.edits);
          if (finding.code === "FP110") {
            sawMixed = true;
            assert.ok(fixed.includes(header), `${device}: ${fix.title}`);
          }
          const after = analyze(fixed, settings);
          assert.deepEqual(after.syntaxErrors, [], `${finding.code}: ${fix.title} broke the file`);
          const again = after.findings.filter(
            (f) => f.code === finding.code && codeFixes(f).some((x) => x.title === fix.title),
          );
          const sameSite = again.filter(
            (f) =>
              applyEdits(fixed, codeFixes(f)[0].edits) === fixed || f.range.start.line === finding.range.start.line,
          );
          assert.deepEqual(
            sameSite.map((f) => f.message),
            [],
            `${finding.code} still offers "${fix.title}" after it was applied`,
          );
          assert.equal(torchParams(fixed), params, `${finding.code}: "${fix.title}" changed the parameter count`);
        }
      }
      if (device === "t4") assert.ok(sawMixed, "no mixed-precision fix on a T4");
    });
  });
}
