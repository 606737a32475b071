// The Hugging Face catalog against its sources: every row's computed count for the published class
// equals the exact ground truth (model_ground_truth.csv) or lies within the stated rounding of the
// published figure; heads and FLOPs are checked against figures derived from real PyTorch oracles.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { torchvisionZoo } from "../../server/src/analysis/frameworks/torch/zooData";
import { findCheckpoint, hfRows, sizeCheckpoint } from "../../server/src/analysis/frameworks/transformers/hfZoo";
import { linearParams, model, run } from "./evaluateHelpers";

const CSV = readFileSync(join(process.cwd(), "server/src/analysis/frameworks/zoo/data/model_ground_truth.csv"), "utf8");
/** transformers rows of the ground truth: model, params_exact, non_embedding_params, notes. */
const truth = CSV.split("\n")
  .filter((l) => l.startsWith("transformers,"))
  .map((l) => {
    const [, model, exact, , nonEmb] = l.split(",");
    return { model, exact: Number(exact), nonEmb: Number(nonEmb), notes: l };
  });

const sized = (name: string, task: string, labels: number | null = null) => {
  const row = findCheckpoint(name);
  assert.ok(row, `${name} in the catalog`);
  const s = sizeCheckpoint(row, task, labels);
  assert.ok(s, `${name} has a ${task} head`);
  return s;
};

test("every ground-truth transformers row is catalogued and its exact count (and non-embedding count) is reproduced", () => {
  assert.ok(truth.length >= 19);
  for (const t of truth) {
    const row = findCheckpoint(t.model);
    assert.ok(row, t.model);
    const s = sized(t.model, row.published.task);
    assert.equal(s.params, t.exact, t.model);
    assert.equal(s.nonEmbeddingParams, t.nonEmb, `${t.model} non-embedding`);
  }
});

test("every catalog row matches its recorded published figure within the rounding the row states", () => {
  for (const r of hfRows()) {
    const s = sized(r.id, r.published.task, r.config.numLabels ?? null);
    const d = s.params - r.published.params;
    assert.ok(r.published.source.length > 10, `${r.id} cites a source`);
    assert.ok(r.configSource.startsWith("https://huggingface.co/"), `${r.id} cites its config.json`);
    if (r.published.tolerance === 0) assert.equal(s.params, r.published.params, r.id);
    else if (r.published.rounding === "truncated")
      assert.ok(d >= 0 && d < r.published.tolerance, `${r.id}: ${s.params} truncates to ${r.published.params}`);
    else assert.ok(Math.abs(d) <= r.published.tolerance, `${r.id}: ${s.params} vs ${r.published.params}`);
    if (r.published.nonEmbedding !== undefined) {
      const e = s.nonEmbeddingParams - r.published.nonEmbedding;
      // The same card rounds its non-embedding figure to the nearest 0.01B (0.358B → 0.36B).
      assert.ok(Math.abs(e) <= 5e6, `${r.id}: non-embedding ${s.nonEmbeddingParams}`);
    }
  }
});

test("bert-large-cased differs from the exact uncased count by its smaller vocabulary only", () => {
  const uncased = truth.find((t) => t.model === "bert-large-uncased")!.exact;
  const cased = findCheckpoint("bert-large-cased")!.config;
  const uncasedVocab = findCheckpoint("bert-large-uncased")!.config.vocab;
  assert.equal(sized("bert-large-cased", "base").params, uncased - (uncasedVocab - cased.vocab) * cased.hidden);
});

test("heads: BertForMaskedLM from the ground-truth note, classifier heads per family", () => {
  const mlm = /BertForMaskedLM = ([\d,]+)/.exec(truth.find((t) => t.model === "bert-base-uncased")!.notes)![1];
  assert.equal(sized("bert-base-uncased", "masked-lm").params, Number(mlm.replaceAll(",", "")));
  const base = sized("bert-base-uncased", "base").params;
  const h = 768;
  // BertForSequenceClassification keeps the pooler and adds Linear(h, num_labels).
  assert.equal(sized("bert-base-uncased", "sequence-classification", 3).params, base + h * 3 + 3);
  // Token classification drops the pooler (add_pooling_layer=False).
  assert.equal(sized("bert-base-uncased", "token-classification", 9).params, base - (h * h + h) + h * 9 + 9);
  // RoBERTa's classification head is dense + out_proj on <s>, without the pooler.
  const rb = sized("roberta-base", "base").params;
  assert.equal(sized("roberta-base", "sequence-classification", 2).params, rb + 2 * 768 + 2);
  // GPT-2's LM head is tied: GPT2LMHeadModel has the base model's count; Llama's is a second table.
  assert.equal(sized("gpt2", "causal-lm").params, sized("gpt2", "base").params);
  assert.equal(sized("meta-llama/Llama-2-7b-hf", "base").params, 6738415616 - 32000 * 4096);
  // Org-prefixed and bare aliases find the same row.
  assert.equal(findCheckpoint("google-bert/bert-base-uncased")?.id, "bert-base-uncased");
  assert.equal(findCheckpoint("Llama-2-7b-hf")?.id, "meta-llama/Llama-2-7b-hf");
});

test("FLOPs: ViT-B/16 MACs equal the torchvision oracle (real PyTorch aten count) for the same architecture", () => {
  const vit = sized("google/vit-base-patch16-224", "image-classification", 1000);
  assert.equal(vit.params, 86567656);
  assert.equal(vit.macsAt(197), torchvisionZoo().vit_b_16.macs["224"].macs);
});

test("FLOPs per token: linear MACs = non-embedding weights; attention adds 2·L·hidden per layer", () => {
  const g = sized("gpt2", "base");
  const L = 1024;
  const perToken = g.macsAt(L) / L;
  // Weight matrices only (no biases, no LayerNorms) plus QKᵀ and AV over L keys in each of 12 layers.
  const weights = 12 * (4 * 768 * 768 + 2 * 768 * 3072);
  assert.equal(perToken, weights + 12 * 2 * L * 768);
  // Kaplan et al. 2020: forward ≈ 2N + 2·n_layer·n_ctx·d_attn FLOPs per token; here both attention matmuls count;
  // N also holds biases and LayerNorms (0.1% of it), which the MAC count leaves out.
  assert.ok(Math.abs(2 * perToken - (2 * g.nonEmbeddingParams + 4 * 12 * L * 768)) / (2 * perToken) < 0.005);
});

test("distilbert-base-cased differs from the exact uncased count by its vocabulary only", () => {
  const uncased = truth.find((t) => t.model === "distilbert-base-uncased")!.exact;
  const cased = findCheckpoint("distilbert-base-cased")!.config;
  const uncasedVocab = findCheckpoint("distilbert-base-uncased")!.config.vocab;
  assert.equal(sized("distilbert-base-cased", "base").params, uncased - (uncasedVocab - cased.vocab) * cased.hidden);
});

// Models built from config objects, config overrides and the extra head classes. Expected counts are
// transformers' parameter counts from the exact formulas in the tester's truth_hf.py (bert / llama / vit
// / t5 helpers, themselves checked there against the published bert-base, t5-small and ViT-B/16 counts).
const hfScript = (imports: string, lines: string[]) => [`from transformers import ${imports}`, ...lines, ""].join("\n");

test("XFor…(XConfig(...)) and from_config(XConfig(...)) size the model from the config's fields", async () => {
  const facts = await run(
    hfScript(
      "BertConfig, BertForSequenceClassification, LlamaConfig, LlamaForCausalLM, ViTConfig, ViTForImageClassification, AutoModelForCausalLM, GPT2Config, GPT2LMHeadModel",
      [
        "bert = BertForSequenceClassification(BertConfig(vocab_size=10000, hidden_size=256, num_hidden_layers=4, num_attention_heads=4, intermediate_size=1024, max_position_embeddings=128))",
        "llama = LlamaForCausalLM(LlamaConfig(vocab_size=32000, hidden_size=512, intermediate_size=1376, num_hidden_layers=8, num_attention_heads=8, num_key_value_heads=2))",
        "vit = ViTForImageClassification(ViTConfig(image_size=32, patch_size=4, hidden_size=192, num_hidden_layers=6, num_attention_heads=3, intermediate_size=768, num_labels=10))",
        "cfg = LlamaConfig(vocab_size=32000, hidden_size=512, intermediate_size=1376, num_hidden_layers=8, num_attention_heads=8, num_key_value_heads=2)",
        "llama2 = AutoModelForCausalLM.from_config(cfg)",
        "g = GPT2LMHeadModel(GPT2Config(n_layer=4, n_embd=256, n_head=4))",
      ],
    ),
  );
  assert.equal(model(facts, "bert").params, 5_819_138); // bert(10000, 256, 4, 1024, 128) + lin(256, 2)
  assert.equal(model(facts, "llama").params, 54_927_872); // llama(32000, 512, 1376, 8, 8, 2), untied
  assert.equal(model(facts, "llama2").params, 54_927_872);
  assert.equal(model(facts, "vit").params, 2_693_578); // vit(32, 4, 192, 6, 768, 10)
  // GPT-2 with n_inner=None: the MLP is 4 × n_embd; tied head.
  const h = 256;
  const layer = 4 * h + linearParams(h, 3 * h) + linearParams(h, h) + linearParams(h, 4 * h) + linearParams(4 * h, h);
  assert.equal(model(facts, "g").params, 50257 * h + 1024 * h + 4 * layer + 2 * h);
});

test("config overrides: AutoConfig.from_pretrained(..., n_layer=6), from_pretrained(..., num_hidden_layers=6), cfg.n_layer = 6", async () => {
  const facts = await run(
    hfScript("AutoConfig, AutoModelForCausalLM, AutoModelForSequenceClassification", [
      'cfg = AutoConfig.from_pretrained("gpt2", n_layer=6)',
      "small = AutoModelForCausalLM.from_config(cfg)",
      'shallow = AutoModelForSequenceClassification.from_pretrained("bert-base-uncased", num_hidden_layers=6, num_labels=2)',
      'c2 = AutoConfig.from_pretrained("gpt2")',
      "c2.n_layer = 6",
      "small2 = AutoModelForCausalLM.from_config(c2)",
      'small3 = AutoModelForCausalLM.from_pretrained("gpt2", config=cfg)',
    ]),
  );
  // 124,439,808 less 6 GPT-2 blocks; bert(30522, 768, 6, 3072, 512) + lin(768, 2).
  assert.equal(model(facts, "small").params, 81_912_576);
  assert.equal(model(facts, "small2").params, 81_912_576);
  assert.equal(model(facts, "small3").params, 81_912_576);
  assert.equal(model(facts, "shallow").params, 66_956_546);
});

test("an override the sizing does not read leaves the size unknown, naming it, instead of the checkpoint's count", async () => {
  const facts = await run(
    hfScript("AutoModelForSequenceClassification, MarianConfig, MarianMTModel", [
      'm = AutoModelForSequenceClassification.from_pretrained("bert-base-uncased", position_embedding_type="relative_key")',
      "r = MarianMTModel(MarianConfig(encoder_layers=2))",
      'ok = AutoModelForSequenceClassification.from_pretrained("bert-base-uncased", hidden_dropout_prob=0.2, num_labels=2)',
    ]),
  );
  assert.throws(() => model(facts, "m"));
  assert.throws(() => model(facts, "r"));
  assert.equal(model(facts, "ok").params, 109_483_778);
  const msgs = facts.unknowns.map((u) => u.message).join("\n");
  assert.match(msgs, /config override position_embedding_type= may change the model's size/);
  assert.match(msgs, /built from MarianConfig is not modelled/);
});

test("head classes: T5EncoderModel, BertForPreTraining, BertForNextSentencePrediction; unmodelled parts are unknown", async () => {
  const facts = await run(
    hfScript("T5EncoderModel, BertForPreTraining, BertForNextSentencePrediction, CLIPTextModel", [
      'enc = T5EncoderModel.from_pretrained("t5-small")',
      'pre = BertForPreTraining.from_pretrained("bert-base-uncased")',
      'nsp = BertForNextSentencePrediction.from_pretrained("bert-base-uncased")',
      'txt = CLIPTextModel.from_pretrained("openai/clip-vit-base-patch32")',
    ]),
  );
  assert.equal(model(facts, "enc").params, 35_330_816); // t5(32128, 512, 6, 2048, 8, 64, decoder=False)
  assert.equal(model(facts, "pre").params, 110_106_428); // bert-base + MLM transform/bias + lin(768, 2)
  assert.equal(model(facts, "nsp").params, 109_483_778); // bert-base + lin(768, 2)
  assert.throws(() => model(facts, "txt"));
  assert.match(facts.unknowns.map((u) => u.message).join("\n"), /CLIPTextModel head\/part is not modelled/);
});

// ALBERT v2 and DeBERTa-v3 sizes, written out from each checkpoint's config.json (the row's configSource):
// the catalog row must hold those values and the module count must be the formula of transformers' modules.
const lin = (i: number, o: number) => linearParams(i, o);
/** One BERT-style layer: q/k/v/output projections, FFN in and out, two LayerNorms (weight + bias). */
const encoderLayer = (h: number, inter: number) => 4 * lin(h, h) + lin(h, inter) + lin(inter, h) + 2 * (2 * h);

test("ALBERT v2 sizes: factorised embeddings (E = 128), one shared layer, pooler", () => {
  // config.json of albert/albert-{size}-v2: vocab_size 30000, embedding_size 128, max_position_embeddings 512,
  // type_vocab_size 2, num_hidden_groups 1, inner_group_num 1.
  const sizes: Array<[string, number, number, number]> = [
    ["albert-base-v2", 768, 12, 3072],
    ["albert-large-v2", 1024, 24, 4096],
    ["albert-xlarge-v2", 2048, 24, 8192],
    ["albert-xxlarge-v2", 4096, 12, 16384],
  ];
  const V = 30000;
  const E = 128;
  for (const [id, h, layers, inter] of sizes) {
    const c = findCheckpoint(id)!.config;
    assert.deepEqual([c.hidden, c.layers, c.intermediate, c.embeddingSize, c.vocab], [h, layers, inter, E, V], id);
    // word + position + token-type tables (E wide) and their LayerNorm, the E → h mapping, the one
    // AlbertLayer whatever num_hidden_layers says, the pooler.
    const expected = (V + 512 + 2) * E + 2 * E + lin(E, h) + encoderLayer(h, inter) + lin(h, h);
    assert.equal(sized(id, "base").params, expected, id);
  }
  // Sharing saves weights, not work: the one layer runs num_hidden_layers times per token.
  const [h, inter, t] = [4096, 16384, 512];
  const macs = t * (E * h + 12 * (4 * h * h + 2 * h * inter)) + 12 * 2 * t * t * h + h * h;
  assert.equal(sized("albert-xxlarge-v2", "base").macsAt(t), macs);
});

test("DeBERTa-v3 sizes: word embeddings only, 2 × 256 relative rows shared by every layer", () => {
  // config.json of microsoft/deberta-v3-{size}: vocab_size 128100, type_vocab_size 0, position_biased_input
  // false, relative_attention true, position_buckets 256, share_att_key true, norm_rel_ebd "layer_norm".
  const sizes: Array<[string, number, number, number]> = [
    ["deberta-v3-xsmall", 384, 12, 1536],
    ["deberta-v3-small", 768, 6, 3072],
    ["deberta-v3-base", 768, 12, 3072],
    ["deberta-v3-large", 1024, 24, 4096],
  ];
  const V = 128100;
  for (const [id, h, layers, inter] of sizes) {
    const c = findCheckpoint(id)!.config;
    assert.deepEqual([c.hidden, c.layers, c.intermediate, c.vocab, c.relBuckets], [h, layers, inter, V, 256], id);
    // word_embeddings + embeddings.LayerNorm, the layers, encoder.rel_embeddings (2 × 256) + encoder.LayerNorm.
    const s = sized(id, "base");
    assert.equal(s.params, V * h + 2 * h + layers * encoderLayer(h, inter) + 2 * 256 * h + 2 * h, id);
    assert.equal(s.nonEmbeddingParams, s.params - V * h, `${id}: only the word table is an embedding`);
  }
  // Per layer and token the c2p and p2c projections of the 512 relative rows add 2 · 512 · h MACs, and
  // projecting the rows themselves costs 2 · 512 · h² per layer and sample (hfArch.ts, rel_embeddings).
  const [h, inter, L, t] = [1024, 4096, 24, 256];
  const perToken = L * (4 * h * h + 2 * h * inter + 2 * 512 * h);
  const macs = t * perToken + L * 2 * t * t * h + 2 * 512 * h * h * L;
  assert.equal(sized("deberta-v3-large", "base").macsAt(t), macs);
});
