// Models built from scratch with RobertaConfig, AlbertConfig, DebertaV2Config, BartConfig, WhisperConfig
// and CLIPConfig (their own defaults from transformers' configuration_*.py, then the script's fields),
// and config overrides of catalogued checkpoints. Each expected count is the architecture's formula with
// the config's values written out (Linear(a, b) = a·b + b, LayerNorm(h) = 2h, Embedding(n, h) = n·h),
// cross-checked where a published count exists.
import assert from "node:assert/strict";
import { test } from "node:test";
import { linearParams as lin, model, run } from "./evaluateHelpers";

const LN = (h: number) => 2 * h;
const py = (imports: string, lines: string[]) => [`from transformers import ${imports}`, ...lines, ""].join("\n");
/** A BERT-style layer (q, k, v, o, FFN up/down, two LayerNorms). */
const bertLayer = (h: number, i: number) => 4 * lin(h, h) + lin(h, i) + lin(i, h) + 2 * LN(h);

test("RobertaConfig from scratch (run_mlm style): EsperBERTo's 6-layer RoBERTa is 83,504,416", async () => {
  const facts = await run(
    py("RobertaConfig, RobertaForMaskedLM", [
      "config = RobertaConfig(vocab_size=52_000, max_position_embeddings=514, num_attention_heads=12, num_hidden_layers=6, type_vocab_size=1)",
      "model = RobertaForMaskedLM(config=config)",
    ]),
  );
  // word 52000·768 + positions 514·768 + 1 token type·768 + LN, 6 layers, lm_head dense + LN + vocab bias
  // (decoder tied). The EsperBERTo blog printed "84 million": the same plus a 590,592 pooler that
  // RobertaForMaskedLM built until transformers 3.1 (add_pooling_layer=False since).
  const expected = (52000 + 514 + 1) * 768 + LN(768) + 6 * bertLayer(768, 3072) + lin(768, 768) + LN(768) + 52000;
  assert.equal(expected, 83_504_416);
  assert.equal(model(facts, "model").params, expected);
});

test("RobertaConfig() keeps BERT's 512 positions and 2 token types, unlike roberta-base's config.json", async () => {
  const facts = await run(py("RobertaConfig, RobertaModel", ["m = RobertaModel(RobertaConfig())"]));
  // vocab 50265, 512 positions, 2 token types, 12 layers, pooler.
  const expected = (50265 + 512 + 2) * 768 + LN(768) + 12 * bertLayer(768, 3072) + lin(768, 768);
  assert.equal(model(facts, "m").params, expected);
});

test("AlbertConfig: one shared layer; albert-base-v2's shape from scratch equals the catalogued checkpoint", async () => {
  const facts = await run(
    py("AlbertConfig, AlbertForMaskedLM, AlbertModel, AutoModelForMaskedLM", [
      "small = AlbertModel(AlbertConfig(hidden_size=768, num_attention_heads=12, intermediate_size=3072))",
      "mlm = AlbertForMaskedLM(AlbertConfig(hidden_size=768, num_attention_heads=12, intermediate_size=3072))",
      'ref = AutoModelForMaskedLM.from_pretrained("albert-base-v2")',
      "groups = AlbertModel(AlbertConfig(num_hidden_groups=2))",
    ]),
  );
  // Embeddings (30000 + 512 + 2) × 128 + LN(128); mapping 128 → 768; ONE layer (shared); pooler.
  const base = (30000 + 512 + 2) * 128 + LN(128) + lin(128, 768) + bertLayer(768, 3072) + lin(768, 768);
  assert.equal(base, 11_683_584); // AlbertModel albert-base-v2, model card "11M"
  assert.equal(model(facts, "small").params, base);
  // No pooler; predictions: LN(128) + dense 768 → 128 + vocab bias (decoder tied).
  const mlm = base - lin(768, 768) + LN(128) + lin(768, 128) + 30000;
  assert.equal(model(facts, "mlm").params, mlm);
  assert.equal(model(facts, "ref").params, mlm);
  assert.match(facts.unknowns.map((u) => u.message).join("\n"), /num_hidden_groups= may change the model's size/);
});

test("DebertaV2Config: absolute positions by default; relative attention with buckets and shared keys when asked", async () => {
  const facts = await run(
    py("DebertaV2Config, DebertaV2ForSequenceClassification, DebertaV2Model", [
      "plain = DebertaV2ForSequenceClassification(DebertaV2Config(hidden_size=384, num_hidden_layers=6, num_attention_heads=6, intermediate_size=1536))",
      "cfg = DebertaV2Config(vocab_size=128100, hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072,",
      "    relative_attention=True, position_buckets=256, norm_rel_ebd='layer_norm', share_att_key=True,",
      "    pos_att_type=['p2c', 'c2p'], position_biased_input=False, max_relative_positions=-1)",
      "v3 = DebertaV2Model(cfg)",
      "own = DebertaV2Model(DebertaV2Config(hidden_size=256, num_hidden_layers=2, num_attention_heads=4, intermediate_size=1024,",
      "    relative_attention=True, pos_att_type='c2p|p2c'))",
    ]),
  );
  // relative_attention=False, position_biased_input=True: word 128100 + 512 positions, LN, 6 layers,
  // pooler.dense and classifier (2 labels).
  const plain = (128100 + 512) * 384 + LN(384) + 6 * bertLayer(384, 1536) + lin(384, 384) + lin(384, 2);
  assert.equal(plain, 60_183_170);
  assert.equal(model(facts, "plain").params, plain);
  // deberta-v3-base's config.json values: 128100 × 768 words, 12 layers, 512 relative rows + LN = 183,831,552,
  // the DebertaV2Model count that peft's 185,310,724 total for deberta-v3-base pins (hfZooPeft.test.ts).
  const v3 = 128100 * 768 + LN(768) + 12 * bertLayer(768, 3072) + 512 * 768 + LN(768);
  assert.equal(v3, 183_831_552);
  assert.equal(model(facts, "v3").params, v3);
  // No buckets: 2 × max_position_embeddings (512) relative rows, no LayerNorm (norm_rel_ebd="none"), and
  // share_att_key=False gives each layer its own pos_key_proj and pos_query_proj (Linear(h, h)).
  const own = (128100 + 512) * 256 + LN(256) + 2 * (bertLayer(256, 1024) + 2 * lin(256, 256)) + 1024 * 256;
  assert.equal(model(facts, "own").params, own);
});

test("BartConfig / AutoConfig overrides: separate encoder and decoder depths and FFN widths", async () => {
  const facts = await run(
    py("AutoConfig, AutoModelForSeq2SeqLM, BartConfig, BartForConditionalGeneration", [
      "small = BartForConditionalGeneration(BartConfig(d_model=512, encoder_layers=3, decoder_layers=3, encoder_ffn_dim=2048, decoder_ffn_dim=2048, encoder_attention_heads=8, decoder_attention_heads=8))",
      'cfg = AutoConfig.from_pretrained("facebook/bart-base", encoder_layers=3, decoder_ffn_dim=1024)',
      "shallow = AutoModelForSeq2SeqLM.from_config(cfg)",
      'base = AutoModelForSeq2SeqLM.from_pretrained("facebook/bart-base")',
    ]),
  );
  const d = 512;
  const enc = (w: number, f: number) => 4 * lin(w, w) + lin(w, f) + lin(f, w) + 2 * LN(w);
  const dec = (w: number, f: number) => 8 * lin(w, w) + lin(w, f) + lin(f, w) + 3 * LN(w);
  // shared 50265 × d, two learned position tables of 1024 + 2 rows, two embedding LayerNorms; lm_head tied.
  const embed = (w: number) => 50265 * w + 2 * 1026 * w + 2 * LN(w);
  assert.equal(model(facts, "small").params, embed(d) + 3 * enc(d, 2048) + 3 * dec(d, 2048));
  assert.equal(model(facts, "base").params, embed(768) + 6 * enc(768, 3072) + 6 * dec(768, 3072));
  assert.equal(model(facts, "base").params, 139_420_416); // facebook/bart-base, model card "140M"
  assert.equal(model(facts, "shallow").params, embed(768) + 3 * enc(768, 3072) + 6 * dec(768, 1024));
});

test("WhisperConfig: defaults are whisper-tiny; d_model, depths, mel bins and source positions are read", async () => {
  const facts = await run(
    py("AutoModel, WhisperConfig, WhisperForConditionalGeneration", [
      "tiny = WhisperForConditionalGeneration(WhisperConfig())",
      "small = AutoModel.from_config(WhisperConfig(d_model=256, encoder_layers=2, decoder_layers=2, num_mel_bins=128, max_source_positions=750))",
    ]),
  );
  // k_proj has no bias: attention = 4·d² + 3·d.
  const attn = (d: number) => 4 * d * d + 3 * d;
  const ffn = (d: number, f: number) => lin(d, f) + lin(f, d);
  const whisper = (d: number, L: number, f: number, mel: number, frames: number) =>
    lin(3 * mel, d) +
    lin(3 * d, d) +
    frames * d +
    L * (attn(d) + ffn(d, f) + 2 * LN(d)) +
    LN(d) +
    51865 * d +
    448 * d +
    L * (2 * attn(d) + ffn(d, f) + 3 * LN(d)) +
    LN(d);
  assert.equal(whisper(384, 4, 1536, 80, 1500), 37_760_640); // openai/whisper-tiny, model card "39M"
  assert.equal(model(facts, "tiny").params, 37_760_640);
  assert.equal(model(facts, "small").params, whisper(256, 2, 1536, 128, 750));
});

test("CLIPConfig with text_config / vision_config dicts and CLIPTextConfig objects", async () => {
  const facts = await run(
    py("CLIPConfig, CLIPModel, CLIPTextConfig, CLIPVisionConfig", [
      'c = CLIPModel(CLIPConfig(text_config={"hidden_size": 256, "intermediate_size": 1024}, vision_config={"hidden_size": 384, "intermediate_size": 1536, "patch_size": 16}, projection_dim=256))',
      "t = CLIPTextConfig(num_hidden_layers=6)",
      "v = CLIPVisionConfig(image_size=96, num_hidden_layers=6)",
      "c2 = CLIPModel(CLIPConfig(text_config=t.to_dict(), vision_config=v.to_dict()))",
      "c3 = CLIPModel(CLIPConfig(text_config=t, vision_config=v))",
      "d = CLIPModel(CLIPConfig())",
    ]),
  );
  const layer = (h: number, i: number) => 4 * lin(h, h) + lin(h, i) + lin(i, h) + 2 * LN(h);
  const clip = (
    th: number,
    ti: number,
    tl: number,
    vh: number,
    vi: number,
    vl: number,
    side: number,
    patch: number,
    proj: number,
  ) => {
    const patches = (side / patch) ** 2;
    const text = (49408 + 77) * th + tl * layer(th, ti) + LN(th);
    const vision = 3 * patch * patch * vh + vh + (patches + 1) * vh + LN(vh) + vl * layer(vh, vi) + LN(vh);
    return text + vision + vh * proj + th * proj + 1; // projections without bias, logit_scale
  };
  assert.equal(model(facts, "c").params, clip(256, 1024, 12, 384, 1536, 12, 224, 16, 256));
  assert.equal(model(facts, "c3").params, clip(512, 2048, 6, 768, 3072, 6, 96, 32, 512));
  assert.equal(clip(512, 2048, 12, 768, 3072, 12, 224, 32, 512), 151_277_313); // clip-vit-base-patch32, card "151M"
  assert.equal(model(facts, "d").params, 151_277_313);
  // `.to_dict()` of a config object is not modelled: unknown, naming the key.
  assert.throws(() => model(facts, "c2"));
  assert.match(facts.unknowns.map((u) => u.message).join("\n"), /text_config= may change the model's size/);
});

test("a config key the layout does not model stays unknown, naming it", async () => {
  const facts = await run(
    py("AutoConfig, AutoModelForSequenceClassification, DebertaV2Config, DebertaV2Model", [
      'a = AutoModelForSequenceClassification.from_pretrained("microsoft/deberta-v3-base", conv_kernel_size=3)',
      "b = DebertaV2Model(DebertaV2Config(embedding_size=128))",
      'c = AutoModelForSequenceClassification.from_pretrained("roberta-base", num_hidden_layers=n_layers)',
    ]),
  );
  const msgs = facts.unknowns.map((u) => u.message).join("\n");
  for (const name of ["a", "b", "c"]) assert.throws(() => model(facts, name));
  assert.match(msgs, /override conv_kernel_size= may change/);
  assert.match(msgs, /override embedding_size= may change/);
  assert.match(msgs, /override num_hidden_layers= may change/);
});

test("Whisper: the encoder's sinusoidal positions never train; freeze_encoder() freezes the whole audio encoder", async () => {
  const facts = await run(
    py("WhisperForConditionalGeneration", [
      'full = WhisperForConditionalGeneration.from_pretrained("openai/whisper-tiny")',
      'dec = WhisperForConditionalGeneration.from_pretrained("openai/whisper-tiny")',
      "dec.freeze_encoder()",
    ]),
  );
  // WhisperEncoder calls embed_positions.requires_grad_(False): 1500 × 384 stay frozen.
  assert.equal(model(facts, "full").trainableParams, 37_760_640 - 1500 * 384);
  // Encoder: conv1 (80·3 → 384), conv2 (384·3 → 384), positions, 4 layers (k_proj without bias), final LN.
  const layer = 4 * 384 * 384 + 3 * 384 + lin(384, 1536) + lin(1536, 384) + 2 * LN(384);
  const encoder = lin(240, 384) + lin(1152, 384) + 1500 * 384 + 4 * layer + LN(384);
  assert.equal(model(facts, "dec").trainableParams, 37_760_640 - encoder);
});

test("config fields read back as transformers returns them: set, inherited from the checkpoint, or the class default", async () => {
  const facts = await run(
    [
      "import torch.nn as nn",
      "from transformers import AutoConfig, AutoModel, BartConfig",
      'cfg = AutoConfig.from_pretrained("roberta-base", num_hidden_layers=6)',
      "a = nn.Linear(cfg.hidden_size, cfg.num_hidden_layers)",
      "bc = BartConfig(d_model=512)",
      "b = nn.Linear(bc.d_model, bc.encoder_layers)",
      'm = AutoModel.from_pretrained("facebook/bart-base")',
      "c = nn.Linear(m.config.d_model, m.config.decoder_layers)",
      "",
    ].join("\n"),
  );
  assert.equal(model(facts, "a").params, lin(768, 6)); // roberta-base hidden_size 768, the override's 6 layers
  assert.equal(model(facts, "b").params, lin(512, 12)); // BartConfig's default encoder_layers=12
  assert.equal(model(facts, "c").params, lin(768, 6)); // facebook/bart-base: d_model 768, decoder_layers 6
});
