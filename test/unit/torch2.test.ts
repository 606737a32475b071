// Gaps found by the second round of unseen-style PyTorch probes (test/fixtures/torch/probes2/):
// each test is the general mechanism behind one fix, on a small script in the probe's style.
import assert from "node:assert/strict";
import { test } from "node:test";
import { conv2dParams, model, run } from "./evaluateHelpers";

test("`m is C3` on classes taken from a table decides the branch (YOLO-style row parser)", async () => {
  const facts = await run(`import torch.nn as nn
class Conv(nn.Module):
    def __init__(self, c1, c2, k=1, s=1, g=1):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, k // 2, groups=g)
class C3(nn.Module):
    pass
TABLE = {"Conv": Conv, "C3": C3}
m = TABLE["Conv"]
args = [3, 32, 6, 2]
if m is C3:
    args.insert(2, 1)
same = TABLE["C3"] is C3
model = m(*args)
`);
  assert.equal(model(facts, "model").params, conv2dParams(3, 32, 6));
});

test("two different functions are never `is`-identical", async () => {
  const facts = await run(`import torch.nn as nn
def relu_block(c):
    return nn.Linear(c, c)
def gelu_block(c):
    return nn.Linear(c, 2 * c)
make = relu_block
width = 8
if make is gelu_block:
    width = 100
model = make(width)
`);
  assert.equal(model(facts, "model").params, 8 * 8 + 8);
});
