// An `if` the analysis cannot decide runs both paths; a name they bind to different numbers or strings
// (and a conditional expression choosing between two) is unknown, saying both and the line, so a
// layer sized by it is not counted confidently at the first path's size; two different modules leave
// the first counted, flagged approximate with both named. Equal values, identical modules, and names
// only one path binds to something unknown, keep their value.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { conv2dParams, lineOf, linearParams, model, run } from "./evaluateHelpers";

const PRELUDE = `
import yaml
import torch.nn as nn
cfg = yaml.safe_load(open("config.yaml"))
`;

async function layer(body: string) {
  const text = PRELUDE + body;
  const m = model(await run(text), "layer");
  return { text, params: m.params, inexact: m.paramsInexact, messages: m.unknowns.map((u) => u.message) };
}

describe("names an undecided if binds to different numbers", () => {
  test("if/else: the size is unknown and the layer says why", async () => {
    const r = await layer(`
if cfg["size"] == "large":
    hidden = 1024
else:
    hidden = 256
layer = nn.Linear(16, hidden)
`);
    assert.equal(r.inexact, "lowerBound");
    const line = lineOf(r.text, 'if cfg["size"]') + 1;
    assert.ok(
      r.messages.includes(
        `Linear: out_features is unknown (hidden is 1024 or 256, depending on the condition on line ${line}, which the analysis could not decide)`,
      ),
      JSON.stringify(r.messages),
    );
  });

  test("an if without else that may rebind the number", async () => {
    const r = await layer(`
hidden = 256
if cfg["wide"]:
    hidden = 1024
layer = nn.Linear(16, hidden)
`);
    assert.equal(r.inexact, "lowerBound");
    assert.match(r.messages.join("\n"), /hidden is 1024 or 256/);
  });

  test("a conditional expression over two numbers", async () => {
    const r = await layer(`
layer = nn.Linear(16, 1024 if cfg["large"] else 256)
`);
    assert.equal(r.inexact, "lowerBound");
    assert.match(r.messages.join("\n"), /1024 if … else 256, depending on the condition on line \d+/);
  });

  test("both paths agreeing keep the number", async () => {
    const r = await layer(`
if cfg["size"] == "large":
    hidden = 64
else:
    hidden = 64
layer = nn.Linear(16, hidden)
`);
    assert.equal(r.params, linearParams(16, 64));
    assert.equal(r.inexact, undefined);
  });
});

/** paramsAt10Classes of torchvision's own builds (frameworks/zoo/data/torchvision.json, the zoo oracle). */
const TV = JSON.parse(
  readFileSync(join(process.cwd(), "server/src/analysis/frameworks/zoo/data/torchvision.json"), "utf8").replace(
    /\bNaN\b/g,
    "null",
  ),
).models as Record<string, { paramsAt10Classes: number }>;
const n = (x: number) => x.toLocaleString("en-US");

async function models(body: string) {
  const text = `${PRELUDE}import torch\nimport torchvision.models as models\n${body}`;
  const facts = await run(text);
  return { text, facts, line: (needle: string) => lineOf(text, needle) + 1 };
}

describe("an undecided if that builds different modules", () => {
  test("if/else choosing a model class: counted as the first, approximate, naming both", async () => {
    const r = await models(`
class Big(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(100, 100)

    def forward(self, x):
        return self.fc(x)

class Small(Big):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(100, 10)

if cfg["arch"] == "big":
    model = Big()
else:
    model = Small()
model(torch.randn(4, 100))
`);
    const m = model(r.facts, "model");
    assert.equal(m.params, linearParams(100, 100));
    assert.equal(m.paramsInexact, "approximate");
    const line = r.line('if cfg["arch"]');
    assert.deepEqual(
      m.unknowns.map((u) => u.message),
      [
        `model is Big (${n(linearParams(100, 100))} parameters) or Small (${n(linearParams(100, 10))} parameters), depending on the condition on line ${line}, which the analysis could not decide; counted as Big`,
      ],
    );
    // The other path's model is an alternative, not a second model of the script.
    assert.equal(r.facts.models.length, 1);
  });

  test("torchvision builders on the two paths: both sizes from the zoo", async () => {
    const r = await models(`
if cfg["arch"] == "vgg":
    model = models.vgg16(num_classes=10)
else:
    model = models.resnet18(num_classes=10)
model(torch.randn(2, 3, 224, 224))
`);
    const m = model(r.facts, "model");
    assert.equal(m.params, TV.vgg16.paramsAt10Classes);
    assert.equal(m.paramsInexact, "approximate");
    assert.match(
      m.unknowns.map((u) => u.message).join("\n"),
      new RegExp(
        `model is VGG \\(${n(TV.vgg16.paramsAt10Classes)} parameters\\) or ResNet \\(${n(TV.resnet18.paramsAt10Classes)} parameters\\)`,
      ),
    );
  });

  test("attributes an __init__ sets on the two paths, or on one", async () => {
    const r = await models(`
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        if cfg["arch"] == "wide":
            self.body = nn.Linear(100, 100)
        else:
            self.body = nn.Linear(100, 10)
        if cfg["aux"]:
            self.aux = nn.Linear(100, 4)

    def forward(self, x):
        return self.body(x)

model = Net()
model(torch.randn(2, 100))
`);
    const m = model(r.facts, "model");
    // Attributes are not restored between the paths: the last one set is what is counted, and says so.
    assert.equal(m.params, linearParams(100, 10) + linearParams(100, 4));
    assert.equal(m.paramsInexact, "approximate");
    assert.deepEqual(
      m.unknowns.map((u) => u.message),
      [
        `body is Linear (${n(linearParams(100, 10))} parameters) or Linear (${n(linearParams(100, 100))} parameters), depending on the condition on line ${r.line('if cfg["arch"]')}, which the analysis could not decide; counted as Linear`,
        `aux is Linear (${n(linearParams(100, 4))} parameters) or not set, depending on the condition on line ${r.line('if cfg["aux"]')}, which the analysis could not decide; counted as Linear`,
      ],
    );
  });

  test("a factory returning on every path of an if/elif/else: every alternative named", async () => {
    const r = await models(`
def build(name):
    if name == "big":
        return nn.Linear(100, 100)
    elif name == "mid":
        return nn.Linear(100, 50)
    else:
        return nn.Linear(100, 10)

model = build(cfg["arch"])
model(torch.randn(2, 100))
`);
    const m = model(r.facts, "model");
    assert.equal(m.params, linearParams(100, 100));
    assert.equal(m.paramsInexact, "approximate");
    const big = r.line('if name == "big"');
    const mid = r.line('elif name == "mid"');
    const depending = (line: number) =>
      `depending on the condition on line ${line}, which the analysis could not decide; counted as Linear`;
    assert.deepEqual(
      m.unknowns.map((u) => u.message),
      [
        `the value returned is Linear (${n(linearParams(100, 100))} parameters) or Linear (${n(linearParams(100, 50))} parameters), ${depending(big)}`,
        `the value returned is Linear (${n(linearParams(100, 50))} parameters) or Linear (${n(linearParams(100, 10))} parameters), ${depending(mid)}`,
      ],
    );
    assert.equal(r.facts.models.length, 1);
  });

  test("a conditional expression between two layers", async () => {
    const r = await models(`
layer = nn.Conv2d(3, 64, 3) if cfg["conv"] else nn.Linear(3, 64)
`);
    const m = model(r.facts, "layer");
    assert.equal(m.params, conv2dParams(3, 64, 3));
    assert.equal(m.paramsInexact, "approximate");
    assert.match(
      m.unknowns[0].message,
      new RegExp(
        `^Conv2d \\(${n(conv2dParams(3, 64, 3))} parameters\\) if … else Linear \\(${n(linearParams(3, 64))} parameters\\), depending on the condition on line ${r.line("layer =")}`,
      ),
    );
  });

  test("layers without parameters: the count stays exact, the note says the forward may differ", async () => {
    const r = await models(`
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.pool = nn.MaxPool2d(2) if cfg["pool"] else nn.Identity()

    def forward(self, x):
        return self.pool(self.conv(x))

model = Net()
model(torch.randn(2, 3, 32, 32))
`);
    const m = model(r.facts, "model");
    assert.equal(m.params, conv2dParams(3, 8, 3));
    assert.equal(m.paramsInexact, undefined);
    assert.match(
      m.unknowns.map((u) => u.message).join("\n"),
      /MaxPool2d \(0 parameters\) if … else Identity \(0 parameters\)/,
    );
  });

  test("the same module on both paths stays exact", async () => {
    const r = await models(`
if cfg["arch"] == "a":
    model = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 2))
else:
    model = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 2))
`);
    const m = model(r.facts, "model");
    assert.equal(m.params, linearParams(16, 64) + linearParams(64, 2));
    assert.equal(m.paramsInexact, undefined);
    assert.deepEqual(
      m.unknowns.map((u) => u.message).filter((t) => /depending on/.test(t)),
      [],
    );
  });

  test("a model name chosen by strings: no model at either size, and a note naming both", async () => {
    const r = await models(`
if cfg["small"]:
    arch = "resnet18"
else:
    arch = "resnet50"
model = getattr(models, arch)(num_classes=10)
`);
    assert.equal(r.facts.models.filter((m) => m.params === TV.resnet18.paramsAt10Classes).length, 0);
    assert.ok(
      r.facts.unknowns.some(
        (u) =>
          u.message ===
          `arch is 'resnet18' or 'resnet50', depending on the condition on line ${r.line('if cfg["small"]')}, which the analysis could not decide`,
      ),
      JSON.stringify(r.facts.unknowns),
    );
  });
});
