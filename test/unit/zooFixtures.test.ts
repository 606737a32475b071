// Vision fine-tuning scripts that start from zoo models (test/fixtures/zoo), end to end through the
// Analyzer: parameters (total and trainable) from the torchvision / timm zoo oracles, forward FLOPs at
// the script's resolution, and the priced run (samples from the dataset catalog, priceRun's energy).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { timmRows } from "../../server/src/analysis/frameworks/timm/timmZoo";
import { interpolatedRow } from "../../server/src/analysis/frameworks/torch/zoo";
import { torchvisionZoo } from "../../server/src/analysis/frameworks/torch/zooData";
import { priceRun } from "../../server/src/analysis/footprint/priceRun";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { findDataset } from "../../server/src/analysis/run/datasetCatalog";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";
import { linearParams } from "./evaluateHelpers";

interface TvRow {
  params: number;
  heads: Array<{ inFeatures: number; outFeatures: number }>;
  macs: Record<string, { macs: number; headMacsPerClass?: number }>;
  headParamsPerClass: number;
  defaultNumClasses: number;
}
const TV = (
  JSON.parse(
    readFileSync(join(process.cwd(), "server/src/analysis/frameworks/zoo/data/torchvision.json"), "utf8").replace(
      /\bNaN\b/g,
      "null",
    ),
  ) as { models: Record<string, TvRow> }
).models;
const TIMM = timmRows();

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});
const analyze = (name: string) =>
  analyzer.analyze({
    path: `/w/${name}`,
    text: readFileSync(join(process.cwd(), "test/fixtures/zoo", name), "utf8"),
    settings: DEFAULT_SETTINGS,
    workspace: EMPTY_WORKSPACE,
  }).analysis;

/** Body MACs at a side (the tabulated total less the default head) plus a new head of `classes` outputs. */
function macsWithHead(
  row: { macs: Record<string, { macs: number; headMacsPerClass?: number }> },
  side: number,
  headMacs: number,
  defaultClasses = 1000,
) {
  const r = row.macs[String(side)];
  return r.macs - (r.headMacsPerClass ?? 0) * defaultClasses + headMacs;
}

/** The one run, checked to be what priceRun gives for its spec with 3 × forward per trained sample. */
function pricedRun(a: ReturnType<typeof analyze>) {
  assert.equal(a.runs.length, 1);
  const run = a.runs[0];
  assert.deepEqual(run.energyKWh, priceRun(run.spec, DEFAULT_SETTINGS).energyKWh);
  assert.ok(run.energyKWh && run.energyKWh.low > 0 && run.co2eKg && run.co2eKg.high >= run.co2eKg.low);
  return run;
}

describe("torchvision fixtures", () => {
  it("resnet50(weights=DEFAULT) with a 10-way fc on CIFAR-10 resized to 224", () => {
    const a = analyze("resnet50_cifar10_finetune.py");
    const tv = TV.resnet50;
    const m = a.models.find((x) => x.name === "model")!;
    assert.equal(m.params, tv.params - linearParams(2048, 1000) + linearParams(2048, 10));
    assert.equal(m.trainableParams, m.params);
    assert.deepEqual(m.inputShape, [3, 224, 224]);
    assert.equal(m.forwardFlops, 2 * macsWithHead(tv, 224, 2048 * 10));
    const run = pricedRun(a);
    assert.equal(run.spec.epochs, 5);
    assert.equal(run.spec.trainSamples, findDataset("torchvision.datasets.CIFAR10", { train: true })?.samples);
    assert.equal(run.spec.batchSize, 64);
    assert.equal(run.trainFlops?.low, 3 * m.forwardFlops! * run.spec.trainSamples! * 5);
  });

  it("efficientnet_b0 with classifier[1] replaced for the 102 flowers, RandomResizedCrop(224)", () => {
    const a = analyze("efficientnet_b0_flowers.py");
    const tv = TV.efficientnet_b0;
    const m = a.models.find((x) => x.name === "net")!;
    assert.equal(m.params, tv.params - linearParams(1280, 1000) + linearParams(1280, 102));
    assert.equal(m.forwardFlops, 2 * macsWithHead(tv, 224, 1280 * 102));
    const run = pricedRun(a);
    assert.equal(run.spec.trainSamples, findDataset("torchvision.datasets.Flowers102", { split: "train" })?.samples);
    assert.equal(run.spec.epochs, 10);
  });

  it("a frozen resnet18 with a new fc: only the fc trains, and the run is priced below a full fine-tune", () => {
    const a = analyze("frozen_resnet18.py");
    const tv = TV.resnet18;
    const m = a.models.find((x) => x.name === "model")!;
    assert.equal(m.params, tv.params - linearParams(512, 1000) + linearParams(512, 100));
    assert.equal(m.trainableParams, linearParams(512, 100));
    assert.equal(m.forwardFlops, 2 * macsWithHead(tv, 224, 512 * 100));
    const run = pricedRun(a);
    const full = priceRun({ ...run.spec, trainableParams: run.spec.params }, DEFAULT_SETTINGS);
    assert.ok(run.trainFlops && full.trainFlops && run.trainFlops.high < full.trainFlops.low);
  });

  it("fasterrcnn_resnet50_fpn with a FastRCNNPredictor for 2 classes: exact params, FLOPs stated unknown", () => {
    const a = analyze("fasterrcnn_pennfudan.py");
    const tv = TV.fasterrcnn_resnet50_fpn;
    const m = a.models.find((x) => x.name === "model")!;
    // Box predictor: cls_score 1024→classes and bbox_pred 1024→4·classes (headParamsPerClass from the oracle).
    assert.equal(m.params, tv.params - tv.headParamsPerClass * (tv.defaultNumClasses - 2));
    assert.equal(m.forwardFlops, null);
    assert.ok(m.unknowns.some((u) => /no input shape/.test(u.message)));
  });
});

describe("timm fixtures", () => {
  it("a timm resnet50 is not taken for torchvision's (no torchvision builder swap proposed)", () => {
    const a = analyzer.analyze({
      path: "/w/t.py",
      text: readFileSync(join(process.cwd(), "test/fixtures/zoo/timm_vit_cifar10.py"), "utf8").replace(
        "vit_base_patch16_224",
        "resnet50",
      ),
      settings: DEFAULT_SETTINGS,
      workspace: EMPTY_WORKSPACE,
    }).analysis;
    const m = a.models.find((x) => x.name === "model")!;
    assert.equal(m.params, TIMM.resnet50.paramsAt10Classes);
    assert.equal(m.pretrained, undefined);
    assert.ok(!a.findings.some((f) => f.code === "FP130"));
  });

  it("create_model('vit_base_patch16_224', pretrained=True, num_classes=10) on CIFAR-10 at its input_size, bf16", () => {
    const a = analyze("timm_vit_cifar10.py");
    const row = TIMM.vit_base_patch16_224;
    const m = a.models.find((x) => x.name === "model")!;
    assert.equal(m.params, row.paramsAt10Classes);
    assert.deepEqual(m.inputShape, [3, 224, 224]);
    assert.equal(m.forwardFlops, 2 * macsWithHead(row, 224, 768 * 10));
    const run = pricedRun(a);
    assert.equal(run.spec.precision, "bf16-mixed");
    assert.equal(run.spec.epochs, 3);
    assert.equal(run.spec.batchSize, 128);
  });

  it("convnext_tiny features (num_classes=0) under a custom head for the 37 pets", () => {
    const a = analyze("timm_convnext_head.py");
    const row = TIMM.convnext_tiny;
    const m = a.models.find((x) => x.name === "clf")!;
    const head = linearParams(768, 256) + linearParams(256, 37);
    assert.equal(m.params, row.params - linearParams(768, 1000) + head);
    assert.equal(m.forwardFlops, 2 * macsWithHead(row, 224, 768 * 256 + 256 * 37));
    const run = pricedRun(a);
    assert.equal(
      run.spec.trainSamples,
      findDataset("torchvision.datasets.OxfordIIITPet", { split: "trainval" })?.samples,
    );
    assert.equal(run.spec.epochs, 8);
  });
});

describe("torchvision.models.get_model", () => {
  it("builds the named zoo model with its keywords", () => {
    const a = analyzer.analyze({
      path: "/w/g.py",
      text: `import torchvision\nmodel = torchvision.models.get_model("resnet18", weights=None, num_classes=10)\n`,
      settings: DEFAULT_SETTINGS,
      workspace: EMPTY_WORKSPACE,
    }).analysis;
    const tv = TV.resnet18 as TvRow & { paramsAt10Classes: number };
    assert.equal(a.models.find((x) => x.name === "model")?.params, tv.paramsAt10Classes);
  });
});

describe("zoo MACs between tabulated sides", () => {
  it("leave-one-out: predicting a grid side from its neighbours errs ≤ 9% on torchvision convnets from 128 px", () => {
    let worst = 0;
    for (const [name, e] of Object.entries(torchvisionZoo())) {
      const sides = Object.keys(e.macs)
        .map(Number)
        .sort((a, b) => a - b);
      for (let i = 1; i + 1 < sides.length; i++) {
        if (sides[i - 1] < 128) continue;
        const { [String(sides[i])]: truth, ...rest } = e.macs;
        const row = interpolatedRow({ ...e, macs: rest }, sides[i]);
        if (!row) continue;
        worst = Math.max(worst, Math.abs(row.macs / truth.macs - 1));
        assert.ok(Math.abs(row.macs / truth.macs - 1) <= 0.09, `${name} at ${sides[i]}`);
      }
    }
    assert.ok(worst > 0.01, "the bound is a measured one, not vacuous");
  });

  it("a resnet50 fed 300-px images: interpolated between 299 and 320 and noted; Swin is not estimated", () => {
    const a = analyzer.analyze({
      path: "/w/s.py",
      text: `import torch, torchvision\nm = torchvision.models.resnet50()\nm(torch.randn(1, 3, 300, 300))\ns = torchvision.models.swin_t()\ns(torch.randn(1, 3, 300, 300))\n`,
      settings: DEFAULT_SETTINGS,
      workspace: EMPTY_WORKSPACE,
    }).analysis;
    const m = a.models.find((x) => x.name === "m")!;
    assert.equal(m.forwardMacs, interpolatedRow(torchvisionZoo().resnet50, 300)!.macs);
    const lo = TV.resnet50.macs["299"].macs;
    const hi = TV.resnet50.macs["320"].macs;
    assert.ok(m.forwardMacs! > lo && m.forwardMacs! < hi);
    assert.ok(m.unknowns.some((u) => /interpolated between tabulated sides/.test(u.message)));
    const swin = a.models.find((x) => x.name === "s")!;
    assert.ok(
      swin.unknowns.some((u) => /MACs are tabulated for square inputs at .*got \[1, 3, 300, 300\]/.test(u.message)),
    );
  });
});
