// Activation checkpointing (torch.utils.checkpoint): the checkpointed blocks' forward is part of the
// model's forward (before, checkpoint() was not modelled and its blocks' MACs silently vanished: 1.6M
// of 18.4M counted) and runs again in backward, so training costs 3 × forward + the recomputed part.
// An unresolved call handed a layer in forward makes FLOPs unknown. Expected values come from the
// same model written without checkpointing, never typed by hand.
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

const script = (
  body: string,
  imports = "from torch.utils.checkpoint import checkpoint, checkpoint_sequential",
) => `import torch
import torch.nn as nn
${imports}
from torch.utils.data import DataLoader
from torchvision import datasets, transforms


class Net(nn.Module):
    def __init__(self, depth=8):
        super().__init__()
        self.inp = nn.Linear(3072, 512)
        self.blocks = nn.Sequential(*[nn.Sequential(nn.Linear(512, 2048), nn.GELU(), nn.Linear(2048, 512)) for _ in range(depth)])
        self.out = nn.Linear(512, 10)

    def forward(self, x):
        x = self.inp(x.flatten(1))
${body}
        return self.out(x)


loader = DataLoader(datasets.CIFAR10("data", train=True, transform=transforms.ToTensor()), batch_size=128)
model = Net().cuda()
opt = torch.optim.AdamW(model.parameters())
for epoch in range(3):
    for x, y in loader:
        loss = nn.functional.cross_entropy(model(x.cuda()), y.cuda())
        opt.zero_grad()
        loss.backward()
        opt.step()
`;

const plain = () => analyze(script("        for b in self.blocks:\n            x = x + b(x)", ""));
const blockMacs = (a: ReturnType<typeof analyze>, from = 0) =>
  (a.models[0].layers ?? [])
    .filter((l) => l.path.startsWith("blocks.") && Number(l.path.split(".")[1]) >= from)
    .reduce((s, l) => s + (l.macs ?? 0), 0);

for (const [name, call] of [
  ["checkpoint(b, x)", "checkpoint(b, x)"],
  ["checkpoint(..., use_reentrant=False)", "checkpoint(b, x, use_reentrant=False)"],
  ["torch.utils.checkpoint.checkpoint", "torch.utils.checkpoint.checkpoint(b, x)"],
]) {
  test(`${name}: the blocks count in the forward, and training recomputes them once`, () => {
    const imports = call.startsWith("torch.") ? "import torch.utils.checkpoint" : undefined;
    const a = analyze(script(`        for b in self.blocks:\n            x = x + ${call}`, imports));
    const p = plain();
    const m = a.models[0];
    assert.equal(m.forwardMacs, p.models[0].forwardMacs);
    assert.ok(blockMacs(p) > 0);
    assert.equal(m.recomputedFlops, 2 * blockMacs(p));
    const run = a.runs[0];
    const base = p.runs[0];
    assert.ok(run.trainFlops && base.trainFlops && run.spec.trainSamples && run.spec.epochs);
    const seen = run.spec.trainSamples * run.spec.epochs;
    assert.ok(Math.abs(run.trainFlops.low - base.trainFlops.low - seen * 2 * blockMacs(p)) < 1e-6 * run.trainFlops.low);
  });
}

test("checkpoint_sequential(blocks, 4, x): every segment but the last is recomputed, as torch does", () => {
  const a = analyze(script("        x = checkpoint_sequential(self.blocks, 4, x, use_reentrant=False)"));
  const p = analyze(script("        x = self.blocks(x)", ""));
  assert.equal(a.models[0].forwardMacs, p.models[0].forwardMacs);
  // 8 blocks in 4 segments of 2: blocks 0–5 are checkpointed, 6–7 (the last segment) are not.
  assert.equal(a.models[0].recomputedFlops, 2 * (blockMacs(p) - blockMacs(p, 6)));
});

test("an unresolved library call handed a layer in forward makes FLOPs unknown, not silently smaller", () => {
  const a = analyze(
    script("        for b in self.blocks:\n            x = x + fancy_block(b, x)", "from mylib import fancy_block"),
  );
  const m = a.models[0];
  assert.equal(m.forwardMacs, null);
  assert.ok(m.unknowns.some((u) => u.message.includes("mylib.fancy_block") && u.hint?.includes("# footprint: flops")));
  assert.equal(m.params, plain().models[0].params, "parameters stay exact");
});
