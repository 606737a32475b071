// Early returns under undecided conditions: `if <unknown>: return X` without an else (or in a loop) has two
// outcomes, X and what the rest of the function gives. The result is the undecided pair, as for an if/else:
// modules flagged approximate with both named, numbers and strings unknown; the rest of a forward is traced
// (its layers cost MACs); decided conditions stay exact.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { lineOf, linearParams, model, run } from "./evaluateHelpers";

const PRELUDE = `
import yaml
import torch
import torch.nn as nn
import torch.nn.functional as F
cfg = yaml.safe_load(open("config.yaml"))

class Small(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(100, 10)

    def forward(self, x):
        return self.fc(x)

class Big(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(100, 400)
        self.fc2 = nn.Linear(400, 10)

    def forward(self, x):
        return self.fc2(self.fc1(x))
`;

const n = (x: number) => x.toLocaleString("en-US");
const SMALL = linearParams(100, 10);
const BIG = linearParams(100, 400) + linearParams(400, 10);

async function analyse(body: string) {
  const text = PRELUDE + body;
  const facts = await run(text);
  return { text, facts, line: (needle: string) => lineOf(text, needle) + 1 };
}

describe("an undecided if without else that returns", () => {
  test("a factory: the returned module is approximate, naming both alternatives", async () => {
    const r = await analyse(`
def build(cfg):
    if cfg["arch"] == "small":
        return Small()
    return Big()

model = build(cfg)
model(torch.randn(4, 100))
`);
    const m = model(r.facts, "model");
    assert.equal(m.params, SMALL);
    assert.equal(m.paramsInexact, "approximate");
    assert.deepEqual(
      m.unknowns.map((u) => u.message),
      [
        `the value returned is Small (${n(SMALL)} parameters) or Big (${n(BIG)} parameters), depending on the condition on line ${r.line('if cfg["arch"]')}, which the analysis could not decide; counted as Small`,
      ],
    );
    assert.equal(r.facts.models.length, 1);
  });

  test("a number returned early: the layer it sizes is unknown, saying both", async () => {
    const r = await analyse(`
def width(cfg):
    if cfg.get("wide"):
        return 512
    return 128

layer = nn.Linear(64, width(cfg))
`);
    const m = model(r.facts, "layer");
    assert.equal(m.paramsInexact, "lowerBound");
    assert.match(
      m.unknowns.map((u) => u.message).join("\n"),
      new RegExp(`the value returned is 512 or 128, depending on the condition on line ${r.line("if cfg.get")}`),
    );
  });

  test("a string returned early is unknown, so the zoo lookup it feeds is not confident", async () => {
    const r = await analyse(`
import torchvision.models as models

def arch_name(cfg):
    if cfg["deep"]:
        return "resnet50"
    return "resnet18"

model = getattr(models, arch_name(cfg))(num_classes=10)
`);
    // Before, resnet50 was counted as if certain; now no confident model, and the script says why.
    assert.ok(!r.facts.models.some((m) => m.name === "model" && m.paramsInexact === undefined));
    assert.ok(
      r.facts.unknowns.some(
        (u) =>
          u.message ===
          `the value returned is 'resnet50' or 'resnet18', depending on the condition on line ${r.line('if cfg["deep"]')}, which the analysis could not decide`,
      ),
      JSON.stringify(r.facts.unknowns),
    );
  });

  test("an else that returns while the if body goes on: the other order", async () => {
    const r = await analyse(`
def build(cfg):
    if cfg["arch"] == "big":
        hidden = 400
    else:
        return Small()
    return Big()

model = build(cfg)
`);
    const m = model(r.facts, "model");
    assert.equal(m.params, BIG);
    assert.equal(m.paramsInexact, "approximate");
    assert.match(m.unknowns[0]!.message, /the value returned is Big .* or Small .*; counted as Big/);
  });

  test("a return inside a loop over candidates, then a raise: the candidates are the alternatives", async () => {
    const r = await analyse(`
def build(cfg):
    for name, cls in [("small", Small), ("big", Big)]:
        if cfg["arch"] == name:
            return cls()
    raise ValueError(cfg["arch"])

model = build(cfg)
`);
    const m = model(r.facts, "model");
    assert.equal(m.params, SMALL);
    assert.equal(m.paramsInexact, "approximate");
    assert.match(m.unknowns[0]!.message, /Small .* or Big .*; counted as Small/);
  });

  test("an activation factory that may fall through to None keeps an exact count", async () => {
    const r = await analyse(`
def activation(name):
    if name == "relu":
        return nn.ReLU()
    if name == "gelu":
        return nn.GELU()

class Head(nn.Module):
    def __init__(self, act):
        super().__init__()
        self.fc = nn.Linear(100, 10)
        self.act = activation(act)

    def forward(self, x):
        return self.act(self.fc(x))

model = Head(cfg["act"])
model(torch.randn(4, 100))
`);
    const m = model(r.facts, "model");
    assert.equal(m.params, SMALL);
    assert.equal(m.paramsInexact, undefined);
    assert.match(m.unknowns.map((u) => u.message).join("\n"), /the value returned is ReLU .* or GELU/);
  });

  test("recursion past an undecided base case is unknown, not the base case's value", async () => {
    const r = await analyse(`
def make_layers(n):
    if n == 0:
        return []
    return [nn.Linear(100, 100)] + make_layers(n - 1)

depth = cfg["depth"]
model = nn.Sequential(*make_layers(depth))
`);
    assert.ok(!r.facts.models.some((m) => m.name === "model"));
    assert.ok(
      r.facts.unknowns.some(
        (u) =>
          u.message ===
          "make_layers() calls itself to a depth that depends on a condition the analysis could not decide",
      ),
      JSON.stringify(r.facts.unknowns),
    );
  });

  test("a decided condition (an argparse default) stays exact", async () => {
    const r = await analyse(`
import argparse
parser = argparse.ArgumentParser()
parser.add_argument("--arch", default="big")
args = parser.parse_args()

def build(arch):
    if arch == "small":
        return Small()
    return Big()

model = build(args.arch)
model(torch.randn(4, 100))
`);
    const m = model(r.facts, "model");
    assert.equal(m.params, BIG);
    assert.equal(m.paramsInexact, undefined);
    assert.deepEqual(m.unknowns, []);
  });

  test("a forward's early exit on a runtime value: the layers after it are still traced", async () => {
    const r = await analyse(`
class Exit(nn.Module):
    def __init__(self):
        super().__init__()
        self.exit = nn.Linear(100, 10)
        self.body = nn.Linear(100, 100)
        self.head = nn.Linear(100, 10)

    def forward(self, x):
        early = self.exit(x)
        if F.softmax(early, dim=1).max() > 0.9:
            return early
        return self.head(self.body(x))

model = Exit()
model(torch.randn(8, 100))
`);
    const m = model(r.facts, "model");
    // Both paths' MACs per sample (the oracle's random-init forward takes the long path: 100·10 + 100·100 + 100·10).
    assert.equal(m.forwardFlops, 2 * (100 * 10 + 100 * 100 + 100 * 10));
    assert.deepEqual(
      m.unknowns.map((u) => u.message),
      [
        `forward FLOPs count both outcomes of the early return on line ${r.line("if F.softmax")}, whose condition the analysis could not decide (an upper bound on either)`,
      ],
    );
  });
});
