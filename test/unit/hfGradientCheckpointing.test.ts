// Hugging Face gradient checkpointing: transformers wraps each layer of the encoder/decoder stacks
// in torch.utils.checkpoint (PreTrainedModel.gradient_checkpointing_enable, also called by
// Trainer.train() for TrainingArguments(gradient_checkpointing=True)), so those layers' forward runs
// again in backward; embeddings and heads do not. Expected values are the model's own per-layer MACs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { FileAnalysis } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

const SCRIPT = readFileSync(join(process.cwd(), "test/fixtures/hf/gpt2_medium_clm.py"), "utf8");
const ENABLE = "model.gradient_checkpointing_enable()\n";
const analyze = (text: string): FileAnalysis =>
  analyzer.analyze({ path: "/w/clm.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;

/** FLOPs of one forward of GPT-2's block stack (transformer.h.N), from the model's per-layer MACs. */
function blockFlops(a: FileAnalysis): number {
  const blocks = a.models[0].layers.filter((l) => /^transformer\.h\.\d+$/.test(l.path));
  assert.equal(blocks.length, 24, "gpt2-medium has 24 blocks");
  return 2 * blocks.reduce((s, l) => s + (l.macs ?? 0), 0);
}

test("model.gradient_checkpointing_enable(): the block stack's forward is recomputed, embeddings and head are not", () => {
  const a = analyze(SCRIPT);
  assert.ok(SCRIPT.includes(ENABLE));
  const m = a.models[0];
  assert.equal(m.recomputedFlops, blockFlops(a));
  assert.ok(m.forwardFlops !== null && m.recomputedFlops < m.forwardFlops, "the LM head is not recomputed");
  // The run adds one more forward of the checkpointed part: a third of a trained forward (3× → 4×).
  assert.equal(a.runs[0].spec.forwardFlops, m.forwardFlops + m.recomputedFlops / 3);
  assert.ok(a.runs[0].spec.evidence.some((e) => /recomputed in backward/.test(e)));
});

test("without it nothing is recomputed; TrainingArguments(gradient_checkpointing=True) recomputes the same", () => {
  const plain = analyze(SCRIPT.replace(ENABLE, ""));
  assert.equal(plain.models[0].recomputedFlops, undefined);
  assert.equal(plain.runs[0].spec.forwardFlops, plain.models[0].forwardFlops);
  const viaArgs = analyze(SCRIPT.replace(ENABLE, "").replace("fp16=True", "fp16=True, gradient_checkpointing=True"));
  assert.equal(viaArgs.models[0].recomputedFlops, blockFlops(viaArgs));
  assert.equal(viaArgs.runs[0].spec.forwardFlops, analyze(SCRIPT).runs[0].spec.forwardFlops);
});
