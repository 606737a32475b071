// numpy data preparation feeding Keras input shapes (frameworks/keras/runtime/numpyArrays.ts): each
// case builds Flatten + Dense(1) on `arr.shape[1:]`, so the parameter count is the Dense formula
// (docs/keras-formulas.md: kernel C×u + bias u) over the array's per-sample size.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { model, run } from "./evaluateHelpers";

const HEADER = [
  "import numpy as np",
  "import tensorflow as tf",
  "from tensorflow import keras",
  "(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()",
];

/** Dense(1) on a flattened per-sample size: size weights + 1 bias. */
const denseOne = (size: number) => size + 1;

async function sizeOf(expr: string): Promise<{ params: number; shape: number[] | null }> {
  const facts = await run(
    [
      ...HEADER,
      `arr = ${expr}`,
      "m = keras.Sequential([keras.Input(shape=arr.shape[1:]), keras.layers.Flatten(), keras.layers.Dense(1)])",
    ].join("\n"),
  );
  const m = model(facts, "m");
  return { params: m.params, shape: m.inputShape };
}

describe("numpy shaping reaches keras.Input", () => {
  const cases: Array<[string, number[]]> = [
    ['np.expand_dims(x_train.astype("float32") / 255, -1)', [28, 28, 1]],
    ['x_train[..., tf.newaxis].astype("float32") / 255.0', [28, 28, 1]],
    ["x_train.reshape(-1, 28 * 28)", [784]],
    ["np.reshape(x_train, (60000, 14, 56))", [14, 56]],
    ["np.concatenate([x_train, x_test], axis=0)", [28, 28]],
    ["np.stack([x_train, x_train], axis=-1)", [28, 28, 2]],
    ['np.random.normal(size=(3601, 500, 1)).astype("float32")', [500, 1]],
    ["np.random.rand(100, 12)", [12]],
    ["np.zeros((256, 20, 8))", [20, 8]],
    ["np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])", [3]],
  ];
  for (const [expr, shape] of cases) {
    it(expr, async () => {
      const got = await sizeOf(expr);
      assert.deepEqual(got.shape, shape);
      assert.equal(got.params, denseOne(shape.reduce((a, b) => a * b, 1)));
    });
  }

  it("an array the interpreter cannot size leaves the model unbuilt instead of guessing", async () => {
    const facts = await run(
      [
        ...HEADER,
        "arr = np.load('features.npy')",
        "m = keras.Sequential([keras.Input(shape=arr.shape[1:]), keras.layers.Dense(1)])",
      ].join("\n"),
    );
    const m = model(facts, "m");
    assert.equal(m.params, 0);
    assert.ok(m.unknowns.length > 0);
  });

  it("concatenated arrays give fit() their sample count", async () => {
    const facts = await run(
      [
        ...HEADER,
        "x = np.concatenate([x_train, x_test]).reshape(-1, 784).astype('float32') / 255",
        "m = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10)])",
        "m.compile(optimizer='adam', loss='sparse_categorical_crossentropy')",
        "m.fit(x, np.concatenate([y_train, y_test]), epochs=2, batch_size=100)",
      ].join("\n"),
    );
    const fit = facts.trace.find((e) => e.kind === "kerasFit");
    assert.ok(fit?.kind === "kerasFit");
    // keras.datasets.mnist: 60,000 training + 10,000 test images (the dataset catalog).
    assert.equal(fit.trainSamples, 70000);
  });
});
