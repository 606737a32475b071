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

test("LoRA on an nn.Embedding: r × (num_embeddings + embedding_dim), DoRA adds embedding_dim", () => {
  const script = (targets: string, extra = "") =>
    [
      "from peft import LoraConfig, get_peft_model",
      "from transformers import AutoModelForCausalLM",
      'model = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-2-7b-hf")',
      `model = get_peft_model(model, LoraConfig(r=8, target_modules=${targets}${extra}))`,
      "",
    ].join("\n");
  const {
    vocab: V,
    hidden: h,
    layers,
  } = row("meta-llama/Llama-2-7b-hf").config as {
    vocab: number;
    hidden: number;
    layers: number;
  };
  const attn = layers * 2 * 8 * (h + h);
  const lora = analyzeText(script('["q_proj", "v_proj", "embed_tokens"]')).models[0];
  // peft's Embedding layer: lora_embedding_A (r × num_embeddings), lora_embedding_B (embedding_dim × r).
  assert.equal(lora.trainableParams, attn + 8 * (V + h));
  const dora = analyzeText(script('["q_proj", "v_proj", "embed_tokens"]', ", use_dora=True")).models[0];
  // DoRA: a magnitude vector of out_features per adapted module (q/v: h; the embedding: embedding_dim).
  assert.equal(dora.trainableParams, attn + 8 * (V + h) + layers * 2 * h + h);
  // Before: an embedding target gave up ("peft cannot wrap it as a linear") and left the count unknown.
  assert.ok(lora.forwardFlops === null || lora.forwardFlops > 0);
  // GPT-2's word embeddings (wte, tied to the LM head) take an adapter the same way.
  const gpt2 = analyzeText(script('["c_attn", "wte"]').replace("meta-llama/Llama-2-7b-hf", "gpt2")).models[0];
  const g = row("gpt2").config as { vocab: number; hidden: number; layers: number };
  assert.equal(gpt2.trainableParams, g.layers * 8 * (g.hidden + 3 * g.hidden) + 8 * (g.vocab + g.hidden));
});

test("trl SFTTrainer(peft_config=...) applies LoRA itself; resize_token_embeddings(len(tokenizer)) is said", () => {
  const a = analyzeText(fixtureText("hf/sft_mistral_qlora_trl.py"));
  const m = a.models[0];
  const c = row("mistralai/Mistral-7B-v0.1").config as {
    hidden: number;
    intermediate: number;
    layers: number;
    heads: number;
    kvHeads: number;
  };
  const h = c.hidden;
  const kv = (h / c.heads) * c.kvHeads;
  // "all-linear": q, k, v, o, gate, up, down in every layer (the LM head left out), r = 16.
  const perLayer = 16 * (2 * (h + h) + 2 * (h + kv) + 3 * (h + c.intermediate));
  assert.equal(m.trainableParams, c.layers * perLayer);
  // Before: peft_config on the trainer was ignored and all 7.2B parameters were priced as trained.
  assert.equal(m.params, row("mistralai/Mistral-7B-v0.1").published.params + c.layers * perLayer);
  assert.ok(a.unknowns?.some((u) => /resize_token_embeddings to a size known at run time/.test(u.message)));
  // A resize to the checkpoint's own vocabulary changes nothing and says nothing.
  const same = analyzeText(
    fixtureText("hf/sft_mistral_qlora_trl.py").replace(
      "len(tokenizer)",
      String((row("mistralai/Mistral-7B-v0.1").config as { vocab: number }).vocab),
    ),
  );
  assert.ok(!same.unknowns?.some((u) => /resize_token_embeddings/.test(u.message)));
});
