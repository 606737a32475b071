// peft on catalogued checkpoints against peft's own print_trainable_parameters() lines: LoRA on the
// default or named target modules, trainable head copies (modules_to_save), "all-linear".
import assert from "node:assert/strict";
import { test } from "node:test";
import { PEFT_DEFAULT_TARGETS } from "../../server/src/analysis/frameworks/transformers/peftLora";
import { hfRows, sizeCheckpoint } from "../../server/src/analysis/frameworks/transformers/hfZoo";
import { model, run } from "./evaluateHelpers";

const script = (ckpt: string, cls: string, lora: string, labels = "") =>
  [
    "from peft import LoraConfig, TaskType, get_peft_model",
    `from transformers import ${cls}`,
    `model = ${cls}.from_pretrained("${ckpt}"${labels})`,
    `model = get_peft_model(model, LoraConfig(${lora}))`,
    "",
  ].join("\n");

test("roberta-base SEQ_CLS, default targets (query, value), r=8: peft prints 887,042 trainable of 125,534,212", async () => {
  // "trainable params: 887,042 || all params: 125,534,212 || trainable%: 0.7066" (peft's log line for this setup):
  // r·(768+768) × 2 modules × 12 layers = 294,912 adapters + a trainable copy of the classifier head (592,130).
  const m = model(
    await run(script("roberta-base", "AutoModelForSequenceClassification", "task_type=TaskType.SEQ_CLS, r=8")),
    "model",
  );
  assert.equal(m.trainableParams, 887042);
  assert.equal(m.params, 125534212);
});

test("deberta-v3-base with modules_to_save=[classifier, pooler] reproduces 887,042 of 185,310,724", async () => {
  // The same adapters plus copies of pooler.dense and the classifier: a published run's peft log line,
  // which also pins the DeBERTa-v3 base count (183,831,552) through its total.
  const m = model(
    await run(
      script(
        "microsoft/deberta-v3-base",
        "AutoModelForSequenceClassification",
        'task_type="SEQ_CLS", r=8, modules_to_save=["classifier", "pooler"]',
        ", num_labels=2",
      ),
    ),
    "model",
  );
  assert.equal(m.trainableParams, 887042);
  assert.equal(m.params, 185310724);
});

test("all-linear wraps every linear of every layer and the base stays frozen", async () => {
  const m = model(await run(script("gpt2", "AutoModelForCausalLM", 'r=4, target_modules="all-linear"')), "model");
  // c_attn (768→2304), attn c_proj (768→768), c_fc (768→3072), mlp c_proj (3072→768), 12 layers.
  const lora = 4 * (768 + 2304 + (768 + 768) + (768 + 3072) + (3072 + 768)) * 12;
  assert.equal(m.trainableParams, lora);
  assert.equal(m.params, 124439808 + lora);
});

test("every catalog family has peft's default target modules, each naming a linear of that family", () => {
  for (const r of hfRows()) {
    const keys = PEFT_DEFAULT_TARGETS[r.family];
    assert.ok(keys?.length, r.family);
    const linears = sizeCheckpoint(r, "base", null)!.breakdown.blocks.flatMap((b) => b.linears.map((l) => l.name));
    for (const k of keys)
      assert.ok(
        linears.some((n) => n === k || n.endsWith(`.${k}`)),
        `${r.id}: ${k}`,
      );
  }
});

test("num_parameters(only_trainable=True) and print_trainable_parameters() on a LoRA model", async () => {
  const text = [
    "import torch.nn as nn",
    "from peft import LoraConfig, get_peft_model",
    "from transformers import AutoModelForCausalLM",
    'model = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-2-7b-hf")',
    'model = get_peft_model(model, LoraConfig(r=16, target_modules=["q_proj", "v_proj"]))',
    "model.print_trainable_parameters()",
    "probe = nn.Linear(model.num_parameters(only_trainable=True), 1, bias=False)",
    "",
  ].join("\n");
  const facts = await run(text);
  assert.equal(model(facts, "probe").params, 8388608);
  assert.ok(!facts.unknowns.some((u) => /print_trainable_parameters/.test(u.message)));
});

// Llama-2-7b, r=8 on q_proj + v_proj: 8·(4096+4096) × 2 = 131,072 adapter parameters per layer. Expected
// values from peft's matching rules (a string target_modules is re.fullmatch'ed against each module's
// full name; layers_to_transform keeps the listed layer indices; rank_pattern sets a module's rank),
// as in the tester's truth_hf.py notes.
const llama = (lora: string) => script("meta-llama/Llama-2-7b-hf", "AutoModelForCausalLM", lora);

test("a regex target_modules full-matches module names: .*\\.(q_proj|v_proj) adapts all 32 layers", async () => {
  const m = model(await run(llama('r=8, target_modules=r".*\\.(q_proj|v_proj)"')), "model");
  assert.equal(m.trainableParams, 4_194_304);
  const one = model(await run(llama('r=8, target_modules=r"model\\.layers\\.0\\.self_attn\\.q_proj"')), "model");
  assert.equal(one.trainableParams, 65_536);
});

test("layers_to_transform and rank_pattern", async () => {
  const m1 = model(
    await run(llama('r=8, target_modules=["q_proj", "v_proj"], layers_to_transform=[0, 1, 2, 3]')),
    "model",
  );
  assert.equal(m1.trainableParams, 524_288);
  const m3 = model(await run(llama('r=8, target_modules=["q_proj", "v_proj"], rank_pattern={"v_proj": 16}')), "model");
  assert.equal(m3.trainableParams, 6_291_456); // 32 × (8·8192 + 16·8192)
});

test("a regex target_modules on GPT-2's Conv1D paths: peft's 294,912 of 124,734,720", async () => {
  // transformer.h.N.attn.c_attn (768 → 2304), 12 layers, r=8: 8·(768+2304) × 12 = 294,912; the line peft
  // prints for GPT-2 with its default target (c_attn) is "trainable params: 294,912 || all params: 124,734,720".
  const m = model(await run(script("gpt2", "AutoModelForCausalLM", 'r=8, target_modules=r".*c_attn"')), "model");
  assert.equal(m.trainableParams, 294_912);
  assert.equal(m.params, 124_734_720);
});
