// A custom torch.autograd.Function (DANN's gradient reversal) is called as Cls.apply(...), which runs
// its static forward(ctx, ...). Before, apply was unknown and the layers after it lost their input
// shape, so the model's FLOPs were unknown; now they equal the same model without the reversal.
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

const dann = (reverse: string) => `import torch
import torch.nn as nn
from torch.autograd import Function


class GradReverse(Function):
    @staticmethod
    def forward(ctx, x, alpha):
        ctx.alpha = alpha
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.neg() * ctx.alpha, None


class DANN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 32, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 48, 5), nn.ReLU(), nn.MaxPool2d(2))
        self.label_head = nn.Sequential(nn.Linear(48 * 4 * 4, 100), nn.ReLU(), nn.Linear(100, 10))
        self.domain_head = nn.Sequential(nn.Linear(48 * 4 * 4, 100), nn.ReLU(), nn.Linear(100, 2))

    def forward(self, x, alpha=1.0):
        f = self.features(x).flatten(1)
        return self.label_head(f), self.domain_head(${reverse})


model = DANN()
out = model(torch.randn(16, 3, 28, 28))
`;

test("Function.apply runs the subclass's forward: the domain head after the reversal is counted", () => {
  const m = analyze(dann("GradReverse.apply(f, alpha)")).models[0];
  const ref = analyze(dann("f")).models[0];
  assert.ok(ref.forwardMacs && ref.forwardMacs > 0);
  assert.equal(m.forwardMacs, ref.forwardMacs);
  assert.deepEqual(m.unknowns, []);
});
