// Unseen-style Hugging Face scripts, round 2 (test/fixtures/runs/hf): Seq2SeqTrainer generating past
// the labels' length, a run_clm-style script whose arguments come at launch, and an accelerate loop
// whose precision the launch config sets. Expected values come from the scripts and library docs.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { analyzeText, fixtureText, onlyRun, row, split, useAnalyzer } from "./helpers/probeRuns";

useAnalyzer();

test("Seq2SeqTrainer: generation_max_length twice the labels' length doubles each beam's decoding bound", () => {
  const text = fixtureText("hf/flan_t5_cnndm_seq2seq.py");
  const r = onlyRun("hf/flan_t5_cnndm_seq2seq.py");
  const beams = Number(/generation_num_beams=(\d+)/.exec(text)![1]);
  const ratio =
    Number(/generation_max_length=(\d+)/.exec(text)![1]) / Number(/max_target_length = (\d+)/.exec(text)![1]);
  assert.deepEqual(r.spec.evalForwards, { low: 1, high: 1 + beams * ratio });
  assert.equal(r.spec.valSamples, split("cnn_dailymail", "validation", "3.0.0"));
  // Without generation_max_length the bound is the labels' own length, as before: 1 + beams.
  const plain = analyzeText(text.replace("    generation_max_length=128,\n", "")).runs[0];
  assert.deepEqual(plain.spec.evalForwards, { low: 1, high: 1 + beams });
  // A generation_max_length below the labels' length never lowers the bound.
  const short = analyzeText(text.replace("generation_max_length=128", "generation_max_length=32")).runs[0];
  assert.deepEqual(short.spec.evalForwards, { low: 1, high: 1 + beams });
});

test("run_clm layout: block_size = min(model_max_length, 1024) and the regrouped row count is said to be unknown", () => {
  const a = analyzeText(fixtureText("hf/clm_hfargs_blocks.py"));
  const r = a.runs[0];
  assert.equal(a.runs.length, 1);
  // distilgpt2: model_max_length 1024 (its config's n_positions).
  assert.equal(r.spec.tokensPerSample, Math.min(row("distilgpt2").config.maxPositions as number, 1024));
  assert.equal(r.spec.trainSamples, null);
  assert.equal(r.co2eKg, null, "no number while the block count is unknown");
  assert.ok(a.unknowns?.some((u) => /parse_args_into_dataclasses: arguments given at launch/.test(u.message)));
  assert.ok(a.unknowns?.some((u) => /may change the number of rows/.test(u.message)));
});

test("accelerate launch --config_file: Accelerator() without mixed_precision says the launch sets it", () => {
  const a = analyzeText(fixtureText(join("hf", "accelerate_launch", "sft_dolly_accelerate.py")));
  const r = a.runs[0];
  assert.equal(r.spec.trainSamples, split("databricks/databricks-dolly-15k", "train"));
  // from_pretrained(torch_dtype=torch.bfloat16): the weights and the math are bf16.
  assert.equal(r.spec.precision, "bf16");
  // The model card's "1.54B", truncated to two decimals (the catalog row's tolerance).
  const pub = row("Qwen/Qwen2.5-1.5B").published;
  assert.ok(Math.abs((r.spec.params ?? 0) - pub.params) <= (pub.tolerance ?? 0));
  assert.ok(
    a.unknowns?.some((u) => /Accelerator\(\) without mixed_precision=: accelerate launch sets it/.test(u.message)),
  );
  assert.ok(r.spec.unknowns.some((u) => /number of GPUs is set by the launcher/.test(u.message)));
  // Stated in the script: no launch-time note.
  const stated = analyzeText(
    fixtureText(join("hf", "accelerate_launch", "sft_dolly_accelerate.py")).replace(
      'log_with="tensorboard"',
      'mixed_precision="bf16", log_with="tensorboard"',
    ),
  );
  assert.ok(!stated.unknowns?.some((u) => /without mixed_precision/.test(u.message)));
});

test("TrainingArguments(tf32=True) without fp16/bf16 prices the fp32 math at the TF32 peak", () => {
  const text = fixtureText("hf/clm_hfargs_blocks.py").replace(
    "    parser = HfArgumentParser((ModelArguments, DataArguments, TrainingArguments))\n    model_args, data_args, training_args = parser.parse_args_into_dataclasses()\n",
    '    parser = HfArgumentParser((ModelArguments, DataArguments))\n    model_args, data_args = parser.parse_args_into_dataclasses()\n    training_args = TrainingArguments(output_dir="out", tf32=True)\n',
  );
  assert.ok(text.includes("tf32=True"));
  assert.equal(analyzeText(text).runs[0].spec.precision, "tf32");
  // bf16 wins when both are set: autocast runs the matmuls in bf16.
  assert.equal(analyzeText(text.replace("tf32=True", "tf32=True, bf16=True")).runs[0].spec.precision, "bf16-mixed");
});

test("TrainingArguments(fsdp=...): the GPU count is the launcher's, said as for DeepSpeed", () => {
  const text = fixtureText("hf/distil_sst2_teacher.py");
  const fsdp = analyzeText(
    text.replace('save_strategy="no",', 'save_strategy="no",\n        fsdp="full_shard auto_wrap",'),
  );
  assert.ok(
    fsdp.runs[0].spec.unknowns.some((u) => /TrainingArguments\(fsdp=\.\.\.\).*set by the launcher/.test(u.message)),
  );
  // fsdp="" (the library default) is no sharding: nothing is said.
  const off = analyzeText(text.replace('save_strategy="no",', 'save_strategy="no",\n        fsdp="",'));
  assert.ok(!off.runs[0].spec.unknowns.some((u) => /launcher/.test(u.message)));
});

test("trl DPOTrainer: two sequences a pair through the trained policy and a forward-only reference", () => {
  const text = `${fixtureText("hf/dpo_qwen_lora.py")}# footprint: samples 10000\n`;
  const a = analyzeText(text);
  const m = a.models[0];
  assert.ok(m.forwardFlops !== null);
  // peft_config: only the adapters train (trl applies get_peft_model itself).
  assert.ok(m.trainableParams < m.params / 10);
  // Traced at max_length=1024 per sequence.
  assert.deepEqual(m.inputShape, [1024]);
  const r = a.runs[0];
  assert.equal(r.spec.tokensPerSample, 1024);
  // No ref_model with peft: the policy with its adapter disabled is the reference (1× forward).
  assert.equal(r.spec.forwardFlops, 2 * (m.forwardFlops + m.forwardFlops / 3));
  assert.ok(r.spec.evidence.some((e) => /chosen\/rejected pair.*adapter disabled/.test(e)));
  // An explicit reference model, passed positionally: DPOTrainer(model, ref_model, args=...).
  const withRef = analyzeText(
    text
      .replace(
        "tokenizer = AutoTokenizer.from_pretrained(BASE)",
        'tokenizer = AutoTokenizer.from_pretrained(BASE)\nref = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-1.5B", torch_dtype=torch.bfloat16)',
      )
      .replace("trainer = DPOTrainer(\n    model=model,", "trainer = DPOTrainer(\n    model,\n    ref,"),
  );
  const policy = withRef.models.find((x) => x.name === "model");
  const ref = withRef.models.find((x) => x.name === "ref");
  assert.ok(policy?.forwardFlops && ref?.forwardFlops);
  assert.equal(withRef.runs[0].spec.forwardFlops, 2 * (policy.forwardFlops + ref.forwardFlops / 3));
});
