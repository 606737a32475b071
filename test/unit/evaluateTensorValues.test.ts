// Small tensors built from constants keep their values (TensorV.values): the drop-path rates of
// `[x.item() for x in torch.linspace(0, rate, depth)]` and the widths of `np.linspace(...)` decide
// which layers a model builds, so they must not turn into Unknown.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { model, run } from "./evaluateHelpers";

async function layerTypes(build: string): Promise<string[]> {
  const facts = await run(`
import numpy as np
import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
${build
  .trim()
  .split("\n")
  .map((l) => `        ${l}`)
  .join("\n")}

    def forward(self, x):
        return self.body(x)

model = Net()
`);
  const m = model(facts, "model");
  assert.deepEqual(
    m.unknowns.filter((u) => !u.message.includes("no input shape")),
    [],
  );
  return m.layers.map((l) => l.type);
}

describe("values of constant tensors", () => {
  test("x.item() over torch.linspace picks Identity for the first (zero) rate", async () => {
    const types = await layerTypes(`
rates = [x.item() for x in torch.linspace(0, 0.3, 4)]
self.body = nn.Sequential(*[nn.Dropout(r) if r > 0.0 else nn.Identity() for r in rates], nn.Linear(8, 8))`);
    assert.deepEqual(types.slice(0, 2), ["Identity", "Dropout"]);
  });

  test("tolist(), indexing and comparisons of 0-d elements", async () => {
    const types = await layerTypes(`
ids = torch.arange(3).tolist()
rates = torch.linspace(0, 0.2, 3)
self.body = nn.Sequential(*[nn.Dropout(0.1) if rates[i] > 0 else nn.Linear(ids[i] + 1, 4) for i in range(3)])`);
    assert.deepEqual(types, ["Linear", "Dropout", "Dropout"]);
  });

  test("np.linspace widths through astype(int), int() and arithmetic size the layers", async () => {
    const widths = await run(`
import numpy as np
import torch.nn as nn
ws = [int(round(w / 8) * 8) for w in np.linspace(32, 96, 3)]
a = nn.Linear(ws[0], ws[1])
b = nn.Linear(int(np.linspace(32, 96, 3).astype(int)[2]), 1)
`);
    const a = model(widths, "a");
    const b = model(widths, "b");
    // Same layers written with the widths the expressions denote: 32, 64 and 96.
    const same = await run("import torch.nn as nn\na = nn.Linear(32, 64)\nb = nn.Linear(96, 1)\n");
    assert.equal(a.params, model(same, "a").params);
    assert.equal(b.params, model(same, "b").params);
  });
});
