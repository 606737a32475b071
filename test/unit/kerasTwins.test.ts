// Keras models and their PyTorch twins (same layers): the Keras analysis of test/fixtures/keras/twins/
// must equal real PyTorch's counts (test/fixtures/keras/oracle/torch_twins.py → twins.expected.json)
// where the libraries agree, and differ exactly as docs/keras-formulas.md says where they do not.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { ModelCost } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { resolveSettings } from "../../server/src/shared/settings";

const DIR = join(process.cwd(), "test/fixtures/keras");
const torch = JSON.parse(readFileSync(join(DIR, "oracle/twins.expected.json"), "utf8")) as {
  twins: Record<string, { params: number; runningStatBuffers: number; forwardMacs: number }>;
};
let analyzer: Analyzer;

before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

function keras(stem: string): ModelCost {
  const path = join(DIR, "twins", `${stem}.py`);
  const a = analyzer.analyze({
    path,
    text: readFileSync(path, "utf8"),
    settings: resolveSettings().settings,
    workspace: EMPTY_WORKSPACE,
  }).analysis;
  const m = a.models.find((x) => x.name === "model" && x.framework === "keras");
  assert.ok(m, `${stem}: no Keras model`);
  return m;
}

test("Dense ↔ Linear: same parameters and MACs", () => {
  const k = keras("mlp");
  assert.deepEqual(
    [k.params, k.trainableParams, k.forwardMacs],
    [torch.twins.mlp!.params, torch.twins.mlp!.params, torch.twins.mlp!.forwardMacs],
  );
});

test("Conv2D/BatchNormalization ↔ Conv2d/BatchNorm2d: trainable weights and MACs equal; Keras' total adds the moving statistics torch keeps as buffers", () => {
  const k = keras("convnet");
  const t = torch.twins.convnet!;
  assert.equal(k.trainableParams, t.params);
  assert.equal(k.params, t.params + t.runningStatBuffers);
  assert.equal(k.forwardMacs, t.forwardMacs);
});

test("Embedding + GRU(reset_after=True) ↔ nn.Embedding + nn.GRU: identical (two bias rows each)", () => {
  const k = keras("gru_text");
  assert.deepEqual([k.params, k.forwardMacs], [torch.twins.gru_text!.params, torch.twins.gru_text!.forwardMacs]);
});

test("LSTM: same MACs, but torch has a second bias per gate (b_ih and b_hh): 4 × units more parameters", () => {
  const k = keras("lstm_text");
  const t = torch.twins.lstm_text!;
  const units = 64;
  assert.equal(k.forwardMacs, t.forwardMacs);
  assert.equal(t.params - k.params, 4 * units);
});
