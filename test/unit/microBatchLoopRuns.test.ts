// A step loop whose optimizer steps after an inner micro-batch loop (nanoGPT's gradient accumulation)
// takes max_iters optimizer steps of `gradient_accumulation_steps` micro-batches each. Before, the
// run said max_iters × micro-steps "optimizer steps" (160,000 for 20,000); the samples seen, and so
// the price, were already right and must stay so.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});
const analyze = (text: string) =>
  analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;
const num = (text: string, name: string) => Number(new RegExp(`^${name} = (\\d+)`, "m").exec(text)?.[1]);

const script = (stepInside: boolean) => `import torch
import torch.nn as nn

batch_size = 12
gradient_accumulation_steps = 5
max_iters = 3000

model = nn.Sequential(nn.Linear(256, 1024), nn.GELU(), nn.Linear(1024, 256)).cuda()
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
scaler = torch.cuda.amp.GradScaler()


def get_batch():
    x = torch.randn(batch_size, 256, device="cuda")
    return x, x


for it in range(max_iters):
    for micro_step in range(gradient_accumulation_steps):
        x, y = get_batch()
        with torch.autocast(device_type="cuda", dtype=torch.float16):
            loss = nn.functional.mse_loss(model(x), y) / gradient_accumulation_steps
        scaler.scale(loss).backward()${stepInside ? "\n        scaler.step(optimizer)\n        scaler.update()\n        optimizer.zero_grad(set_to_none=True)" : ""}
${stepInside ? "" : "    scaler.step(optimizer)\n    scaler.update()\n    optimizer.zero_grad(set_to_none=True)\n"}`;

test("optimizer.step() after the micro-batch loop: max_iters steps, each accumulating the micro-batches", () => {
  const text = script(false);
  const r = analyze(text).runs[0];
  assert.equal(r.spec.maxSteps, num(text, "max_iters"));
  assert.equal(r.spec.gradientAccumulation, num(text, "gradient_accumulation_steps"));
  assert.equal(r.spec.batchSize, num(text, "batch_size"));
  const seen = num(text, "max_iters") * num(text, "gradient_accumulation_steps") * num(text, "batch_size");
  assert.ok(r.trainFlops && r.spec.forwardFlops);
  assert.equal(r.trainFlops.low, 3 * r.spec.forwardFlops * seen);
});

test("optimizer.step() inside the inner loop: every inner iteration is a step, as before", () => {
  const text = script(true);
  const r = analyze(text).runs[0];
  assert.equal(r.spec.maxSteps, num(text, "max_iters") * num(text, "gradient_accumulation_steps"));
  assert.equal(r.spec.gradientAccumulation, 1);
});
