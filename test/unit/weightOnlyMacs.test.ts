// Products of weights alone in a forward (a LoRA merge B @ A, a factorised U @ V.T, a latent array through a
// projection) run once per forward call, not once per sample: their MACs are kept out of forwardFlops and
// reported as perCallFlops, and a run prices them once per batch. Tensors made inside the forward stay
// per-sample (the safe side). Shapes are small so each product is its closed form (torch_counter's mm rule).
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, test } from "node:test";
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

const script = (init: string, forward: string, loop = "") => `import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
${init}

    def forward(self, x):
${forward}


model = Net()
model(torch.randn(32, 64))
${loop}`;

describe("weight-only products", () => {
  test("a LoRA merge: per call, the input product per sample", () => {
    const a = analyze(
      script(
        `        self.weight = nn.Parameter(torch.randn(128, 64))
        self.A = nn.Parameter(torch.randn(8, 64))
        self.B = nn.Parameter(torch.zeros(128, 8))`,
        `        w = self.weight + (self.B @ self.A) * 0.5
        return F.linear(x, w)`,
      ),
    );
    const m = a.models[0]!;
    assert.equal(m.forwardMacs, 64 * 128); // x (1, 64) @ w.T (64, 128)
    assert.equal(m.perCallFlops, 2 * 128 * 8 * 64); // B (128, 8) @ A (8, 64), once per call
    assert.equal(m.layers.find((l) => l.path === "")?.perCallMacs, 128 * 8 * 64);
  });

  test("torch.matmul(U, V.t()), a buffer mask, a layer applied to a parameter: all per call", () => {
    const a = analyze(
      script(
        `        self.U = nn.Parameter(torch.randn(64, 4))
        self.V = nn.Parameter(torch.randn(64, 4))
        self.register_buffer("mask", torch.ones(64, 64))
        self.latents = nn.Parameter(torch.randn(16, 64))
        self.to_q = nn.Linear(64, 64)`,
        `        w = torch.matmul(self.U, self.V.t()) * self.mask
        q = self.to_q(self.latents)
        return F.linear(x, w) @ q.T`,
      ),
    );
    const m = a.models[0]!;
    assert.equal(m.forwardMacs, 64 * 64 + 64 * 16); // F.linear(x, w), then (1, 64) @ (64, 16)
    assert.equal(m.perCallFlops, 2 * (64 * 4 * 64 + 16 * 64 * 64));
  });

  test("a tensor made in the forward from the batch size stays per sample", () => {
    const a = analyze(
      script(
        `        self.W = nn.Parameter(torch.randn(64, 64))`,
        `        h = torch.zeros(x.size(0), 64)
        return x @ self.W + h @ self.W`,
      ),
    );
    const m = a.models[0]!;
    assert.equal(m.forwardMacs, 2 * 64 * 64);
    assert.equal(m.perCallFlops, undefined);
  });

  test("a parameter replicated over the batch (expand, repeat) is per sample from there on", () => {
    const a = analyze(
      script(
        `        self.latents = nn.Parameter(torch.randn(16, 64))
        self.proj = nn.Linear(64, 64)`,
        `        b = x.size(0)
        q = self.proj(self.latents.unsqueeze(0).expand(b, -1, -1))
        k = self.latents.repeat(b, 1, 1) @ self.proj.weight
        return torch.einsum("bnd,bmd->bnm", q, k).mean(-1) + x.mean()`,
      ),
    );
    const m = a.models[0]!;
    // proj over 16 latents, the repeat's product, then the 16 × 16 scores over 64: all per sample.
    assert.equal(m.forwardMacs, 16 * 64 * 64 + 16 * 64 * 64 + 16 * 16 * 64);
    assert.equal(m.perCallFlops, undefined);
  });

  test("a run prices the per-call part once per batch", () => {
    const a = analyze(
      script(
        `        self.A = nn.Parameter(torch.randn(8, 64))
        self.B = nn.Parameter(torch.zeros(64, 8))`,
        `        return F.linear(x, self.B @ self.A)`,
        `opt = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(100):
    loss = model(torch.randn(32, 64)).sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
`,
      ),
    );
    const run = a.runs[0]!;
    assert.equal(run.spec.batchSize, 32);
    assert.equal(run.spec.perCallFlops, 2 * 64 * 8 * 64);
    // 3 × (3,200 samples × per-sample forward + 100 batches × per-call forward)
    const expected = 3 * (3200 * 2 * 64 * 64 + 100 * 2 * 64 * 8 * 64);
    assert.equal(run.trainFlops?.low, expected);
    assert.equal(run.trainFlops?.high, expected);
  });
});
