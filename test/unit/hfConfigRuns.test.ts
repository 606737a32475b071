// The fixtures for config-built models and peft paths, end to end through the Analyzer: a ViT LoRA run
// selected by a regex over full module names, a BART pretrained from a shrunk bart-base config, and a
// whisper-tiny LoRA run with list targets. Counts are the architecture formulas written out, or peft's
// rules (r · (in + out) per adapted linear) over the modules named beside each number.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { findCheckpoint, sizeCheckpoint } from "../../server/src/analysis/frameworks/transformers/hfZoo";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { FileAnalysis } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";
import { linearParams as lin } from "./evaluateHelpers";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

const analyze = (path: string): { text: string; a: FileAnalysis } => {
  const text = readFileSync(join(process.cwd(), path), "utf8");
  return {
    text,
    a: analyzer.analyze({ path: `/w/${path}`, text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis,
  };
};
const num = (text: string, re: RegExp) => Number(re.exec(text)![1]);
const LN = (h: number) => 2 * h;

test("vit_food_lora_regex.py: the regex adapts 24 query/value linears; labels built from the data leave the head approximate", () => {
  const { text, a } = analyze("test/fixtures/hf/vit_food_lora_regex.py");
  const m = a.models[0];
  const r = num(text, /LORA_RANK = (\d+)/);
  // vit.encoder.layer.{0..11}.attention.attention.{query,value}: 24 × r·(768 + 768).
  const adapters = 24 * r * 1536;
  // id2label comes from the dataset's features: the classifier (and its trainable copy) is counted at the
  // checkpoint's 1000 labels and the count is flagged, naming the keyword.
  assert.equal(m.paramsInexact, "approximate");
  assert.ok(m.unknowns.some((u) => /id2label= is not known/.test(u.message)));
  assert.equal(m.trainableParams, adapters + lin(768, 1000));
  const run = a.runs[0];
  assert.equal(run.spec.trainSamples, num(text, /train\[:(\d+)\]/));
  assert.equal(run.spec.epochs, num(text, /num_train_epochs=(\d+)/));
});

test("bart_scratch_denoise.py: AutoConfig overrides shrink bart-base; the loop trains at max_length", () => {
  const { text, a } = analyze("test/fixtures/hf/bart_scratch_denoise.py");
  const m = a.models[0];
  const d = 768;
  const layers = num(text, /encoder_layers=(\d+)/);
  const ffn = num(text, /encoder_ffn_dim=(\d+)/);
  // shared 50265 × d, two position tables of 1024 + 2 rows, two embedding LayerNorms, lm_head tied;
  // encoder layer: q/k/v/out + fc1/fc2 + 2 LN; decoder layer: self + cross attention + fc1/fc2 + 3 LN.
  const embed = 50265 * d + 2 * 1026 * d + 2 * LN(d);
  const enc = 4 * lin(d, d) + lin(d, ffn) + lin(ffn, d) + 2 * LN(d);
  const dec = 8 * lin(d, d) + lin(d, ffn) + lin(ffn, d) + 3 * LN(d);
  assert.equal(m.params, embed + layers * enc + num(text, /decoder_layers=(\d+)/) * dec);
  assert.equal(m.params, 93_750_016);
  assert.equal(m.trainableParams, m.params);
  assert.deepEqual(m.inputShape, [num(text, /MAX_LEN = (\d+)/)]);
});

test("whisper_tiny_lora_asr.py: list targets reach encoder, decoder and cross attention", () => {
  const { text, a } = analyze("test/fixtures/hf/whisper_tiny_lora_asr.py");
  const m = a.models[0];
  const r = num(text, /r=(\d+)/);
  // q_proj, v_proj of 4 encoder self_attn + 4 decoder self_attn + 4 decoder encoder_attn: 24 × r·(384 + 384).
  assert.equal(m.trainableParams, 24 * r * 768);
  assert.equal(m.params, 37_760_640 + 24 * r * 768); // openai/whisper-tiny, model card "39M"
  // Adapters run on their own layer's stream: the 8 encoder ones on Whisper's 1500 frames, the 16 decoder
  // ones on the (here unknown, so maximum) 448 target tokens.
  const base = sizeCheckpoint(findCheckpoint("openai/whisper-tiny")!, "seq2seq-lm", null)!.macsAt(448);
  assert.equal(m.forwardFlops, 2 * (base + 8 * r * 768 * 1500 + 16 * r * 768 * 448));
  const run = a.runs[0];
  assert.equal(run.spec.maxSteps, num(text, /max_steps=(\d+)/));
  assert.ok(run.energyKWh && run.energyKWh.low > 0);
});
