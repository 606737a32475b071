// einops on torch tensors: the pattern shape rule against the examples in einops' own docstrings
// (einops/einops.py: rearrange, repeat, reduce, parse_shape), and whole models written with einops
// against the same models written with torch's view/permute, which must cost exactly the same.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { einopsShape, einsumEquation } from "../../server/src/analysis/frameworks/torch/einopsShapes";
import { ArgError, ShapeError } from "../../server/src/analysis/frameworks/torch/layerSpec";
import { model, run } from "./evaluateHelpers";

describe("einops pattern shapes (einops docstring examples)", () => {
  // images = [np.random.randn(30, 40, 3) for _ in range(32)]: a list stacks to (32, 30, 40, 3).
  const images = [32, 30, 40, 3];
  const cases: Array<[string, Record<string, number>, number[]]> = [
    ["b h w c -> b h w c", {}, [32, 30, 40, 3]],
    ["b h w c -> (b h) w c", {}, [960, 40, 3]],
    ["b h w c -> h (b w) c", {}, [30, 1280, 3]],
    ["b h w c -> b c h w", {}, [32, 3, 30, 40]],
    ["b h w c -> b (c h w)", {}, [32, 3600]],
    ["b (h1 h) (w1 w) c -> (b h1 w1) h w c", { h1: 2, w1: 2 }, [128, 15, 20, 3]],
    ["b (h h1) (w w1) c -> b h w (c h1 w1)", { h1: 2, w1: 2 }, [32, 15, 20, 12]],
  ];
  for (const [pattern, axes, want] of cases) {
    test(`rearrange ${pattern}`, () => assert.deepEqual(einopsShape("rearrange", pattern, images, axes), want));
  }
  test("repeat (image of shape 30 x 40)", () => {
    assert.deepEqual(einopsShape("repeat", "h w -> h w c", [30, 40], { c: 3 }), [30, 40, 3]);
    assert.deepEqual(einopsShape("repeat", "h w -> (repeat h) w", [30, 40], { repeat: 2 }), [60, 40]);
    assert.deepEqual(einopsShape("repeat", "h w -> (h2 h) (w3 w)", [30, 40], { h2: 2, w3: 3 }), [60, 120]);
    assert.deepEqual(einopsShape("repeat", "h w -> (h h2) (w w2)", [30, 40], { h2: 2, w2: 2 }), [60, 80]);
  });
  test("reduce (x of shape 10 x 20 x 30 x 40, and 100 x 32 x 64)", () => {
    assert.deepEqual(einopsShape("reduce", "t b c -> b c", [100, 32, 64], {}), [32, 64]);
    assert.deepEqual(
      einopsShape("reduce", "b c (h1 h2) (w1 w2) -> b c h1 w1", [10, 20, 30, 40], { h2: 2, w2: 2 }),
      [10, 20, 15, 20],
    );
    assert.deepEqual(
      einopsShape("reduce", "b c (h1 h2) (w1 w2) -> b c h1 w1", [10, 20, 30, 40], { h1: 3, w1: 4 }),
      [10, 20, 3, 4],
    );
    assert.deepEqual(einopsShape("reduce", "b c h w -> b c", [10, 20, 30, 40], {}), [10, 20]);
    assert.deepEqual(einopsShape("reduce", "b c h w -> () c () ()", [10, 20, 30, 40], {}), [1, 20, 1, 1]);
  });
  test("ellipsis and anonymous axes", () => {
    assert.deepEqual(einopsShape("rearrange", "b ... -> b (...)", [2, 3, 5, 7], {}), [2, 105]);
    assert.deepEqual(einopsShape("rearrange", "... h w -> ... w h", [2, 3, 5, 7], {}), [2, 3, 7, 5]);
    assert.deepEqual(einopsShape("rearrange", "b 1 d -> b d", [4, 1, 8], {}), [4, 8]);
    assert.deepEqual(einopsShape("repeat", "1 1 d -> b 1 d", [1, 1, 8], { b: 6 }), [6, 1, 8]);
  });
  test("a pattern that does not fit the input is an error, not a guess", () => {
    assert.throws(() => einopsShape("rearrange", "b c h w -> b (h w) c", [2, 3, 4], {}), ShapeError);
    assert.throws(() => einopsShape("rearrange", "b (h p) -> b h p", [2, 10], { p: 3 }), ShapeError);
    assert.throws(() => einopsShape("rearrange", "b (h p) -> b h p", [2, 12], {}), ArgError);
    assert.throws(() => einopsShape("repeat", "h w -> h w c", [2, 3], {}), ArgError);
  });
  test("einsum patterns become torch.einsum equations", () => {
    assert.equal(einsumEquation("b h i d, b h j d -> b h i j"), "abcd,abed->abce");
    assert.equal(einsumEquation("batch ... d, d out -> batch ... out"), "a...b,bc->a...c");
  });
});

const EINOPS_VIT = `
import torch
from torch import nn
from einops import rearrange, repeat
from einops.layers.torch import Rearrange, Reduce

class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.to_qkv = nn.Linear(dim, dim * 3, bias=False)
        self.to_out = nn.Linear(dim, dim)

    def forward(self, x):
        q, k, v = map(lambda t: rearrange(t, "b n (h d) -> b h n d", h=self.heads), self.to_qkv(x).chunk(3, dim=-1))
        attn = (q @ k.transpose(-1, -2)).softmax(dim=-1)
        return self.to_out(rearrange(attn @ v, "b h n d -> b n (h d)"))

class ViT(nn.Module):
    def __init__(self, dim=64, patch=4, heads=4):
        super().__init__()
        self.embed = nn.Sequential(Rearrange("b c (h p1) (w p2) -> b (h w) (p1 p2 c)", p1=patch, p2=patch), nn.Linear(3 * patch * patch, dim))
        self.cls = nn.Parameter(torch.randn(1, 1, dim))
        self.attn = Attention(dim, heads)
        self.pool = Reduce("b n d -> b d", "mean")
        self.head = nn.Linear(dim, 10)

    def forward(self, img):
        x = self.embed(img)
        x = torch.cat((repeat(self.cls, "1 1 d -> b 1 d", b=x.shape[0]), x), dim=1)
        return self.head(self.pool(self.attn(x)))

model = ViT()
model(torch.randn(2, 3, 32, 32))
`;

const TORCH_VIT = `
import torch
from torch import nn

class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.to_qkv = nn.Linear(dim, dim * 3, bias=False)
        self.to_out = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        q, k, v = [t.view(b, n, self.heads, -1).transpose(1, 2) for t in self.to_qkv(x).chunk(3, dim=-1)]
        attn = (q @ k.transpose(-1, -2)).softmax(dim=-1)
        return self.to_out((attn @ v).transpose(1, 2).reshape(b, n, c))

class ViT(nn.Module):
    def __init__(self, dim=64, patch=4, heads=4):
        super().__init__()
        self.patch = patch
        self.embed = nn.Linear(3 * patch * patch, dim)
        self.cls = nn.Parameter(torch.randn(1, 1, dim))
        self.attn = Attention(dim, heads)
        self.head = nn.Linear(dim, 10)

    def forward(self, img):
        b, c, hh, ww = img.shape
        p = self.patch
        x = img.view(b, c, hh // p, p, ww // p, p).permute(0, 2, 4, 3, 5, 1).reshape(b, -1, p * p * c)
        x = self.embed(x)
        x = torch.cat((self.cls.expand(b, -1, -1), x), dim=1)
        return self.head(self.attn(x).mean(1))

model = ViT()
model(torch.randn(2, 3, 32, 32))
`;

describe("models written with einops", () => {
  test("cost exactly what the same model written with view/permute costs", async () => {
    const withEinops = model(await run(EINOPS_VIT), "model");
    const withTorch = model(await run(TORCH_VIT), "model");
    assert.notEqual(withEinops.forwardFlops, null, JSON.stringify(withEinops.unknowns));
    assert.equal(withEinops.forwardFlops, withTorch.forwardFlops);
    assert.equal(withEinops.params, withTorch.params);
    assert.deepEqual(withEinops.unknowns, []);
  });
});
