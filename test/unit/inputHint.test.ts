// The missing-input hint speaks the model's language: a directive example shaped for the first
// layer that reads the input, never an image size for a token model.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { exampleInput, inputHint } from "../../server/src/analysis/cost/inputHint";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

// A token model trained from a loader of unknown tensors: no input shape reaches it.
const LANGUAGE_MODEL = `import torch
import torch.nn as nn

class TinyLM(nn.Module):
    def __init__(self, vocab=8000, width=256):
        super().__init__()
        self.emb = nn.Embedding(vocab, width)
        self.rnn = nn.GRU(width, width, batch_first=True)
        self.out = nn.Linear(width, vocab)

    def forward(self, ids):
        h, _ = self.rnn(self.emb(ids))
        return self.out(h)

model = TinyLM()
opt = torch.optim.Adam(model.parameters())
loader = torch.load("batches.pt")
for epoch in range(3):
    for ids, targets in loader:
        loss = nn.functional.cross_entropy(model(ids).flatten(0, 1), targets.flatten())
        opt.zero_grad()
        loss.backward()
        opt.step()
`;

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

  it("gives a training run the hint its model gives, not an image size", async () => {
    const analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
    const { analysis, tree } = analyzer.analyze({
      path: "/ws/lm.py",
      text: LANGUAGE_MODEL,
      settings: DEFAULT_SETTINGS,
      workspace: EMPTY_WORKSPACE,
    });
    tree?.delete();
    const modelHint = analysis.models[0].unknowns.find((u) => u.hint?.includes("# footprint: input"))?.hint;
    assert.equal(modelHint, "add `# footprint: input 128` (tokens per sample) above the model");
    const run = analysis.runs[0];
    const runHints = [...run.spec.unknowns, ...run.unknowns]
      .map((u) => u.hint)
      .filter((h) => h?.includes("# footprint: input"));
    assert.deepEqual(runHints, [modelHint]);
  });
});
