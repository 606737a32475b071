// Keras fixtures through the real Analyzer against expected.json (real Keras 3 via
// test/fixtures/keras/oracle/keras_oracle.py): parameters exact, FLOPs within 2%, fit() events.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { FileAnalysis } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { resolveSettings } from "../../server/src/shared/settings";

interface ExpectedModel {
  params?: number;
  trainableParams?: number;
  forwardMacs: number | null;
  fit?: { epochs: number; batch_size: number | null; callbacks: string[] };
  published?: { params: number; source: string };
}

const DIR = join(process.cwd(), "test/fixtures/keras");
const expected = JSON.parse(readFileSync(join(DIR, "expected.json"), "utf8")) as {
  fixtures: Record<string, Record<string, ExpectedModel>>;
};
let analyzer: Analyzer;
const settings = resolveSettings().settings;
const results = new Map<string, FileAnalysis>();

before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

function analyse(stem: string): FileAnalysis {
  let a = results.get(stem);
  if (!a) {
    const path = join(DIR, `${stem}.py`);
    a = analyzer.analyze({ path, text: readFileSync(path, "utf8"), settings, workspace: EMPTY_WORKSPACE }).analysis;
    results.set(stem, a);
  }
  return a;
}

test("every fixture has oracle values and there are at least 20", () => {
  const stems = readdirSync(DIR)
    .filter((f) => f.endsWith(".py"))
    .map((f) => f.replace(/\.py$/, ""));
  assert.ok(stems.length >= 20);
  assert.deepEqual(stems.sort(), Object.keys(expected.fixtures).sort());
});

const paramsExact: string[] = [];
const flopsClose: string[] = [];
const misses: string[] = [];

for (const [stem, models] of Object.entries(expected.fixtures)) {
  for (const [name, want] of Object.entries(models)) {
    if (want.params === undefined || want.params === 0) continue;
    test(`${stem}: ${name}`, (t) => {
      const got = analyse(stem).models.find((m) => m.name === name && m.framework === "keras");
      if (!got) {
        misses.push(`${stem}.${name}: not reported`);
        t.diagnostic(`${stem}.${name} not reported`);
        return;
      }
      if (got.params === want.params && got.trainableParams === want.trainableParams)
        paramsExact.push(`${stem}.${name}`);
      else
        misses.push(
          `${stem}.${name}: params ${got.params}/${got.trainableParams} vs ${want.params}/${want.trainableParams}`,
        );
      if (want.forwardMacs !== null && got.forwardMacs !== null) {
        const err = Math.abs(got.forwardMacs - want.forwardMacs) / want.forwardMacs;
        if (err <= 0.02) flopsClose.push(`${stem}.${name}`);
        else misses.push(`${stem}.${name}: MACs ${got.forwardMacs} vs ${want.forwardMacs}`);
      }
      // A published summary total must match (keras.applications models through the catalog too).
      if (want.published) assert.equal(got.params, want.published.params, want.published.source);
    });
  }
}

test("accuracy over the Keras fixtures", () => {
  const total = Object.values(expected.fixtures)
    .flatMap((m) => Object.values(m))
    .filter((m) => m.params).length;
  const withMacs = Object.values(expected.fixtures)
    .flatMap((m) => Object.values(m))
    .filter((m) => m.params && m.forwardMacs !== null).length;
  console.log(`keras params exact ${paramsExact.length}/${total}, FLOPs within 2% ${flopsClose.length}/${withMacs}`);
  for (const m of misses) console.log(`  miss: ${m}`);
  // The target: parameters exact on at least 95% of the Keras fixture models, and FLOPs by the
  // same formulas (within 2%) on as many; measured: every one.
  assert.ok(paramsExact.length >= Math.ceil(0.95 * total), `params exact ${paramsExact.length}/${total}`);
  assert.ok(flopsClose.length >= Math.ceil(0.95 * withMacs), `FLOPs within 2% ${flopsClose.length}/${withMacs}`);
});

test("fit() becomes a kerasFit event with epochs, batch size, samples and callbacks", () => {
  const a = analyse("fit_callbacks_cifar");
  assert.equal(a.runs.length, 1);
  const spec = a.runs[0]!.spec;
  assert.equal(spec.framework, "keras");
  assert.equal(spec.epochs, 100);
  assert.equal(spec.batchSize, 64);
  // 50,000 CIFAR-10 training images; validation_split=0.2 keeps int(50000 × 0.8) for training.
  assert.equal(spec.trainSamples, 40000);
  assert.equal(spec.valSamples, 10000);
  assert.ok(spec.evidence.some((e) => /EarlyStopping/.test(e)));
  const quick = analyse("tf_quickstart_mlp").runs[0]!.spec;
  assert.deepEqual([quick.epochs, quick.trainSamples], [5, 60000]);
  const es = analyse("boston_regression");
  assert.ok(es.runs[0]?.spec.evidence.some((e) => /EarlyStopping/.test(e)));
});

test("mixed_float16 policy prices the run as fp16-mixed", () => {
  const a = analyse("mixed_precision_cifar");
  assert.equal(a.runs[0]?.spec.precision, "fp16-mixed");
});

// A layer the catalog does not model (STFTSpectrogram, whose Fourier kernels are non-trainable weights) must
// never be priced as an identity: the analysis may only say "unknown". (SpectralNormalization, this case
// until it was modelled, is now checked against real Keras' 1,336 in kerasLayerFormulas.test.ts.)
const unmodelledLayer = (text: string) =>
  analyzer.analyze({ path: "/w/m.py", text, settings, workspace: EMPTY_WORKSPACE }).analysis;

test("an uncatalogued layer in a Sequential makes its weights a lower bound and its FLOPs unknown", () => {
  const a = unmodelledLayer(`import keras
from keras import layers
model = keras.Sequential([
    keras.Input(shape=(16000, 1)),
    layers.STFTSpectrogram(mode="log", frame_length=256, frame_step=128, fft_length=256),
    layers.Conv1D(8, 3, padding="same"),
    layers.GlobalAveragePooling1D(),
    layers.Dense(4),
])
`);
  const m = a.models[0]!;
  assert.equal(m.paramsInexact, "lowerBound");
  assert.equal(m.forwardMacs, null);
  assert.match(m.unknowns[0]?.message ?? "", /STFTSpectrogram.*not modelled/);
  const fp100 = a.findings.find((f) => f.code === "FP100")!;
  assert.match(fp100.message, /≥ .*FLOPs unknown: .*STFTSpectrogram/);
});

test("an uncatalogued layer in a functional model is unknown, not 'never built' with 0 exact params", () => {
  const a = unmodelledLayer(`import keras
from keras import layers
inp = keras.Input(shape=(16000, 1))
h = layers.STFTSpectrogram(mode="log", frame_length=256, frame_step=128, fft_length=256)(inp)
h = layers.Conv1D(8, 3, padding="same")(h)
out = layers.Dense(4)(layers.GlobalAveragePooling1D()(h))
model = keras.Model(inp, out)
`);
  const m = a.models[0]!;
  assert.equal(m.paramsInexact, "lowerBound");
  assert.equal(m.forwardMacs, null);
  const msgs = m.unknowns.map((u) => u.message).join("\n");
  assert.match(msgs, /STFTSpectrogram.*not modelled/);
  assert.doesNotMatch(msgs, /never built/);
});

// A subclassed model whose blocks apply activations as functions (keras.activations.relu, keras.ops.gelu)
// inside call(): the layers after them see the input's shape. Real Keras 3.15 (/tmp/kvenv) counts
// 57,098 after one call: stem 3·3·3·32 + 32 = 896; per block conv 3·3·32·32 + 32 = 9,248 twice and
// BatchNorm 4·32 = 128 → 18,624, three blocks 55,872; head 32·10 + 10 = 330.
const SUBCLASSED_NET = `import keras
from keras import layers

class Block(layers.Layer):
    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = layers.Conv2D(filters, 3, padding="same")
        self.bn = layers.BatchNormalization()
        self.conv2 = layers.Conv2D(filters, 3, padding="same")

    def call(self, x, training=False):
        h = keras.activations.relu(self.bn(self.conv1(x), training=training))
        return keras.ops.gelu(self.conv2(h)) + x

class Net(keras.Model):
    def __init__(self, num_classes=10):
        super().__init__()
        self.stem = layers.Conv2D(32, 3, padding="same")
        self.blocks = [Block(32) for _ in range(3)]
        self.pool = layers.GlobalAveragePooling2D()
        self.head = layers.Dense(num_classes)

    def call(self, x, training=False):
        x = self.stem(x)
        for b in self.blocks:
            x = b(x, training=training)
        return self.head(self.pool(x))

model = Net()
model.build((None, 32, 32, 3))
`;

test("activations applied as functions inside call() keep the shape for the layers after them", () => {
  const m = unmodelledLayer(SUBCLASSED_NET).models[0]!;
  assert.equal(m.params, 896 + 3 * (2 * 9248 + 128) + 330);
  assert.equal(m.paramsInexact, undefined);
  // MACs per sample on 32×32: stem 32·32·32·(3·9) = 884,736; six 32→32 convs 32·32·32·(32·9) each; head 32·10.
  assert.equal(m.forwardMacs, 884736 + 6 * 32 * 32 * 32 * 32 * 9 + 320);
});

test("a layer called on a value the analysis cannot follow makes the weights a lower bound", () => {
  const a = unmodelledLayer(SUBCLASSED_NET.replace("keras.ops.gelu(self.conv2(h))", "self.conv2(keras.ops.fft(h))"));
  const m = a.models[0]!;
  // conv2 of each block is never built: the total counts the rest, flagged, and names the layer.
  assert.equal(m.params, 896 + 3 * (9248 + 128) + 330);
  assert.equal(m.paramsInexact, "lowerBound");
  assert.equal(m.forwardMacs, null);
  assert.ok(m.unknowns.some((u) => /Conv2D: called on a tensor of unknown shape/.test(u.message)));
});

// keras.layers.Lambda runs its function on the inputs (keras/src/layers/core/lambda_layer.py). Real Keras
// 3.15 (/tmp/kvenv): the siamese model has 22,497 weights and 34,667,568 MACs per sample pair.
test("a Lambda layer's output shape is its function's, with no weights and 0 MACs for elementwise work", () => {
  const a = unmodelledLayer(`import keras
from keras import layers

def embedding_net():
    inp = keras.Input((64, 64, 1))
    x = layers.Conv2D(32, 5, activation="relu")(inp)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    x = layers.GlobalMaxPooling2D()(x)
    return keras.Model(inp, layers.Dense(48)(x), name="embed")

embed = embedding_net()
a, b = keras.Input((64, 64, 1)), keras.Input((64, 64, 1))
d = layers.Lambda(lambda t: keras.ops.abs(t[0] - t[1]))([embed(a), embed(b)])
siamese = keras.Model([a, b], layers.Dense(1, activation="sigmoid")(d))
`);
  const m = a.models.find((x) => x.name === "siamese")!;
  // embed once (shared): conv 5·5·1·32 + 32 = 832, conv 3·3·32·64 + 64 = 18,496, dense 64·48 + 48 = 3,120;
  // head 48 + 1 = 49.
  assert.equal(m.params, 832 + 18496 + 3120 + 49);
  // Per branch: 60·60·32·25 + 28·28·64·(32·9) + 64·48; twice, plus the head's 48.
  assert.equal(m.forwardMacs, 2 * (60 * 60 * 32 * 25 + 28 * 28 * 64 * 32 * 9 + 64 * 48) + 48);
});

test("a Lambda that multiplies matrices with @ leaves the MACs unknown instead of counting 0", () => {
  const a = unmodelledLayer(`import keras
from keras import layers
q, k = keras.Input((10, 8)), keras.Input((8, 12))
scores = layers.Lambda(lambda ab: ab[0] @ ab[1])([q, k])
model = keras.Model([q, k], layers.Dense(2)(scores))
`);
  const m = a.models[0]!;
  assert.equal(m.params, 12 * 2 + 2);
  assert.equal(m.forwardMacs, null);
});
