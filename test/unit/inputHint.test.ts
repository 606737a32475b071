// The missing-input hint speaks the model's language: a directive example shaped for the first
// layer that reads the input, never an image size for a token model.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { exampleInput, inputHint } from "../../server/src/analysis/cost/inputHint";

describe("input hints", () => {
  it("uses the first layer's own sizes", () => {
    assert.equal(exampleInput({ className: "Conv2d", args: { in_channels: 1 } }), "1x224x224");
    assert.equal(exampleInput({ className: "Conv1d", args: { in_channels: 2 } }), "2x16000");
    assert.equal(exampleInput({ className: "LSTM", args: { input_size: 7 } }), "128x7");
    assert.equal(exampleInput({ className: "Linear", args: { in_features: 784 } }), "784");
  });

  it("asks token models for tokens per sample", () => {
    assert.equal(
      inputHint({ className: "Embedding", args: { num_embeddings: 50257, embedding_dim: 768 } }),
      "add `# footprint: input 128` (tokens per sample) above the model",
    );
  });

  it("falls back to an image shape when nothing is known", () => {
    assert.equal(exampleInput(null), "3x224x224");
  });
});
