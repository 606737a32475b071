// Zoo blocks built as real layers (frameworks/torch/zooBlocks.ts) against the torchvision zoo oracle
// (frameworks/zoo/data/torchvision.json, real torchvision 0.14): each block's parameters equal its tabulated
// child, and, where the oracle tabulates the forward child by child, its MACs and output shape at every side.
// Slices of them are then ordinary Sequential slices, which test/oracle/zooReplaced.test.ts runs in torchvision.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { zooBlockPlans } from "../../server/src/analysis/frameworks/torch/zooBlocks";
import { torchvisionZoo } from "../../server/src/analysis/frameworks/torch/zooData";
import { model, run } from "./evaluateHelpers";

const ZOO = torchvisionZoo();
const EXPANDED = Object.keys(ZOO).filter((name) => Object.keys(zooBlockPlans(name)).length > 0);

/** A module holding only the zoo model's block `path`, called at `side` px (the block runs for real). */
async function block(name: string, path: string, side: number) {
  const text = `import torch
import torch.nn as nn
import torchvision

class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.part = torchvision.models.${name}().${path}

    def forward(self, x):
        return self.part(x)

model = Block()
out = model(torch.randn(2, 3, ${side}, ${side}))
`;
  return model(await run(text), "model");
}

describe("zoo blocks built as real layers", () => {
  it("covers VGG (all eight), AlexNet and MobileNetV2", () => {
    assert.deepEqual(EXPANDED.sort(), [
      "alexnet",
      "mobilenet_v2",
      "vgg11",
      "vgg11_bn",
      "vgg13",
      "vgg13_bn",
      "vgg16",
      "vgg16_bn",
      "vgg19",
      "vgg19_bn",
    ]);
  });

  for (const name of EXPANDED) {
    const entry = ZOO[name];
    for (const path of Object.keys(zooBlockPlans(name))) {
      const index = entry.children.findIndex((c) => c.path === path);
      const child = entry.children[index];
      it(`${name}.${path}: parameters and MACs equal the oracle's`, async () => {
        const sides = entry.chain ? Object.keys(entry.chain.sides).map(Number) : [entry.defaultResolution];
        for (const side of sides) {
          const m = await block(name, path, side);
          assert.equal(m.params, child.params, `${name}.${path} params`);
          if (!entry.chain) {
            // Not a chain (MobileNetV2): the oracle has the block's MACs at the default side only.
            assert.equal(m.forwardMacs, child.macs, `${name}.${path} at ${side} px`);
            continue;
          }
          const [macs, input, output] = entry.chain.sides[String(side)][index];
          // avgpool's tabulated input is the features' output, so feed it that; features read the image.
          if (input[1] !== side) continue;
          assert.equal(m.forwardMacs, macs, `${name}.${path} at ${side} px`);
          const last = m.layers.filter((l) => l.outputShape).pop();
          assert.deepEqual(last?.outputShape, output, `${name}.${path} output at ${side} px`);
        }
      });
    }
  }

  it("a zoo model built only to take layers from is not a model of its own; what is kept is", async () => {
    // Parameters of the same extractors built by real torchvision (test/oracle/expected.json).
    const oracle = new Map(
      (
        JSON.parse(readFileSync(join(process.cwd(), "test/oracle/expected.json"), "utf8")) as {
          cases: Array<{ id: string; params: number }>;
        }
      ).cases.map((c) => [c.id, c.params]),
    );
    const facts = await run(`import torch
import torch.nn as nn
import torchvision
feats = torchvision.models.vgg16(weights="IMAGENET1K_V1").features[:16].eval()
trunk = nn.Sequential(*list(torchvision.models.resnet50().children())[:-2])
feats(torch.randn(2, 3, 96, 96))
trunk(torch.randn(2, 3, 224, 224))
`);
    assert.deepEqual(
      facts.models.map((m) => [m.name, m.params]),
      [
        ["feats", oracle.get("perceptual_vgg_superres#criterion")],
        ["trunk", oracle.get("feature_distill_zoo#teacher")],
      ],
    );
  });

  it("the whole model keeps torchvision's total and tabulated MACs", async () => {
    for (const name of EXPANDED) {
      const entry = ZOO[name];
      const side = entry.defaultResolution;
      const facts = await run(`import torch
import torchvision
model = torchvision.models.${name}()
out = model(torch.randn(2, 3, ${side}, ${side}))
`);
      const m = model(facts, "model");
      assert.equal(
        m.params,
        Object.values(ZOO[name].children).reduce((a, c) => a + c.params, 0),
        name,
      );
      assert.equal(m.forwardMacs, entry.macs[String(side)].macs, name);
      assert.equal(m.paramsInexact, undefined, name);
    }
  });
});
