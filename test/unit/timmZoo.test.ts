// timm.create_model through the interpreter, against the timm zoo oracle (frameworks/zoo/data/timm.json,
// built by test/oracle/timm_zoo.py in real torch and checked there against timm's published table):
// every catalogued row at the default and at num_classes=10, num_classes=0, get/reset_classifier,
// in_chans, tags and unknown names.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { timmRows } from "../../server/src/analysis/frameworks/timm/timmZoo";
import { conv2dParams, linearParams, model, run } from "./evaluateHelpers";

const rows = timmRows();
const TV = JSON.parse(
  readFileSync(join(process.cwd(), "server/src/analysis/frameworks/zoo/data/torchvision.json"), "utf8").replace(
    /\bNaN\b/g,
    "null",
  ),
) as { models: Record<string, { params: number; paramsAt10Classes: number }> };

describe("timm catalog data", () => {
  it("every row's parameters agree with timm's published figure (0.01M rounding) and cite it", () => {
    assert.ok(Object.keys(rows).length >= 30);
    for (const [name, r] of Object.entries(rows)) {
      assert.equal(Math.round(r.params / 1e4) / 100, r.published.params, name);
      assert.match(r.published.source, /pytorch-image-models/, name);
      const side = String(r.defaultResolution);
      assert.ok(r.macs[side], `${name}: MACs at its default side`);
      // The aten convention (matmul/conv only) sits at or below timm's published GMACs, within 6%.
      const ratio = r.macs[side].macs / 1e9 / r.published.gmacs;
      assert.ok(ratio > 0.94 && ratio < 1.005, `${name}: ${ratio}`);
    }
  });

  it("rows built as a torchvision network equal the torchvision oracle", () => {
    for (const [name, r] of Object.entries(rows)) {
      const tv = /^torchvision\.models\.(\w+) \(same network/.exec(r.truth)?.[1];
      if (!tv || tv === "inception_v3") continue; // timm's inception_v3 has no aux head
      assert.equal(r.params, TV.models[tv].params, name);
      assert.equal(r.paramsAt10Classes, TV.models[tv].paramsAt10Classes, name);
    }
  });
});

describe("timm.create_model", () => {
  it("builds every catalogued model with its params at 1000 and 10 classes and MACs at its default side", async () => {
    for (const [name, r] of Object.entries(rows)) {
      const side = r.defaultResolution;
      const facts = await run(`
import timm, torch
a = timm.create_model("${name}", pretrained=True)
b = timm.create_model("${name}", pretrained=False, num_classes=10)
b(torch.randn(2, 3, ${side}, ${side}))
`);
      assert.equal(model(facts, "a").params, r.params, name);
      const b = model(facts, "b");
      assert.equal(b.params, r.paramsAt10Classes, name);
      const m = r.macs[String(side)];
      assert.equal(b.forwardMacs, m.macs - m.headMacsPerClass * 1000 + m.headMacsPerClass * 10, name);
    }
  });

  it("num_classes=0 drops the classifier (features out), reset_classifier puts one back", async () => {
    const r = rows.convnext_tiny;
    const facts = await run(`
import timm, torch
import torch.nn as nn
backbone = timm.create_model("convnext_tiny.fb_in22k", pretrained=True, num_classes=0)
net = nn.Sequential(backbone, nn.Linear(backbone.num_features, 7))
net(torch.randn(4, 3, 224, 224))
bare = timm.create_model("convnext_tiny", num_classes=0)
reset = timm.create_model("convnext_tiny", pretrained=True)
reset.reset_classifier(10)
after = nn.Linear(reset.get_classifier().out_features, 3)
`);
    const headParams = linearParams(r.head.inFeatures, 1000);
    assert.equal(model(facts, "bare").params, r.params - headParams);
    assert.equal(model(facts, "reset").params, r.paramsAt10Classes);
    const net = model(facts, "net");
    assert.equal(net.params, r.params - headParams + linearParams(r.head.inFeatures, 7));
    // The features reach the new head at the backbone's width: its MACs are in_features × 7.
    const m = r.macs["224"];
    assert.equal(net.forwardMacs, m.macs - m.headMacsPerClass * 1000 + r.head.inFeatures * 7);
    assert.equal(model(facts, "after").params, linearParams(10, 3));
  });

  it("in_chans changes the stem conv only", async () => {
    const r = rows.resnet50;
    const facts = await run(`
import timm
gray = timm.create_model("resnet50", in_chans=1, num_classes=2)
`);
    const stem = r.stem!;
    const k = stem.kernelSize[0];
    const expected =
      r.params -
      linearParams(2048, 1000) +
      linearParams(2048, 2) -
      conv2dParams(3, stem.outChannels, k, false) +
      conv2dParams(1, stem.outChannels, k, false);
    assert.equal(model(facts, "gray").params, expected);
  });

  it("an unknown name is an unknown with the nearest catalogued names", async () => {
    const facts = await run(`
import timm
m = timm.create_model("convnext_tiniest", pretrained=True)
`);
    assert.ok(facts.unknowns.some((u) => /not in the timm zoo .*nearest catalogued: convnext_tiny/.test(u.message)));
    assert.equal(facts.models.length, 0);
  });

  it("published-only rows say so and scale MACs with the side", async () => {
    const r = rows.cspdarknet53;
    const facts = await run(`
import timm, torch
m = timm.create_model("cspdarknet53", num_classes=10)
m(torch.randn(1, 3, 512, 512))
`);
    const base = r.macs[String(r.defaultResolution)];
    const body = (base.macs - base.headMacsPerClass * 1000) * (512 / r.defaultResolution) ** 2;
    assert.equal(model(facts, "m").forwardMacs, Math.round(body) + base.headMacsPerClass * 10);
    assert.ok(facts.unknowns.some((u) => /published 27\.64M \(rounded/.test(u.message)));
  });
});

describe("timm.data", () => {
  it("resolve_data_config + create_transform size the images at the model's input_size", async () => {
    const r = rows.efficientnet_b2;
    const facts = await run(`
import timm, torch
from torch.utils.data import DataLoader
from torchvision import datasets
model = timm.create_model("efficientnet_b2", pretrained=True, num_classes=100)
config = timm.data.resolve_data_config({}, model=model)
transform = timm.data.create_transform(**config, is_training=True)
train = datasets.CIFAR100("data", train=True, transform=transform)
for x, y in DataLoader(train, batch_size=32):
    model(x)
`);
    const m = model(facts, "model");
    const side = r.defaultResolution;
    assert.deepEqual(m.inputShape, [3, side, side]);
    const row = r.macs[String(side)];
    assert.equal(m.forwardMacs, row.macs - row.headMacsPerClass * 1000 + row.headMacsPerClass * 100);
  });
});

describe("timm ViT img_size", () => {
  it("each built size agrees with timm's published *_patch16_384 rows", () => {
    let checked = 0;
    for (const [name, r] of Object.entries(rows)) {
      for (const s of Object.values(r.imgSizes ?? {})) {
        if (!s.published) continue;
        checked++;
        assert.equal(Math.round(s.params / 1e4) / 100, s.published.params, `${name} as ${s.published.model}`);
        const ratio = s.macs.macs / 1e9 / s.published.gmacs;
        assert.ok(ratio > 0.99 && ratio < 1.005, `${name}: ${ratio}`);
      }
    }
    assert.ok(checked >= 4);
  });

  it("create_model(..., img_size=384) grows the position embedding and prices 384-px inputs", async () => {
    const r = rows.vit_base_patch16_224;
    const s = r.imgSizes!["384"];
    const facts = await run(`
import timm, torch
model = timm.create_model("vit_base_patch16_224", pretrained=True, num_classes=10, img_size=384)
model(torch.randn(8, 3, 384, 384))
odd = timm.create_model("vit_base_patch16_224", img_size=400)
`);
    const m = model(facts, "model");
    assert.equal(m.params, s.params - linearParams(768, 1000) + linearParams(768, 10));
    assert.equal(m.forwardMacs, s.macs.macs - 768 * 1000 + 768 * 10);
    assert.equal(model(facts, "odd").params, r.params);
    assert.ok(facts.unknowns.some((u) => /img_size 400 is not tabulated \(built at 224, 256/.test(u.message)));
  });
});

describe("timm features_only", () => {
  it("is sized without the classifier and says what it does not know", async () => {
    const r = rows.resnet50;
    const facts = await run(`
import timm
backbone = timm.create_model("resnet50", pretrained=True, features_only=True, out_indices=(1, 2, 3, 4))
`);
    assert.equal(model(facts, "backbone").params, r.params - linearParams(r.head.inFeatures, 1000));
    assert.ok(facts.unknowns.some((u) => /features_only=True is sized as num_classes=0/.test(u.message)));
  });
});

describe("timm ViT module names", () => {
  it("blocks is one module per depth, so freezing all but the last blocks leaves those and the head trainable", async () => {
    const r = rows.vit_small_patch16_224;
    const blocks = r.children.find((c) => c.path === "blocks")!;
    const facts = await run(`
import timm, torch
model = timm.create_model("vit_small_patch16_224", pretrained=True, num_classes=5)
for p in model.parameters():
    p.requires_grad = False
for blk in model.blocks[-2:]:
    for p in blk.parameters():
        p.requires_grad = True
for p in model.head.parameters():
    p.requires_grad = True
model.pos_embed.requires_grad = True
model(torch.randn(2, 3, 224, 224))
`);
    const m = model(facts, "model");
    assert.equal(m.params, r.params - linearParams(384, 1000) + linearParams(384, 5));
    // pos_embed: one 384-wide embedding per 16-px patch of 224 px plus the class token.
    const posEmbed = ((224 / 16) ** 2 + 1) * 384;
    assert.equal(m.trainableParams, (2 * blocks.params) / blocks.count! + linearParams(384, 5) + posEmbed);
    const row = r.macs["224"];
    assert.equal(m.forwardMacs, row.macs - 384 * 1000 + 384 * 5);
  });
});
