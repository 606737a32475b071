// The evaluator's structural behaviour on small scripts: configuration flows into layer sizes,
// module naming, weight tying, freezing, input-shape sources and the forward trace.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { batchNormParams, conv2dParams, linearParams, lineOf, model, run, ROOT } from "./evaluateHelpers";

describe("evaluateProgram: configuration flows into layers", () => {
  it("argparse default (type=int) sizes a layer", async () => {
    const facts = await run(`
import argparse
import torch.nn as nn
p = argparse.ArgumentParser()
p.add_argument("--hidden", type=int, default="96")
p.add_argument("--depth", type=int, default=2)
args = p.parse_args()
layers = [nn.Linear(32, args.hidden)]
for _ in range(args.depth - 1):
    layers += [nn.ReLU(), nn.Linear(args.hidden, args.hidden)]
model = nn.Sequential(*layers)
`);
    const m = model(facts, "model");
    assert.equal(m.params, linearParams(32, 96) + linearParams(96, 96));
    assert.deepEqual(
      m.layers.map((l) => l.path),
      ["0", "1", "2"],
    );
  });

  it("dataclass fields, namedtuple, dict config, os.environ.get default and function defaults", async () => {
    const facts = await run(`
import os
from collections import namedtuple
from dataclasses import dataclass, field
import torch.nn as nn

@dataclass
class Config:
    width: int = 64
    extra: list = field(default_factory=list)

Shape = namedtuple("Shape", ["c", "h"])
cfg = Config()
s = Shape(3, 8)
opts = {"out": int(os.environ.get("N_OUT", "10"))}

def block(c_in, c_out=cfg.width):
    return nn.Conv2d(c_in, c_out, 3)

class Net(nn.Module):
    def __init__(self, n_out=opts["out"]):
        super().__init__()
        self.conv = block(s.c)
        self.head = nn.Linear(cfg.width, n_out)

net = Net()
`);
    const m = model(facts, "net");
    assert.equal(m.params, conv2dParams(3, 64, 3) + linearParams(64, 10));
  });
});

describe("evaluateProgram: module trees", () => {
  it("names modules like torch and counts tied weights once", async () => {
    const facts = await run(`
import torch.nn as nn
class LM(nn.Module):
    def __init__(self, vocab=100, d=16):
        super().__init__()
        self.encoder = nn.Embedding(vocab, d)
        self.blocks = nn.ModuleList([nn.Linear(d, d) for _ in range(2)])
        self.decoder = nn.Linear(d, vocab)
        self.decoder.weight = self.encoder.weight
lm = LM()
`);
    const m = model(facts, "lm");
    assert.deepEqual(
      m.layers.map((l) => l.path),
      ["encoder", "blocks.0", "blocks.1", "decoder"],
    );
    // Embedding(100, 16) weight is shared with the decoder: the decoder keeps only its bias.
    assert.equal(m.params, 100 * 16 + 2 * linearParams(16, 16) + 100);
    assert.equal(m.layers.find((l) => l.path === "decoder")?.params, 100);
  });

  it("helper methods in loops (_make_layer), conditional shortcuts, Sequential(OrderedDict), buffers", async () => {
    const facts = await run(`
from collections import OrderedDict
import torch
import torch.nn as nn

class Block(nn.Module):
    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(OrderedDict([("proj", nn.Conv2d(cin, cout, 1, stride, bias=False))]))
        self.register_buffer("scale", torch.ones(cout))

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.cin = 8
        self.layer1 = self._make_layer(8, 2, 1)
        self.layer2 = self._make_layer(16, 2, 2)

    def _make_layer(self, planes, blocks, stride):
        layers = []
        for s in [stride] + [1] * (blocks - 1):
            layers.append(Block(self.cin, planes, s))
            self.cin = planes
        return nn.Sequential(*layers)

net = Net()
`);
    const m = model(facts, "net");
    const block = (ci: number, co: number) => conv2dParams(ci, co, 3, false) + batchNormParams(co);
    const expected = 2 * block(8, 8) + block(8, 16) + conv2dParams(8, 16, 1, false) + block(16, 16);
    assert.equal(m.params, expected);
    assert.ok(m.layers.some((l) => l.path === "layer2.0.shortcut.proj"));
    assert.ok(!m.layers.some((l) => l.path === "layer1.0.shortcut.proj"));
  });

  it("freezing a backbone gives trainable < total; eval() does not freeze", async () => {
    const facts = await run(`
import torch.nn as nn
model = nn.Sequential(nn.Linear(10, 20), nn.Linear(20, 5))
model.eval()
for p in model[0].parameters():
    p.requires_grad = False
frozen_too = nn.Linear(4, 4).requires_grad_(False)
`);
    const m = model(facts, "model");
    assert.equal(m.params, linearParams(10, 20) + linearParams(20, 5));
    assert.equal(m.trainableParams, linearParams(20, 5));
    assert.equal(model(facts, "frozen_too").trainableParams, 0);
  });

  it("replaced head reads the old layer's constructor args", async () => {
    const facts = await run(`
import torch.nn as nn
class Backbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Linear(32, 64)
        self.fc = nn.Linear(64, 1000)
model = Backbone()
model.fc = nn.Linear(model.fc.in_features, 10)
`);
    assert.equal(model(facts, "model").params, linearParams(32, 64) + linearParams(64, 10));
  });

  it("resolves workspace imports relative to the script, once, without looping on cycles", async () => {
    const facts = await run(
      `
from models.net import Net
model = Net(7)
`,
      {
        files: {
          [`${ROOT}/models/__init__.py`]: "",
          [`${ROOT}/models/net.py`]: `
import torch.nn as nn
from .layers import make_head
from models import net  # a cycle back to this module
class Net(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.head = make_head(n)
`,
          [`${ROOT}/models/layers.py`]: `
import torch.nn as nn
def make_head(n):
    return nn.Linear(12, n)
`,
        },
      },
    );
    const m = model(facts, "model");
    assert.equal(m.params, linearParams(12, 7));
    assert.equal(m.definition?.file, `${ROOT}/models/net.py`);
  });
});

describe("evaluateProgram: forward trace", () => {
  it("uses the directive input and counts matmul MACs per sample", async () => {
    const text = `
# footprint: input 16x32
import torch
import torch.nn as nn
class Attn(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.qkv = nn.Linear(d, 3 * d)
    def forward(self, x):
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        att = (q @ k.transpose(-2, -1)).softmax(dim=-1)
        return att @ v
model = Attn(32)
`;
    const m = model(await run(text), "model");
    const [t, d] = [16, 32];
    // qkv: t·d·3d; QKᵀ: t·t·d; AV: t·t·d (MAC convention in layerSpec.ts).
    assert.equal(m.forwardMacs, t * d * 3 * d + 2 * t * t * d);
    assert.equal(m.forwardFlops, 2 * (m.forwardMacs ?? 0));
    assert.deepEqual(m.inputShape, [16, 32]);
    assert.equal(m.inputShapeSource, "directive");
  });

  it("takes the input shape from a dummy tensor the script feeds the model", async () => {
    const facts = await run(`
import torch
import torch.nn as nn
net = nn.Sequential(nn.Flatten(), nn.Linear(3 * 4 * 4, 5))
out = net(torch.randn(8, 3, 4, 4))
`);
    const m = model(facts, "net");
    assert.deepEqual(m.inputShape, [3, 4, 4]);
    assert.match(m.inputShapeSource ?? "", /torch\.randn/);
    assert.equal(m.forwardMacs, 3 * 4 * 4 * 5);
    assert.deepEqual(m.layers.find((l) => l.path === "1")?.outputShape, [5]);
  });

  it("without an input shape: FLOPs null, params exact, a hint to add the directive", async () => {
    const text = `
import torch.nn as nn
model = nn.Linear(3, 4)
`;
    const m = model(await run(text), "model");
    assert.equal(m.params, linearParams(3, 4));
    assert.equal(m.forwardFlops, null);
    assert.match(m.unknowns.map((u) => u.hint ?? "").join(" "), /footprint: input/);
    assert.equal(m.range.start.line, lineOf(text, "nn.Linear(3, 4)"));
  });
});

describe("evaluateProgram: a file that only defines models", () => {
  it("builds each class constructible with its defaults, unless another one contains it", async () => {
    const text = `
import torch.nn as nn

class Block(nn.Module):
    def __init__(self, c=16):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)

class Net(nn.Module):
    def __init__(self, n_blocks=2):
        super().__init__()
        self.blocks = nn.Sequential(*[Block() for _ in range(n_blocks)])
        self.fc = nn.Linear(16, 10)

class Needs(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.fc = nn.Linear(width, 1)
`;
    const facts = await run(text);
    assert.deepEqual(
      facts.models.map((m) => m.name),
      ["Net"],
    );
    assert.equal(facts.models[0].params, 2 * conv2dParams(16, 16, 3) + linearParams(16, 10));
    assert.equal(facts.models[0].range.start.line, lineOf(text, "class Net"));
  });
});

describe("evaluateProgram: entry points", () => {
  it("fire.Fire(main) runs main with its defaults", async () => {
    const facts = await run(`
import fire
import torch.nn as nn
def main(width=32):
    model = nn.Linear(width, 2)
if __name__ == "__main__":
    fire.Fire(main)
`);
    assert.equal(model(facts, "model").params, linearParams(32, 2));
  });

  it("click options give main() its defaults", async () => {
    const facts = await run(`
import click
import torch.nn as nn
@click.command()
@click.option("--hidden-size", default=48, type=int)
def main(hidden_size):
    model = nn.Linear(10, hidden_size)
if __name__ == "__main__":
    main()
`);
    assert.equal(model(facts, "model").params, linearParams(10, 48));
  });
});
