// Hugging Face checkpoints end to end through the Analyzer: the shipped SST-2 example and the
// fixtures in test/fixtures/hf (Auto classes, a named class, freezing, peft LoRA, block_size
// regrouping, from_config). Sizes come from the ground truth and the catalog's sources; lengths,
// schedules and labels are read from each script's text.
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
import { run } from "./evaluateHelpers";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

const read = (p: string) => readFileSync(join(process.cwd(), p), "utf8");
const analyze = (path: string): { text: string; a: FileAnalysis } => {
  const text = read(path);
  return {
    text,
    a: analyzer.analyze({ path: `/w/${path}`, text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis,
  };
};
const num = (text: string, re: RegExp) => Number(re.exec(text)![1]);
/** Exact counts from shared/data/model_ground_truth.csv (copied into the zoo data folder). */
const truth = (model: string) => {
  const line = read("server/src/analysis/frameworks/zoo/data/model_ground_truth.csv")
    .split("\n")
    .find((l) => l.startsWith(`transformers,${model},`))!;
  return Number(line.split(",")[2]);
};
const sized = (name: string, task: string, labels: number | null) =>
  sizeCheckpoint(findCheckpoint(name)!, task, labels)!;
const only = <T>(xs: T[]) => {
  assert.equal(xs.length, 1);
  return xs[0];
};

test("examples/hf_sst2_finetune.py: BERT for SST-2 is sized, traced at max_length and priced", () => {
  const { text, a } = analyze("examples/hf_sst2_finetune.py");
  const m = only(a.models);
  const h = 768;
  // BertForSequenceClassification = BertModel (ground truth, with pooler) + Linear(hidden, num_labels).
  const labels = num(text, /num_labels=(\d+)/);
  assert.equal(m.params, truth("bert-base-uncased") + h * labels + labels);
  assert.equal(m.trainableParams, m.params);
  const L = num(text, /MAX_LENGTH = (\d+)/);
  assert.deepEqual(m.inputShape, [L]);
  assert.equal(m.forwardFlops, 2 * sized("bert-base-uncased", "sequence-classification", labels).macsAt(L));
  // Per-layer MACs (each BertLayer, the pooler, the classifier) add up to the model's.
  assert.equal(
    m.layers.reduce((x, l) => x + (l.macs ?? 0), 0),
    m.forwardMacs,
  );
  assert.equal(m.layers.filter((l) => l.type === "BertLayer" && l.macs && l.macs > 0).length, 12);
  const r = only(a.runs);
  assert.ok(r.energyKWh && r.co2eKg && r.energyKWh.low > 0);
  // The forward trace prices the run; 6·N·D is reported beside it as the cross-check.
  assert.match(r.method ?? "", /3×forward×samples×epochs; cross-check 6×params×tokens/);
  const ratio = Number(/\(([\d.]+)× this\)/.exec(r.method!)![1]);
  assert.ok(ratio > 0.8 && ratio < 1.3, `6ND / traced = ${ratio}`);
});

test("roberta_mnli_frozen.py: embeddings and encoder.layer[:6] frozen through parameters() loops", () => {
  const { text, a } = analyze("test/fixtures/hf/roberta_mnli_frozen.py");
  const m = only(a.models);
  const labels = num(text, /num_labels=(\d+)/);
  const frozenLayers = num(text, /FROZEN_LAYERS = (\d+)/);
  const s = sized("roberta-base", "sequence-classification", labels);
  // RobertaForSequenceClassification: no pooler; classifier = dense(h, h) + out_proj(h, labels).
  assert.equal(m.params, truth("roberta-base") - (768 * 768 + 768) + (768 * 768 + 768) + 768 * labels + labels);
  const emb = s.breakdown.pieces.filter((p) => p.path.join(".").startsWith("roberta.embeddings"));
  const frozen = emb.reduce((x, p) => x + p.params, 0) + frozenLayers * s.breakdown.blocks[0].paramsEach;
  assert.equal(m.trainableParams, m.params - frozen);
  assert.deepEqual(m.inputShape, [num(text, /max_length=(\d+)/)]);
  const r = only(a.runs);
  assert.equal(r.spec.precision, "bf16-mixed");
  assert.ok(r.co2eKg);
});

test("bert_yelp_named_class.py: a named class with an org-prefixed checkpoint; requires_grad_(False) leaves pooler + head", () => {
  const { text, a } = analyze("test/fixtures/hf/bert_yelp_named_class.py");
  const m = only(a.models);
  const labels = num(text, /num_labels=(\d+)/);
  assert.equal(m.params, truth("bert-base-cased") + 768 * labels + labels);
  assert.equal(m.trainableParams, 768 * 768 + 768 + 768 * labels + labels);
  assert.equal(only(a.runs).spec.trainSamples, num(text, /select\(range\((\d+)\)\)/));
});

test("llama_lora_sft.py: peft LoRA r=16 on q_proj/v_proj gives peft's own trainable count; block_size sets the tokens", () => {
  const { text, a } = analyze("test/fixtures/hf/llama_lora_sft.py");
  const m = only(a.models);
  // peft's print_trainable_parameters() for this config prints
  // "trainable params: 8,388,608 || all params: 6,746,804,224": r × (in + out) × 2 modules × 32 layers.
  const r = num(text, /r=(\d+)/);
  assert.equal(m.trainableParams, r * (4096 + 4096) * 2 * 32);
  assert.equal(m.trainableParams, 8388608);
  assert.equal(m.params, truth("meta-llama/Llama-2-7b-hf") + 8388608);
  const block = num(text, /block_size = (\d+)/);
  assert.deepEqual(m.inputShape, [block]);
  const base = sized("meta-llama/Llama-2-7b-hf", "causal-lm", null).macsAt(block);
  assert.equal(m.forwardFlops, 2 * (base + 8388608 * block));
  const run = only(a.runs);
  assert.equal(run.spec.maxSteps, num(text, /max_steps=(\d+)/));
  assert.equal(run.spec.tokensPerSample, block);
  // Frozen base: backward skips weight gradients, so training costs less than 3× the forward.
  assert.match(run.method ?? "", /frozen parts/);
});

test("gpt2_medium_clm.py: block_size as a default argument of group_texts; tied LM head", () => {
  const { text, a } = analyze("test/fixtures/hf/gpt2_medium_clm.py");
  const m = only(a.models);
  assert.equal(m.params, truth("gpt2-medium"));
  assert.deepEqual(m.inputShape, [num(text, /BLOCK = (\d+)/)]);
  assert.ok(only(a.runs).co2eKg);
});

test("distilbert_from_config.py: from_config(AutoConfig(num_labels=4)) sizes the same architecture", () => {
  const { text, a } = analyze("test/fixtures/hf/distilbert_from_config.py");
  const m = only(a.models);
  const labels = num(text, /num_labels=(\d+)/);
  // DistilBertForSequenceClassification: pre_classifier(h, h) + classifier(h, labels) on the base model.
  assert.equal(m.params, truth("distilbert-base-uncased") + 768 * 768 + 768 + 768 * labels + labels);
  assert.deepEqual(m.inputShape, [num(text, /max_length=(\d+)/)]);
  assert.equal(only(a.runs).spec.epochs, num(text, /num_train_epochs=(\d+)/));
});

test("an uncatalogued checkpoint stays unknown and says so", async () => {
  const text = 'from transformers import AutoModel\nmodel = AutoModel.from_pretrained("my-org/private-encoder")\n';
  const facts = await run(text);
  assert.equal(facts.models.length, 0);
  assert.ok(facts.unknowns.some((u) => /not in the Hugging Face catalog/.test(u.message)));
});

test("bert_mrpc_custom_loop.py: model(**batch) in a PyTorch loop traces the forward at the batch's input_ids length", () => {
  const { text, a } = analyze("test/fixtures/hf/bert_mrpc_custom_loop.py");
  const m = only(a.models);
  const L = num(text, /max_length=(\d+)/);
  assert.deepEqual(m.inputShape, [L]);
  assert.equal(m.forwardFlops, 2 * sized("bert-base-uncased", "sequence-classification", 2).macsAt(L));
  const r = only(a.runs);
  assert.equal(r.spec.epochs, num(text, /EPOCHS = (\d+)/));
  assert.ok(r.co2eKg);
});

test("t5_xsum_seq2seq.py: the encoder runs at the source length, the decoder at the text_target length", () => {
  const { text, a } = analyze("test/fixtures/hf/t5_xsum_seq2seq.py");
  const m = only(a.models);
  assert.equal(m.params, truth("t5-base"));
  const src = num(text, /MAX_SOURCE = (\d+)/);
  const tgt = num(text, /MAX_TARGET = (\d+)/);
  assert.deepEqual(m.inputShape, [src]);
  const s = sized("t5-base", "seq2seq-lm", null);
  assert.equal(m.forwardFlops, 2 * s.macsAt(src, tgt));
  assert.ok(s.macsAt(src, tgt) < s.macsAt(src), "a short decoder costs less than one at the source length");
  const r = only(a.runs);
  assert.equal(r.spec.tokensPerSample, src);
  // The smaller-model what-if sizes t5-small at the same source and target lengths.
  const alt = r.spec.smallerModel!;
  assert.equal(alt.forwardFlops, 2 * sized("t5-small", "seq2seq-lm", null).macsAt(src, tgt));
});

test("a model the script never runs: the hint asks for tokens, and the input directive sizes the forward", async () => {
  const bare = 'from transformers import AutoModel\nmodel = AutoModel.from_pretrained("bert-base-uncased")\n';
  const m = only((await run(bare)).models);
  assert.equal(m.forwardFlops, null);
  assert.match(m.unknowns.map((u) => u.hint ?? "").join(" "), /input 128/);
  const withInput = only((await run(bare.replace("model =", "# footprint: input 256\nmodel ="))).models);
  assert.equal(withInput.forwardFlops, 2 * sized("bert-base-uncased", "base", null).macsAt(256));
});

test("model.base_model is the body under the head: freezing it leaves DistilBERT's pre_classifier + classifier", async () => {
  const text = [
    "from transformers import AutoModelForSequenceClassification",
    'model = AutoModelForSequenceClassification.from_pretrained("distilbert-base-uncased", num_labels=2)',
    "for p in model.base_model.parameters():",
    "    p.requires_grad = False",
    "",
  ].join("\n");
  const m = only((await run(text)).models);
  assert.equal(m.params, truth("distilbert-base-uncased") + 768 * 768 + 768 + 768 * 2 + 2);
  assert.equal(m.trainableParams, 768 * 768 + 768 + 768 * 2 + 2);
});

test("from_pretrained(torch_dtype=torch.bfloat16) in a hand-written loop trains in bf16 (no mixed-precision finding)", () => {
  const text = [
    "import torch",
    "from transformers import AutoModelForCausalLM",
    'model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B", torch_dtype=torch.bfloat16).cuda()',
    "opt = torch.optim.AdamW(model.parameters(), lr=1e-5)",
    "ids = torch.randint(0, 151936, (8, 1024))",
    "# footprint: samples 8000",
    "for step in range(1000):",
    "    loss = model(ids).loss",
    "    loss.backward()",
    "    opt.step()",
    "",
  ].join("\n");
  const a = analyzer.analyze({
    path: "/w/x.py",
    text,
    settings: DEFAULT_SETTINGS,
    workspace: EMPTY_WORKSPACE,
  }).analysis;
  const r = only(a.runs);
  assert.equal(r.spec.precision, "bf16");
  assert.equal(only(a.models).forwardFlops, 2 * sized("Qwen/Qwen2.5-0.5B", "causal-lm", null).macsAt(1024));
  assert.ok(!a.findings.some((f) => f.code === "FP110"));
});
