// Parameters and multiply-accumulates of a Hugging Face checkpoint from its config.json numbers:
// one formula per architecture family (encoder, decoder, encoder–decoder, gated-MLP/GQA decoder)
// with the task head the script asks for. Module paths follow transformers' own attribute names so
// `model.bert.encoder.layer[:8]` and peft's target module names mean what they mean in the library.
import { debertaLayout } from "./hfConfigFields";
import { decoderFamily, encDecFamily } from "./hfArchSeq";

/** One row of frameworks/zoo/data/huggingface.json: config.json values, as transformers names them. */
export interface HfConfig {
  family: string;
  vocab: number;
  hidden: number;
  layers: number;
  heads: number;
  intermediate: number;
  maxPositions: number;
  kvHeads?: number;
  headDim?: number;
  typeVocab?: number;
  embeddingSize?: number;
  decoderLayers?: number;
  /** BART / Whisper: the decoder's FFN width when it differs from the encoder's (decoder_ffn_dim). */
  decoderIntermediate?: number;
  /** Whisper: encoder positions (max_source_positions, 1500 = 30 s) and log-mel bins (num_mel_bins). */
  sourcePositions?: number;
  melBins?: number;
  /** DeBERTa-v2/v3 relative-attention layout; absent: the catalogued v3 layout (hfConfigFields.debertaLayout). */
  deberta?: DebertaLayout;
  tied?: boolean;
  gated?: boolean;
  qkvBias?: boolean;
  relBuckets?: number;
  imageSize?: number;
  patchSize?: number;
  numLabels?: number;
  /** CLIP: the vision tower's own sizes. */
  vision?: {
    hidden: number;
    layers: number;
    heads: number;
    intermediate: number;
    imageSize: number;
    patchSize: number;
    /** num_channels (3 when absent). */
    channels?: number;
  };
  projectionDim?: number;
}

/**
 * DebertaV2Config's keys as modeling_deberta_v2.py reads them: relative_attention, position_buckets,
 * max_relative_positions, norm_rel_ebd ("layer_norm"), share_att_key, pos_att_type, position_biased_input.
 */
export interface DebertaLayout {
  relative: boolean;
  buckets: number;
  maxRelative: number;
  normRel: boolean;
  shareKeys: boolean;
  posAtt: string[];
  biasedInput: boolean;
}

/** A linear layer peft can wrap: its name as peft's target_modules match it, in and out features. */
export interface HfLinear {
  name: string;
  in: number;
  out: number;
}

/** A stack of identical layers (`bert.encoder.layer`): per-layer params and MACs per token. */
export interface HfBlock {
  path: string[];
  count: number;
  paramsEach: number;
  macsPerToken: number;
  /** Width of the attention (heads × head_dim): QKᵀ and AV cost 2 × inner MACs per token pair. */
  attnInner: number;
  crossAttnInner?: number;
  /** Keys the cross-attention spans when they are not the script's tokens (Whisper's 1500 frames). */
  crossTokens?: number;
  linears: HfLinear[];
  /** ALBERT shares one layer's weights across all its repeats. */
  shared?: boolean;
  /** Token stream the stack runs on: the script's sequence, or a fixed count (ViT patches, Whisper frames). */
  fixedTokens?: number;
  /** Parameters of the first layer only (T5's relative attention bias). */
  firstExtra?: number;
  /** Runs on the decoder's (target) tokens of an encoder–decoder. */
  decoder?: boolean;
}

/** Anything else: embeddings, final norms, pooler, heads. `perSample` ones run once per sequence. */
export interface HfPiece {
  path: string[];
  params: number;
  macsPerToken: number;
  perSample?: boolean;
  fixedTokens?: number;
  /** Part of the task head (trainable when the base model is frozen by peft). */
  head?: boolean;
  /** Word/position/type embedding tables: what "non-embedding parameters" leave out. */
  embedding?: boolean;
  /** torch class of the leaf module ("Embedding"), so input hints and layer tables read like the real model. */
  type?: string;
  /** An nn.Embedding's num_embeddings × embedding_dim (peft can put LoRA on it). */
  table?: { rows: number; dim: number };
  /** Runs on the decoder's (target) tokens of an encoder–decoder. */
  decoder?: boolean;
  /** Built with requires_grad=False by transformers (Whisper's sinusoidal encoder positions). */
  frozen?: boolean;
  /** The linear layers the piece is made of, named below its path ("" for the piece itself), as peft sees them. */
  linears?: HfLinear[];
}

export interface HfBreakdown {
  /** Attribute of the base model inside a task model ("bert", "transformer", "model"); null when the model is the base. */
  prefix: string | null;
  pieces: HfPiece[];
  blocks: HfBlock[];
  /** The head the formulas used (a task the family has no head for falls back to the base model). */
  task: string;
  numLabels: number;
  notes: string[];
}

const lin = (i: number, o: number, bias = true) => i * o + (bias ? o : 0);
const LN = (h: number) => 2 * h;
/** A piece that is itself one linear layer. */
export const self = (i: number, o: number): HfLinear => ({ name: "", in: i, out: o });

export function totalParams(b: HfBreakdown): number {
  let n = 0;
  for (const p of b.pieces) n += p.params;
  for (const k of b.blocks) n += (k.shared ? 1 : k.count) * k.paramsEach + (k.firstExtra ?? 0);
  return n;
}

export function embeddingParams(b: HfBreakdown): number {
  return b.pieces.filter((p) => p.embedding).reduce((a, p) => a + p.params, 0);
}

/**
 * Forward MACs for one sample: linear layers per token plus the L×L attention matmuls. Encoder–decoders
 * run their decoder parts on `decoderTokens` (the labels' length), cross-attention spanning the encoder's.
 */
export function forwardMacs(b: HfBreakdown, tokens: number, decoderTokens = tokens): number {
  let macs = 0;
  for (const p of b.pieces)
    macs += p.perSample ? p.macsPerToken : p.macsPerToken * (p.fixedTokens ?? (p.decoder ? decoderTokens : tokens));
  for (const k of b.blocks) {
    const t = k.fixedTokens ?? (k.decoder ? decoderTokens : tokens);
    // Eager/SDPA-math attention computes the full L×L score and weighted-sum matrices (a causal mask
    // zeroes half of them after the fact), so both matmuls are charged in full.
    const attn = 2 * t * t * k.attnInner + 2 * t * (k.crossTokens ?? tokens) * (k.crossAttnInner ?? 0);
    macs += k.count * (k.macsPerToken * t + attn);
  }
  return macs;
}

/** The BERT-style encoder layer (BERT, RoBERTa, DistilBERT, ALBERT, DeBERTa, ViT): q/k/v/o, FFN, two LayerNorms. */
export function bertLayer(h: number, inter: number, names: string[]) {
  const [q, k, v, o, up, down] = names;
  return {
    paramsEach: 4 * lin(h, h) + lin(h, inter) + lin(inter, h) + 2 * LN(h),
    macsPerToken: 4 * h * h + 2 * h * inter,
    linears: [
      { name: q, in: h, out: h },
      { name: k, in: h, out: h },
      { name: v, in: h, out: h },
      { name: o, in: h, out: h },
      { name: up, in: h, out: inter },
      { name: down, in: inter, out: h },
    ],
  };
}

/**
 * Linear layers inside one encoder layer, at their paths below the layer (`bert.encoder.layer.3.` + name),
 * as each modeling file names its submodules: peft matches target_modules against these full paths.
 */
const LAYER_LINEARS: Record<string, string[]> = {
  bert: [
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
  ],
  // ViTLayer: ViTAttention holds ViTSelfAttention as `attention` and ViTSelfOutput as `output`.
  vit: [
    "attention.attention.query",
    "attention.attention.key",
    "attention.attention.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
  ],
  distilbert: ["attention.q_lin", "attention.k_lin", "attention.v_lin", "attention.out_lin", "ffn.lin1", "ffn.lin2"],
  // The one AlbertLayer of the one AlbertLayerGroup: AlbertAttention keeps its output projection as `dense`.
  albert: [
    "albert_layers.0.attention.query",
    "albert_layers.0.attention.key",
    "albert_layers.0.attention.value",
    "albert_layers.0.attention.dense",
    "albert_layers.0.ffn",
    "albert_layers.0.ffn_output",
  ],
  "deberta-v2": [
    "attention.self.query_proj",
    "attention.self.key_proj",
    "attention.self.value_proj",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
  ],
};
LAYER_LINEARS.roberta = LAYER_LINEARS.bert;

/** Encoder-only families: BERT, RoBERTa, DistilBERT, ALBERT, DeBERTa-v2/v3, ViT. */
function encoderFamily(c: HfConfig, task: string, n: number): HfBreakdown | null {
  const h = c.hidden;
  const V = c.vocab;
  const notes: string[] = [];
  const f = c.family;
  const prefix = f === "deberta-v2" ? "deberta" : f;
  const pieces: HfPiece[] = [];
  const blocks: HfBlock[] = [];
  const layer = bertLayer(h, c.intermediate, LAYER_LINEARS[f]);
  const E = c.embeddingSize ?? h;
  const deb = f === "deberta-v2" ? debertaLayout(c) : null;
  // RoBERTa's config already counts its two padding-offset rows (514); DeBERTa-v3 has no absolute
  // positions (position_biased_input=False), DebertaV2Config's defaults do.
  const P = deb && !deb.biasedInput ? 0 : c.maxPositions;
  if (f === "vit") {
    const patches = (c.imageSize! / c.patchSize!) ** 2;
    const pp = 3 * c.patchSize! * c.patchSize!;
    pieces.push({
      path: [prefix, "embeddings", "patch_embeddings"],
      params: lin(pp, h),
      macsPerToken: pp * h,
      fixedTokens: patches,
    });
    pieces.push({ path: [prefix, "embeddings"], params: h + (patches + 1) * h, macsPerToken: 0, embedding: true });
    blocks.push({
      path: [prefix, "encoder", "layer"],
      count: c.layers,
      ...layer,
      attnInner: h,
      fixedTokens: patches + 1,
    });
    pieces.push({ path: [prefix, "layernorm"], params: LN(h), macsPerToken: 0, fixedTokens: patches + 1 });
  } else {
    // word / position / token-type tables at transformers' own names (DeBERTa-v3 has only the first).
    const tables: Array<[string, number]> = [
      ["word_embeddings", V],
      ["position_embeddings", P],
      ["token_type_embeddings", c.typeVocab ?? 0],
    ];
    for (const [name, rows] of tables)
      if (rows > 0)
        pieces.push({
          path: [prefix, "embeddings", name],
          params: rows * E,
          macsPerToken: 0,
          embedding: true,
          type: "Embedding",
          table: { rows, dim: E },
        });
    pieces.push({ path: [prefix, "embeddings", "LayerNorm"], params: LN(E), macsPerToken: 0 });
    if (f === "albert")
      pieces.push({
        path: [prefix, "encoder", "embedding_hidden_mapping_in"],
        params: lin(E, h),
        macsPerToken: E * h,
        linears: [self(E, h)],
      });
    const path =
      f === "distilbert"
        ? [prefix, "transformer", "layer"]
        : f === "albert"
          ? [prefix, "encoder", "albert_layer_groups"]
          : [prefix, "encoder", "layer"];
    blocks.push({ path, count: c.layers, ...layer, attnInner: h, shared: f === "albert" });
    if (deb?.relative) {
      // DebertaV2Encoder: 2 × position_buckets relative embeddings (2 × max_relative_positions, itself
      // max_position_embeddings when < 1, without buckets), LayerNorm'd when norm_rel_ebd says so. Each
      // layer projects them with its key (c2p) and query (p2c) weights, its own pos_key_proj /
      // pos_query_proj when share_att_key=False, and scores each kind as an L × rel × head product.
      const rel = 2 * (deb.buckets > 0 ? deb.buckets : deb.maxRelative < 1 ? c.maxPositions : deb.maxRelative);
      const kinds = ["c2p", "p2c"].filter((k) => deb.posAtt.includes(k));
      pieces.push({
        path: [prefix, "encoder", "rel_embeddings"],
        params: rel * h,
        macsPerToken: kinds.length * rel * h * h * c.layers,
        perSample: true,
        type: "Embedding",
      });
      if (deb.normRel) pieces.push({ path: [prefix, "encoder", "LayerNorm"], params: LN(h), macsPerToken: 0 });
      const b = blocks[0];
      b.macsPerToken += kinds.length * rel * h;
      if (!deb.shareKeys)
        for (const k of kinds) {
          const name = k === "c2p" ? "attention.self.pos_key_proj" : "attention.self.pos_query_proj";
          b.paramsEach += lin(h, h);
          b.linears = [...b.linears, { name, in: h, out: h }];
        }
    }
  }
  const mc = task === "multiple-choice";
  const seqCls = task === "sequence-classification" || task === "image-classification";
  // BertForPreTraining / BertForNextSentencePrediction: the pooler feeds cls.seq_relationship (2 outputs).
  const nsp = f === "bert" && (task === "pretraining" || task === "next-sentence");
  const pooled = ["bert", "albert"].includes(f) ? seqCls || mc || nsp : f === "roberta" ? mc : false;
  if (task === "base" ? f !== "distilbert" && f !== "deberta-v2" : pooled)
    pieces.push({
      path: f === "albert" ? [prefix, "pooler"] : [prefix, "pooler", "dense"],
      params: lin(h, h),
      macsPerToken: h * h,
      perSample: true,
      linears: [self(h, h)],
    });
  const head = (path: string[], params: number, macs: number, perSample: boolean, linears = [self(h, h)]) =>
    pieces.push({ path, params, macsPerToken: macs, perSample, head: true, linears });
  // The MLM heads: a transform dense (h → h, ALBERT h → E) and the tied decoder (→ vocab).
  const mlm = (dense: string, e = h) => [
    { name: dense, in: h, out: e },
    { name: "decoder", in: e, out: V },
  ];
  if (seqCls || mc) {
    const k = mc ? 1 : n;
    if (f === "roberta" && !mc) {
      head(["classifier", "dense"], lin(h, h), h * h, true);
      head(["classifier", "out_proj"], lin(h, k), h * k, true, [self(h, k)]);
    } else if (f === "distilbert") {
      head(["pre_classifier"], lin(h, h), h * h, true);
      head(["classifier"], lin(h, k), h * k, true, [self(h, k)]);
    } else if (f === "deberta-v2") {
      head(["pooler", "dense"], lin(h, h), h * h, true);
      head(["classifier"], lin(h, k), h * k, true, [self(h, k)]);
    } else head(["classifier"], lin(h, k), h * k, true, [self(h, k)]);
  } else if (task === "token-classification") head(["classifier"], lin(h, n), h * n, false, [self(h, n)]);
  else if (task === "question-answering") head(["qa_outputs"], lin(h, 2), h * 2, false, [self(h, 2)]);
  else if (nsp) {
    if (task === "pretraining")
      head(["cls", "predictions"], lin(h, h) + LN(h) + V, h * h + h * V, false, mlm("transform.dense"));
    head(["cls", "seq_relationship"], lin(h, 2), h * 2, true, [self(h, 2)]);
  } else if (task === "masked-lm" || task === "causal-lm") {
    // The decoder weight is tied to the word embeddings; its bias (vocab) and the transform are new.
    if (f === "albert") head(["predictions"], LN(E) + lin(h, E) + V, h * E + E * V, false, mlm("dense", E));
    else if (f === "distilbert") {
      // DistilBertForMaskedLM: vocab_transform, vocab_layer_norm and vocab_projector (weight tied, own bias).
      head(["vocab_transform"], lin(h, h), h * h, false, [self(h, h)]);
      head(["vocab_layer_norm"], LN(h), 0, false, []);
      head(["vocab_projector"], V, h * V, false, [self(h, V)]);
    } else if (f === "roberta") head(["lm_head"], lin(h, h) + LN(h) + V, h * h + h * V, false, mlm("dense"));
    else if (f === "deberta-v2")
      head(["lm_predictions", "lm_head"], lin(h, h) + LN(h) + V, h * h + h * V, false, mlm("dense"));
    else if (f === "bert")
      head(["cls", "predictions"], lin(h, h) + LN(h) + V, h * h + h * V, false, mlm("transform.dense"));
    else return null;
  } else if (task !== "base") return null;
  const isBase = task === "base";
  if (isBase) for (const p of pieces) p.path = p.path.slice(1);
  if (isBase) for (const b of blocks) b.path = b.path.slice(1);
  return { prefix: isBase ? null : prefix, pieces, blocks, task, numLabels: n, notes };
}

/** Params and MACs of a checkpoint with a head; null when the family has no such head. */
export function hfBreakdown(c: HfConfig, task: string, numLabels: number | null): HfBreakdown | null {
  const n = numLabels ?? c.numLabels ?? 2;
  if (["bert", "roberta", "distilbert", "albert", "deberta-v2", "vit"].includes(c.family))
    return encoderFamily(c, task, n);
  if (["gpt2", "llama", "mistral", "qwen2", "phi", "phi3"].includes(c.family)) return decoderFamily(c, task, n);
  if (["t5", "bart", "whisper", "clip"].includes(c.family)) return encDecFamily(c, task, n);
  return null;
}

export { lin, LN };
