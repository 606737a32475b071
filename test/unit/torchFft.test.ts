// torch.fft and torch.stft inside a traced forward: 0 MACs themselves (the counting convention), but their
// output shapes and complex dtypes flow on, so the spectral einsum and the layers after them are counted
// instead of making the forward's FLOPs unknown. Per-op shapes are checked against torch in torchFunctional.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { model, run } from "./evaluateHelpers";

describe("FFTs in a forward", () => {
  test("rfft2 → complex einsum → irfft2, stft, fftshift, .real: every product is counted", async () => {
    const facts = await run(`
import torch
import torch.nn as nn
from torch.fft import rfft2, irfft2
import torch.fft as tfft

class Mix(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(8, 8, 5, dtype=torch.cfloat))
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        f = rfft2(x, norm="ortho")
        f = torch.einsum("bixy,ioy->boxy", f, self.w)
        y = irfft2(f, s=x.shape[-2:], norm="ortho")
        s = tfft.fftshift(torch.stft(y.flatten(1), 16, return_complex=True).abs(), dim=-1)
        z = torch.fft.fft(y, dim=1).real + torch.fft.ifft(y).imag
        return self.fc(z.mean((-1, -2))) + s.mean()

model = Mix()
model(torch.randn(2, 8, 8, 8))
`);
    const m = model(facts, "model");
    assert.deepEqual(m.unknowns, []);
    // Per sample: the einsum over i (8) for o (8) × x (8) × y (8 // 2 + 1 = 5) outputs, one complex MAC each
    // as the oracle's bmm counts it, plus Linear(8, 4). torch_counter on this model: 2,592.
    assert.equal(m.forwardMacs, 8 * 8 * 8 * 5 + 8 * 4);
  });

  test("an FFT of a tensor whose shape is lost stays unknown, saying so", async () => {
    const facts = await run(`
import torch
import torch.nn as nn

class Spec(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(33, 2)

    def forward(self, x):
        return self.fc(torch.fft.rfft(mystery(x)).abs())

model = Spec()
model(torch.randn(2, 64))
`);
    const m = model(facts, "model");
    assert.equal(m.forwardFlops, null);
  });
});
