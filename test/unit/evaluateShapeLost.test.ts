// The cost trace never passes off an undercount as the forward cost: when a layer that multiplies
// runs on a tensor whose shape the analyzer lost, FLOPs are unknown with the cause and a hint.
// And the idioms that used to lose shapes (unknown scalars, None buffers, Variable) keep them.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { model, run } from "./evaluateHelpers";

const LOST = `
import torch
import torch.nn as nn
import kornia

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, padding=1)
        self.fc = nn.Linear(16 * 32 * 32, 10)

    def forward(self, x):
        x = kornia.filters.gaussian_blur2d(self.conv(x), (3, 3), (1.5, 1.5))
        return self.fc(x.flatten(1))

model = Net()
model(torch.randn(8, 3, 32, 32))
`;

describe("a forward that loses a shape before a layer that multiplies", () => {
  test("reports FLOPs unknown, naming the layer and the cause, with the flops directive as hint", async () => {
    const m = model(await run(LOST), "model");
    assert.equal(m.forwardFlops, null);
    const u = m.unknowns.find((x) => x.message.startsWith("forward FLOPs unknown"));
    assert.ok(u, JSON.stringify(m.unknowns));
    assert.match(u.message, /layer fc \(Linear\)/);
    assert.match(u.message, /kornia\.filters\.gaussian_blur2d/);
    assert.match(u.hint ?? "", /# footprint: flops/);
  });
});

const ROUTED = `
import torch
import torch.nn as nn

class MoE(nn.Module):
    def __init__(self, dim=16, n_experts=4, k=2):
        super().__init__()
        self.k = k
        self.router = nn.Linear(dim, n_experts)
        self.experts = nn.ModuleList([nn.Linear(dim, dim) for _ in range(n_experts)])

    def forward(self, x):
        weights, idx = torch.topk(self.router(x).softmax(-1), self.k, dim=-1)
        out = torch.zeros_like(x)
        for e, expert in enumerate(self.experts):
            rows, slot = torch.where(idx == e)
            out[rows] += weights[rows, slot].unsqueeze(-1) * expert(x[rows])
        return out

model = MoE()
model(torch.randn(8, 16))
`;

describe("a mixture of experts that routes tokens with torch.where(condition)", () => {
  test("FLOPs are unknown because how many tokens each expert gets depends on the values", async () => {
    const m = model(await run(ROUTED), "model");
    assert.equal(m.forwardFlops, null);
    const messages = m.unknowns.map((u) => u.message).join("\n");
    assert.match(messages, /torch\.where\(condition\): the output size depends on the tensor's values/);
    assert.match(messages, /forward FLOPs unknown: layer experts\.0 \(Linear\)/);
  });
});

/** Two scripts that differ only in an idiom must cost the same, and neither may lose its shape. */
async function sameCost(a: string, b: string): Promise<void> {
  const [x, y] = [model(await run(a), "model"), model(await run(b), "model")];
  assert.notEqual(x.forwardFlops, null, JSON.stringify(x.unknowns));
  assert.equal(x.forwardFlops, y.forwardFlops);
}

const HEAD = `
import torch
import torch.nn as nn
from torch.autograd import Variable

class Net(nn.Module):
    def __init__(self, rate):
        super().__init__()
        self.rate = rate
        self.fc1 = nn.Linear(32, 64)
        self.fc2 = nn.Linear(64, 10)
        self.register_buffer("mask", None)

    def forward(self, x):
        h = self.fc1(x)
`;
const TAIL = `
        return self.fc2(h)

model = Net(float(input()))
model(torch.randn(4, 32))
`;

describe("idioms that keep the shape", () => {
  test("a tensor times a scalar read at run time keeps the tensor's shape", async () => {
    await sameCost(
      `${HEAD}        h = h.div(1 - self.rate) * (self.rate + torch.rand(h.shape[0], 1))${TAIL}`,
      HEAD + TAIL,
    );
  });
  test("register_buffer(name, None) reads back as None", async () => {
    await sameCost(`${HEAD}        if self.mask is not None:\n            h = h[:, :3]${TAIL}`, HEAD + TAIL);
  });
  test("Variable(t) is t, and in-place ops keep their target", async () => {
    await sameCost(`${HEAD}        h = Variable(h)\n        h.floor_()\n        h.bernoulli_(0.5)${TAIL}`, HEAD + TAIL);
  });
});
