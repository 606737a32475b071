// torch.nn.utils weight_norm / spectral_norm keep the module they wrap (so the model stays one model);
// the weight_norm counts are checked against PyTorch by the melgan_weight_norm oracle fixture, and
// the other forms here against the counts they must equal: spectral_norm and remove_weight_norm leave
// the plain layer's count, the parametrizations form of weight_norm equals the classic one.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { model, run } from "./evaluateHelpers";

async function params(wrap: string): Promise<number> {
  const facts = await run(`
import torch
import torch.nn as nn
from torch.nn.utils import parametrizations, remove_weight_norm, spectral_norm, weight_norm

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = ${wrap.replace("LAYER", "nn.Conv1d(16, 32, 5)")}
        self.fc = ${wrap.replace("LAYER", "nn.Linear(32, 8)")}

    def forward(self, x):
        return self.fc(self.conv(x).mean(-1))

model = Net()
model(torch.randn(2, 16, 40))
`);
  const m = model(facts, "model");
  assert.notEqual(m.forwardFlops, null, JSON.stringify(m.unknowns));
  return m.params;
}

describe("weight and spectral normalisation wrappers", () => {
  test("spectral_norm (both forms) keeps the count; weight_norm adds a magnitude per output", async () => {
    const plain = await params("LAYER");
    assert.equal(await params("spectral_norm(LAYER)"), plain);
    assert.equal(await params("parametrizations.spectral_norm(LAYER)"), plain);
    assert.equal(await params("remove_weight_norm(weight_norm(LAYER))"), plain);
    const wn = await params("weight_norm(LAYER)");
    assert.ok(wn > plain);
    assert.equal(await params("parametrizations.weight_norm(LAYER)"), wn);
    // dim=None: one magnitude for the whole weight, i.e. one parameter per wrapped layer.
    assert.equal(await params("weight_norm(LAYER, dim=None)"), plain + 2);
  });
});
