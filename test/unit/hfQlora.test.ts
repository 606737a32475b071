// QLoRA (test/fixtures/runs/hf/qlora_llama2_guanaco.py): a 4-bit bitsandbytes base keeps its
// parameter count, trains in bnb_4bit_compute_dtype, prepare_model_for_kbit_training turns gradient
// checkpointing on, and LoRA adds r × (in + out) per targeted linear (peft docs, LoRA).
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeText, fixtureText, row, split, useAnalyzer } from "./helpers/probeRuns";

useAnalyzer();
const SCRIPT = () => fixtureText("hf/qlora_llama2_guanaco.py");

test("Llama-2-7B in 4-bit with LoRA r=64 on all seven projections: print_trainable_parameters' counts", () => {
  const a = analyzeText(SCRIPT());
  const {
    hidden: h,
    intermediate: f,
    layers,
  } = row("meta-llama/Llama-2-7b-hf").config as {
    hidden: number;
    intermediate: number;
    layers: number;
  };
  // q/k/v/o: h → h (kv heads = heads on Llama-2-7B); gate/up: h → f; down: f → h; r = 64.
  const perLayer = 64 * (4 * (h + h) + 2 * (h + f) + (f + h));
  const m = a.models[0];
  assert.equal(m.trainableParams, layers * perLayer);
  // The 4-bit base counts its unpacked weights, as peft's get_nb_trainable_parameters does.
  assert.equal(m.params, row("meta-llama/Llama-2-7b-hf").published.params + layers * perLayer);
  const r = a.runs[0];
  assert.equal(r.spec.trainSamples, split("timdettmers/openassistant-guanaco", "train"));
  assert.equal(r.spec.precision, "bf16-mixed");
  assert.ok(a.unknowns?.some((u) => /4-bit quantized base weights.*dequantization is not priced/.test(u.message)));
});

test("prepare_model_for_kbit_training checkpoints the decoder layers unless use_gradient_checkpointing=False", () => {
  const on = analyzeText(SCRIPT()).models[0];
  assert.ok((on.recomputedFlops ?? 0) > 0);
  const off = analyzeText(
    SCRIPT().replace(
      "prepare_model_for_kbit_training(model)",
      "prepare_model_for_kbit_training(model, use_gradient_checkpointing=False)",
    ),
  ).models[0];
  assert.equal(off.recomputedFlops ?? 0, 0);
  // Before: prepare_model_for_kbit_training was a pass-through, pricing no recomputation.
  assert.equal(on.forwardFlops, off.forwardFlops);
});

test("without TrainingArguments bf16 the matmuls run in bnb_4bit_compute_dtype; its default is float32", () => {
  const noMixed = SCRIPT().replace("    bf16=True,\n", "");
  assert.equal(analyzeText(noMixed).runs[0].spec.precision, "bf16");
  const fp32 = noMixed.replace("    bnb_4bit_compute_dtype=torch.bfloat16,\n", "");
  assert.equal(analyzeText(fp32).runs[0].spec.precision, "fp32");
  // The older keyword form and 8-bit: 8-bit says its int8 speed is not modelled.
  const eight = SCRIPT().replace("quantization_config=bnb_config", "load_in_8bit=True");
  assert.ok(analyzeText(eight).unknowns?.some((u) => /8-bit quantized base weights/.test(u.message)));
});
