// A step loop that makes its own batches (`for step in range(n)` with `torch.randn(B, ...)` or a
// get_batch() helper) is priced as steps × the batch dimension of what the model is called on;
// when the input's shape is unknown, the batch size stays unknown and the run says what to add.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { FileAnalysis } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});
const analyze = (text: string): FileAnalysis =>
  analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;

const script = (batchExpr: string) => `import torch
import torch.nn as nn

BATCH, BLOCK, STEPS = 24, 64, 300
model = nn.Sequential(nn.Embedding(512, 128), nn.Flatten(), nn.Linear(128 * BLOCK, 512)).cuda()
opt = torch.optim.AdamW(model.parameters())


def get_batch():
    return ${batchExpr}


for step in range(STEPS):
    x = get_batch()
    loss = model(x).logsumexp(-1).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
`;

test("batch size from the leading dimension of the model's input", () => {
  const a = analyze(script("torch.randint(0, 512, (BATCH, BLOCK), device='cuda')"));
  const { spec } = a.runs[0];
  assert.equal(spec.maxSteps, 300);
  assert.equal(spec.batchSize, 24);
  assert.ok(
    spec.evidence.some((e) => /batch size 24: the leading dimension/.test(e)),
    spec.evidence.join("\n"),
  );
  assert.ok(a.runs[0].co2eKg, "priced as steps × batch");
});

test("an input of unknown shape leaves the batch size unknown, with the directive to add", () => {
  const a = analyze(script('torch.load("batch.pt")'));
  const run = a.runs[0];
  assert.equal(run.spec.batchSize, null);
  assert.equal(run.co2eKg, null);
  assert.ok([...run.spec.unknowns, ...run.unknowns].some((u) => u.hint?.includes("# footprint: samples")));
});
