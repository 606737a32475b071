// The keras.applications catalog (zoo/data/keras_applications.json, real Keras 3 via
// test/fixtures/keras/oracle/keras_applications.py) against its published figures and
// shared/data/model_ground_truth.csv, and the interpreter's use of it: include_top/classes/pooling,
// submodule imports, frozen bases inside Sequential and functional models, off-grid input sides.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { appForward, appWeights, kerasAppRows } from "../../server/src/analysis/frameworks/keras/applications";
import { model, run } from "./evaluateHelpers";

const ROWS = kerasAppRows();
const row = (n: string) => ROWS[n]!;

describe("keras.applications catalog", () => {
  it("has every model of the keras.applications table that the oracle built", () => {
    for (const n of ["ResNet50", "MobileNetV2", "VGG16", "Xception"]) assert.ok(ROWS[n], n);
  });

  it("every row matches its published keras.io figure (exact integers, or the rounded 0.1M figure)", () => {
    let checked = 0;
    for (const [name, r] of Object.entries(ROWS)) {
      if (!r.published) continue;
      if (r.published.exact) assert.equal(r.params, r.published.params, name);
      else assert.equal(Math.round(r.params / 1e5) / 10, r.published.paramsMillions, name);
      assert.match(r.published.source, /keras-io/, name);
      checked++;
    }
    assert.ok(checked >= 4, `checked ${checked}`);
  });

  it("model_ground_truth.csv keras.applications rows: exact where exact, rounded otherwise", () => {
    const csv = readFileSync(
      join(process.cwd(), "server/src/analysis/frameworks/zoo/data/model_ground_truth.csv"),
      "utf8",
    );
    let checked = 0;
    for (const line of csv.split("\n").filter((l) => l.startsWith("keras.applications,"))) {
      const [, name, exact, rounded] = line.split(",");
      const r = ROWS[name!];
      if (!r) continue;
      if (exact) assert.equal(r.params, Number(exact), name);
      else assert.equal(`${(r.params / 1e6).toFixed(1)}M`, rounded, name);
      checked++;
    }
    assert.ok(checked >= 4, `checked ${checked}`);
  });

  it("weights and head: totals split into trainable + non-trainable; classes move only the head", () => {
    for (const [name, r] of Object.entries(ROWS)) {
      assert.equal(r.trainableParams + r.nonTrainableParams, r.params, name);
      assert.equal(r.noTop.params + r.head.fixedParams + r.head.paramsPerClass * 1000, r.params, name);
      assert.equal(r.head.paramsPerClass, r.head.classifierInputs + 1, name);
      const ten = appWeights(r, { includeTop: true, classes: 10, pooling: null });
      assert.equal(ten.params, r.params - 990 * r.head.paramsPerClass, name);
      const side = String(r.defaultInput[0]);
      assert.equal(r.macs[side]!.macs + r.head.fixedMacs + 1000 * r.head.macsPerClass, r.macsTopAtDefault, name);
    }
  });

  it("MACs at a tabulated side are exact; elsewhere scaled by area and flagged", () => {
    const r = row("ResNet50");
    const cfg = { includeTop: false, classes: 1000, pooling: "avg" };
    const at224 = appForward("ResNet50", r, cfg, [224, 224, 3]);
    assert.deepEqual([at224.macs, at224.output, at224.approximation], [r.macs["224"]!.macs, [2048], null]);
    const off = appForward("ResNet50", r, { ...cfg, pooling: null }, [230, 230, 3]);
    assert.equal(off.macs, Math.round((r.macs["224"]!.macs * 230 * 230) / (224 * 224)));
    assert.deepEqual(off.output, [null, null, 2048]);
    assert.match(off.approximation ?? "", /scaled/);
  });
});

describe("keras.applications in scripts", () => {
  it("a headless base with pooling, standalone, from its own submodule", async () => {
    const facts = await run(
      [
        "from tensorflow.keras.applications.resnet50 import ResNet50, preprocess_input",
        'base = ResNet50(include_top=False, weights="imagenet", input_shape=(224, 224, 3), pooling="avg")',
      ].join("\n"),
    );
    const m = model(facts, "base");
    const r = row("ResNet50");
    assert.deepEqual([m.params, m.trainableParams], [r.noTop.params, r.noTop.trainableParams]);
    assert.equal(m.forwardMacs, r.macs["224"]!.macs);
  });

  it("include_top with classes=10 (tf.keras.applications.X)", async () => {
    const facts = await run(
      ["import tensorflow as tf", "net = tf.keras.applications.MobileNetV2(weights=None, classes=10)"].join("\n"),
    );
    const r = row("MobileNetV2");
    const m = model(facts, "net");
    assert.equal(m.params, r.noTop.params + r.head.fixedParams + 10 * r.head.paramsPerClass);
    assert.equal(m.forwardMacs, r.macs["224"]!.macs + r.head.fixedMacs + 10 * r.head.macsPerClass);
  });

  it("a frozen base inside Sequential: only the new head is trainable", async () => {
    const facts = await run(
      [
        "import keras",
        "from keras.applications import ResNet50",
        'base = ResNet50(include_top=False, weights="imagenet", input_shape=(160, 160, 3))',
        "base.trainable = False",
        "model = keras.Sequential([base, keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(5)])",
        "model.build((None, 160, 160, 3))",
        "model(keras.Input((160, 160, 3)))",
      ].join("\n"),
    );
    const r = row("ResNet50");
    const m = model(facts, "model");
    assert.equal(m.params, r.noTop.params + 5 * (r.head.features + 1));
    assert.equal(m.trainableParams, 5 * (r.head.features + 1));
    assert.equal(m.forwardMacs, r.macs["160"]!.macs + 5 * r.head.features);
  });

  it("base.output / base.input wiring and an off-grid side say they are approximate", async () => {
    const facts = await run(
      [
        "import keras",
        'base = keras.applications.ResNet50(weights="imagenet", include_top=False, input_shape=(230, 230, 3))',
        "x = keras.layers.GlobalAveragePooling2D()(base.output)",
        "out = keras.layers.Dense(3)(x)",
        "model = keras.Model(inputs=base.input, outputs=out)",
      ].join("\n"),
    );
    const m = model(facts, "model");
    assert.equal(m.params, row("ResNet50").noTop.params + 3 * 2049);
    assert.ok(m.unknowns.some((u) => /scaled from the tabulated 224×224/.test(u.message)));
  });

  it("a width multiplier (alpha != 1.0) is unknown, never sized as the alpha=1.0 row", async () => {
    // Real Keras 3.15 (/tmp/kvenv): MobileNetV2(alpha=0.5, include_top=False, 128×128) has 706,224
    // params, not the catalogued alpha=1.0 2,257,984; the analysis says unknown and names alpha.
    const facts = await run(
      [
        "import keras",
        "m = keras.applications.MobileNetV2(alpha=0.5, include_top=False, input_shape=(128, 128, 3), weights=None)",
        "one = keras.applications.MobileNetV2(alpha=1.0, include_top=False, input_shape=(128, 128, 3), weights=None)",
      ].join("\n"),
    );
    const m = model(facts, "m");
    assert.notEqual(m.params, row("MobileNetV2").noTop.params);
    assert.equal(m.paramsInexact, "lowerBound");
    assert.equal(m.forwardMacs, null);
    assert.match(m.unknowns[0]?.message ?? "", /alpha=0\.5 is not modelled/);
    const one = model(facts, "one");
    assert.equal(one.params, row("MobileNetV2").noTop.params);
    assert.equal(one.paramsInexact, undefined);
  });
});
