// Standard-library objects model code sizes layers with. functools.partial objects answer type(),
// isinstance() and .func like Python's: the pix2pix / CycleGAN norm-layer idiom decides every conv's
// bias from them, and an unknown answer used to let the `else` branch of
// `if type(norm_layer) == functools.partial:` win silently (bias=False). types.SimpleNamespace holds
// hyperparameters (`hp.num_classes`), which were unknown.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { conv2dParams, linearParams, model, run } from "./evaluateHelpers";

async function params(expr: string, prelude = ""): Promise<{ params: number; unknowns: string[] }> {
  const facts = await run(`
import functools
from functools import partial
import torch.nn as nn
${prelude}
layer = ${expr}
`);
  const m = model(facts, "layer");
  return { params: m.params, unknowns: m.unknowns.map((u) => u.message).filter((u) => !u.includes("no input")) };
}

const NORM = "norm = functools.partial(nn.InstanceNorm2d, affine=False, track_running_stats=False)";

describe("functools.partial", () => {
  test("type(p) == functools.partial and p.func == cls are known", async () => {
    assert.deepEqual(await params("nn.Linear(2, 3, bias=type(norm) == functools.partial)", NORM), {
      params: linearParams(2, 3, true),
      unknowns: [],
    });
    assert.deepEqual(await params("nn.Linear(2, 3, bias=norm.func == nn.InstanceNorm2d)", NORM), {
      params: linearParams(2, 3, true),
      unknowns: [],
    });
    assert.deepEqual(await params("nn.Linear(2, 3, bias=norm.func == nn.BatchNorm2d)", NORM), {
      params: linearParams(2, 3, false),
      unknowns: [],
    });
  });

  test("isinstance, keywords, and a partial object is not equal to a class", async () => {
    assert.equal((await params("nn.Linear(2, 3, bias=isinstance(norm, partial))", NORM)).params, linearParams(2, 3));
    assert.equal(
      (await params("nn.Linear(2, 3, bias=norm == nn.InstanceNorm2d)", NORM)).params,
      linearParams(2, 3, false),
    );
    assert.equal(
      (await params('nn.Linear(2, 3, bias=norm.keywords["affine"])', NORM)).params,
      linearParams(2, 3, false),
    );
  });

  test("calling a nested partial merges its arguments", async () => {
    // Linear(4, 5, bias=False) = 20; InstanceNorm2d(affine=False) has no parameters.
    const r = await params("nn.Sequential(norm(4), partial(partial(nn.Linear, 4), bias=False)(5))", NORM);
    assert.deepEqual(r, { params: linearParams(4, 5, false), unknowns: [] });
  });

  test("the pix2pix use_bias idiom gives the convs their bias", async () => {
    const r = await params(
      "Down(3, 8, norm)",
      `
class Down(nn.Module):
    def __init__(self, cin, cout, norm_layer=nn.BatchNorm2d):
        super().__init__()
        if type(norm_layer) == functools.partial:
            use_bias = norm_layer.func == nn.InstanceNorm2d
        else:
            use_bias = norm_layer == nn.InstanceNorm2d
        self.conv = nn.Conv2d(cin, cout, 4, 2, 1, bias=use_bias)
        self.norm = norm_layer(cout)

${NORM}`,
    );
    assert.deepEqual(r, { params: conv2dParams(3, 8, 4, true), unknowns: [] });
  });
});

describe("types.SimpleNamespace", () => {
  test("keyword and mapping attributes size layers", async () => {
    const r = await params(
      "nn.Linear(hp.din, hp.dout, bias=hp.bias)",
      'from types import SimpleNamespace\nhp = SimpleNamespace({"din": 7}, dout=5, bias=False)\nhp.din = 4',
    );
    assert.deepEqual(r, { params: linearParams(4, 5, false), unknowns: [] });
  });
});
