// peft's target_modules over the module paths each architecture really has: a list entry matches a
// full dotted name that equals it or ends with "." + entry; a string is re.fullmatch'ed against the
// full name (peft/tuners/tuners_utils.py, check_target_module_exists). Each expected count is
// r · (in + out) per adapted linear, summed over the modules written out beside it, or peft's own
// print_trainable_parameters() line where one is published.
import assert from "node:assert/strict";
import { test } from "node:test";
import { model, run } from "./evaluateHelpers";

const script = (ckpt: string, cls: string, lora: string, extra = "") =>
  [
    "from peft import LoraConfig, TaskType, get_peft_model",
    `from transformers import ${cls}`,
    `model = ${cls}.from_pretrained("${ckpt}"${extra})`,
    `model = get_peft_model(model, LoraConfig(${lora}))`,
    "",
  ].join("\n");
const lora = async (ckpt: string, cls: string, cfg: string, extra = "") => {
  const facts = await run(script(ckpt, cls, cfg, extra));
  return { m: model(facts, "model"), msgs: facts.unknowns.map((u) => u.message).join("\n") };
};
const T5 = "T5ForConditionalGeneration";

test("ViT (vit.encoder.layer.N.attention.attention.query): peft's image-classification guide, 667,493 of 86,543,818", async () => {
  // peft's guide (ViT-B/16, 101 food classes, r=16, query/value, modules_to_save=["classifier"]) prints
  // "trainable params: 667,493 || all params: 86,543,818": 12 × 2 × 16·(768+768) = 589,824 adapters plus
  // a copy of the classifier, 768·101 + 101 = 77,669.
  for (const targets of ['["query", "value"]', 'r".*attention\\.attention\\.(query|value)"']) {
    const { m } = await lora(
      "google/vit-base-patch16-224",
      "AutoModelForImageClassification",
      `r=16, lora_alpha=16, target_modules=${targets}, lora_dropout=0.1, bias="none", modules_to_save=["classifier"]`,
      ", num_labels=101, ignore_mismatched_sizes=True",
    );
    assert.equal(m.trainableParams, 667_493, targets);
    assert.equal(m.params, 86_543_818, targets);
  }
});

test("T5 (encoder.block.N.layer.0.SelfAttention.q): peft's default q/v gives 294,912; regexes pick sides and sublayers", async () => {
  // Default targets q, v: 6 encoder self-attention + 6 decoder self- and 6 cross-attention layers,
  // 36 modules × 8·(512+512) = 294,912 (peft prints "trainable params: 294,912 || all params: 60,801,536").
  const all = await lora("t5-small", T5, "task_type=TaskType.SEQ_2_SEQ_LM, r=8, lora_alpha=32, lora_dropout=0.1");
  assert.equal(all.m.trainableParams, 294_912);
  assert.equal(all.m.params, 60_801_536);
  // Self-attention only (encoder layer.0 and decoder layer.0): 12 × 2 × 8192 = 196,608.
  const self = await lora("t5-small", T5, 'r=8, target_modules=r".*SelfAttention\\.(q|v)"');
  assert.equal(self.m.trainableParams, 196_608);
  // Encoder q, k, v, o of every block: 6 × 4 × 8192; wo of the decoder's feed-forward (layer.2): 6 × 8·(2048+512).
  const enc = await lora(
    "t5-small",
    T5,
    'r=8, target_modules=r"encoder\\.block\\.\\d+\\.layer\\.0\\.SelfAttention\\.[qkvo]|decoder.*\\.layer\\.2\\.DenseReluDense\\.wo"',
  );
  assert.equal(enc.m.trainableParams, 6 * 4 * 8192 + 6 * 8 * (2048 + 512));
});

test("BART (model.encoder.layers.N.self_attn.q_proj): a list reaches self- and cross-attention, a regex one side", async () => {
  // q_proj, v_proj: 6 encoder self + 6 decoder self + 6 decoder encoder_attn, × 2, × 8·(768+768).
  const list = await lora("facebook/bart-base", "AutoModelForSeq2SeqLM", 'r=8, target_modules=["q_proj", "v_proj"]');
  assert.equal(list.m.trainableParams, 36 * 8 * 1536);
  const enc = await lora(
    "facebook/bart-base",
    "AutoModelForSeq2SeqLM",
    'r=16, target_modules=r"model\\.encoder\\.layers\\.\\d+\\.self_attn\\.(q_proj|v_proj)"',
  );
  assert.equal(enc.m.trainableParams, 12 * 16 * 1536);
  // fc1 (768 → 3072) and fc2 (3072 → 768) of the decoder only.
  const ffn = await lora(
    "facebook/bart-base",
    "AutoModelForSeq2SeqLM",
    'r=4, target_modules=r"model\\.decoder\\.layers\\.\\d+\\.fc[12]"',
  );
  assert.equal(ffn.m.trainableParams, 6 * 2 * 4 * (768 + 3072));
});

test("Whisper and CLIP: a regex over the full path also matches encoder_attn and picks one tower", async () => {
  // ".*encoder.*" matches model.encoder.layers.N.self_attn and model.decoder.layers.N.encoder_attn:
  // (4 + 4) layers × 2 × 32·(384+384).
  const w = await lora(
    "openai/whisper-tiny",
    "WhisperForConditionalGeneration",
    'r=32, lora_alpha=64, target_modules=r".*encoder.*\\.(q_proj|v_proj)"',
  );
  assert.equal(w.m.trainableParams, 16 * 32 * 768);
  const wl = await lora(
    "openai/whisper-tiny",
    "WhisperForConditionalGeneration",
    'r=32, target_modules=["q_proj", "v_proj"]',
  );
  assert.equal(wl.m.trainableParams, 24 * 32 * 768); // + the decoder's self-attention
  // vision_model.encoder.layers.N.self_attn.{q,v}_proj: 12 × 2 × 8·(768+768); the list adds the text tower's 12 × 2 × 8·1024.
  const v = await lora(
    "openai/clip-vit-base-patch32",
    "CLIPModel",
    'r=8, target_modules=r".*vision_model.*(q_proj|v_proj)"',
  );
  assert.equal(v.m.trainableParams, 24 * 8 * 1536);
  const both = await lora("openai/clip-vit-base-patch32", "CLIPModel", 'r=8, target_modules=["q_proj", "v_proj"]');
  assert.equal(both.m.trainableParams, 24 * 8 * 1536 + 24 * 8 * 1024);
});

test("list entries are suffixes of full names: 'dense' reaches BERT's pooler, dotted entries narrow", async () => {
  // attention.output.dense (768→768), intermediate.dense (768→3072), output.dense (3072→768) in 12 layers,
  // and bert.pooler.dense (768→768); classifier copied (SEQ_CLS): 768·2 + 2.
  const dense = await lora(
    "bert-base-uncased",
    "AutoModelForSequenceClassification",
    'task_type="SEQ_CLS", r=8, target_modules=["dense"]',
  );
  const perLayer = 8 * (1536 + 3840 + 3840);
  assert.equal(dense.m.trainableParams, 12 * perLayer + 8 * 1536 + 1538);
  const narrow = await lora(
    "bert-base-uncased",
    "AutoModelForSequenceClassification",
    'r=8, target_modules=["attention.output.dense"]',
  );
  assert.equal(narrow.m.trainableParams, 12 * 8 * 1536);
  // ALBERT's one shared layer is wrapped once: 2 × 8·(768+768) + classifier copy 768·2 + 2.
  const albert = await lora(
    "albert-base-v2",
    "AutoModelForSequenceClassification",
    'task_type=TaskType.SEQ_CLS, r=8, target_modules=r".*albert_layers\\.0\\.attention\\.(query|value)"',
  );
  assert.equal(albert.m.trainableParams, 2 * 8 * 1536 + 1538);
});

test("layers_to_transform reads peft's layer index from the full name", async () => {
  // bert.encoder.layer.{0,1}.attention.self.{query,value}: 4 × 8·1536.
  const b = await lora(
    "bert-base-uncased",
    "AutoModel",
    'r=8, target_modules=["query", "value"], layers_to_transform=[0, 1]',
  );
  assert.equal(b.m.trainableParams, 4 * 8 * 1536);
  // With a regex, peft does not read layers_to_transform: all 12 layers.
  const re = await lora(
    "bert-base-uncased",
    "AutoModel",
    'r=8, target_modules=r".*\\.(query|value)", layers_to_transform=[0, 1]',
  );
  assert.equal(re.m.trainableParams, 24 * 8 * 1536);
});

test("targets peft rejects or the analyzer does not size are unknown, naming the module", async () => {
  const container = await lora("bert-base-uncased", "AutoModel", 'r=8, target_modules=["attention"]');
  assert.equal(container.m.trainableParams, container.m.params);
  assert.match(container.msgs, /matches encoder\.layer\.0\.attention, a container module/);
  // An embedding whose table shape the architecture does not give (DeBERTa's relative positions) stays
  // unknown; word embeddings are sized (peft's LoRA Embedding layer, test/unit/hfQlora.test.ts).
  const emb = await lora("deberta-v3-base", "AutoModel", 'r=8, target_modules=["query_proj", "rel_embeddings"]');
  assert.match(emb.msgs, /matches encoder\.rel_embeddings, an embedding/);
  // BART's shared table (config.json: vocab_size 50265, d_model 768) takes r × (rows + dim) beside the
  // 18 q_proj adapters (6 encoder self-attention, 6 decoder self- and 6 cross-attention).
  const bart = await lora("facebook/bart-base", "AutoModelForSeq2SeqLM", 'r=8, target_modules=["q_proj", "shared"]');
  assert.equal(bart.m.trainableParams, 18 * 8 * (768 + 768) + 8 * (50265 + 768));
  const none = await lora("gpt2", "AutoModelForCausalLM", 'r=8, target_modules=["q_proj", "v_proj"]');
  assert.match(none.msgs, /matches no module of gpt2 \(peft raises ValueError\)/);
  assert.equal(none.m.trainableParams, none.m.params);
});

test("DoRA adds a magnitude vector per adapted linear; bias='all' and exclude_modules stay unknown", async () => {
  // peft's DoRA: lora_magnitude_vector of out_features beside A and B, so q/v of Llama-2-7b at r=8 is
  // 64 × (8·8192 + 4096).
  const d = await lora(
    "meta-llama/Llama-2-7b-hf",
    "AutoModelForCausalLM",
    'r=8, target_modules=["q_proj", "v_proj"], use_dora=True',
  );
  assert.equal(d.m.trainableParams, 64 * (8 * 8192 + 4096));
  const b = await lora("roberta-base", "AutoModelForSequenceClassification", 'r=8, bias="all"');
  assert.match(b.msgs, /LoRA adapters \(peft\): bias=all is not modelled/);
  const x = await lora("roberta-base", "AutoModel", 'r=8, target_modules=["query"], exclude_modules=["pooler"]');
  assert.match(x.msgs, /exclude_modules= is not modelled/);
});

test("all-linear on SEQ_CLS leaves out the classifier; adapters inside a saved head are unknown and flag the count", async () => {
  // BERT: 6 linears × 12 layers + bert.pooler.dense; the classifier itself is excluded and copied (768·2 + 2).
  // Per layer 4 × 8·(768+768) + 8·(768+3072) + 8·(3072+768); pooler 8·(768+768).
  const bert = await lora(
    "bert-base-uncased",
    "AutoModelForSequenceClassification",
    'task_type=TaskType.SEQ_CLS, r=8, target_modules="all-linear"',
    ", num_labels=2",
  );
  assert.equal(bert.m.trainableParams, 12 * (4 * 12288 + 2 * 30720) + 12288 + 1538);
  // RoBERTa's classifier is a module holding dense and out_proj: both are linears inside modules_to_save.
  const rob = await lora(
    "roberta-base",
    "AutoModelForSequenceClassification",
    'task_type=TaskType.SEQ_CLS, r=8, target_modules="all-linear"',
    ", num_labels=2",
  );
  assert.match(rob.msgs, /matches classifier\.dense, inside modules_to_save \(classifier, score\)/);
  assert.equal(rob.m.paramsInexact, "approximate");
});
