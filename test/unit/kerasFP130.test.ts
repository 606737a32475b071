// FP130 on keras.applications fine-tunes: the smaller base (alternatives.json, keras.io's table) is
// sized from the keras.applications catalog with the head on top resized to its features, and the
// swap fix (class, module, preprocess_input) reanalyses to exactly that size.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { applyEdits } from "../../server/src/analysis/fixes/textEdits";
import { findKerasApp } from "../../server/src/analysis/frameworks/keras/applications";
import { allAlternatives } from "../../server/src/analysis/frameworks/zoo/alternatives";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { FileAnalysis } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { resolveSettings } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});
const settings = resolveSettings({ device: "a100" }).settings;
const read = (p: string) => readFileSync(join(process.cwd(), p), "utf8");
const analyze = (text: string): FileAnalysis =>
  analyzer.analyze({ path: "/w/train.py", text, settings, workspace: EMPTY_WORKSPACE }).analysis;
/** Keras Dense: inputs × units weights + units biases (keras.layers.Dense docs). */
const dense = (inputs: number, units: number) => inputs * units + units;

/** FP130's swap applied, and the fixed script's model against the alternative the finding priced. */
function swapAndRerun(text: string) {
  const a = analyze(text);
  const finding = a.findings.find((f) => f.code === "FP130");
  assert.ok(finding, `FP130 fires; got ${a.findings.map((f) => f.code).join(", ")}`);
  const run = a.runs.find((r) => r.spec.smallerModel)!;
  const alt = run.spec.smallerModel!;
  const fix = finding.fixes.find((f) => f.title.startsWith("Fine-tune"))!;
  const fixed = applyEdits(text, fix.edits);
  // The trained model (the run's), built on the alternative now.
  const model = analyze(fixed).models.find((m) => m.name === run.spec.model && m.pretrained?.name === alt.to);
  assert.ok(model, `the fixed script trains ${run.spec.model} on ${alt.to}`);
  return { finding, alt, fixed, model };
}

describe("FP130 on keras.applications", () => {
  it("alternatives.json: keras rows are catalogued, cite keras.io, and quote one figure per model", () => {
    const top1 = new Map<string, number>();
    const rows = allAlternatives().filter((r) => r.hub === "keras");
    assert.ok(rows.length >= 10);
    for (const r of rows) {
      assert.ok(findKerasApp(r.from) && findKerasApp(r.to), `${r.from} → ${r.to}`);
      assert.match(r.source, /keras\.io\/api\/applications/);
      for (const [name, v] of [
        [r.from, r.quality!.from],
        [r.to, r.quality!.to],
      ] as const) {
        assert.equal(top1.get(name) ?? v, v, `${name}: one ImageNet top-1 figure in every row`);
        top1.set(name, v);
      }
    }
  });

  it("frozen ResNet50 under a pooled head: EfficientNetB0 from the catalog, the Dense resized, priced cheaper", () => {
    const { finding, alt, fixed, model } = swapAndRerun(
      read("test/fixtures/rules/golden/fp130_keras_resnet50.before.py"),
    );
    const b0 = findKerasApp("EfficientNetB0")!;
    assert.equal(alt.params, b0.noTop.params + dense(b0.head.features, 10));
    assert.equal(alt.trainableParams, dense(b0.head.features, 10), "the base stays frozen: only the head trains");
    assert.equal(model.params, alt.params);
    assert.equal(model.trainableParams, alt.trainableParams);
    assert.equal(model.forwardFlops, alt.forwardFlops);
    assert.match(finding.message, /ImageNet top-1 % 74\.9 → 77\.1/);
    assert.match(finding.message, /would train ≈ −\d+% time/);
    // The preprocessing follows the model: EfficientNet's own preprocess_input, from its module.
    assert.match(fixed, /from tensorflow\.keras\.applications import efficientnet\n/);
    assert.match(fixed, /efficientnet\.preprocess_input\(x_train/);
    assert.doesNotMatch(fixed, /resnet50\.|ResNet50\(/);
  });

  it("a flattened feature map: the Flatten → BatchNormalization → Dense head is resized to the new map", () => {
    const { alt, fixed, model } = swapAndRerun(read("test/fixtures/rules/cases/fp130_keras_xception_flatten.py"));
    assert.equal(model.params, alt.params);
    assert.equal(model.trainableParams, alt.trainableParams);
    assert.equal(model.forwardFlops, alt.forwardFlops);
    assert.match(fixed, /from keras\.applications\.efficientnet import EfficientNetB0, preprocess_input/);
  });

  it("a base built on None×None images reads the model's input; the rerun of the swap matches", () => {
    const { alt, model } = swapAndRerun(read("test/fixtures/keras/feature_extractor_base_output.py"));
    const b0 = findKerasApp("EfficientNetB0")!;
    assert.equal(alt.params, b0.noTop.params + dense(b0.head.features, 1024) + dense(1024, 200));
    assert.equal(model.params, alt.params);
    assert.equal(model.forwardFlops, alt.forwardFlops);
  });

  it("stays quiet on a from-scratch ResNet50, an EfficientNetB0, and a head it cannot resize exactly", () => {
    assert.ok(
      !analyze(read("test/fixtures/rules/cases/fp130_keras_scratch_and_small.py")).findings.some(
        (f) => f.code === "FP130",
      ),
    );
    // A convolution on the feature map reads its channels in a way the catalog cannot resize.
    const conv = `from tensorflow import keras
from tensorflow.keras.applications import ResNet50
(x, y), _ = keras.datasets.cifar10.load_data()
base = ResNet50(include_top=False, weights="imagenet", input_shape=(224, 224, 3))
inputs = keras.Input((32, 32, 3))
h = base(keras.layers.Resizing(224, 224)(inputs))
h = keras.layers.Conv2D(64, 1)(h)
out = keras.layers.Dense(10)(keras.layers.GlobalAveragePooling2D()(h))
model = keras.Model(inputs, out)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, y, epochs=5)
`;
    const a = analyze(conv);
    assert.ok(
      a.models.some((m) => m.pretrained?.name === "ResNet50"),
      "the base is recognised",
    );
    assert.ok(!a.findings.some((f) => f.code === "FP130"));
  });
});
