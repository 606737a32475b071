// Decoder-only (GPT-2, Llama/Mistral/Qwen2 gated-MLP with grouped-query attention, Phi, Phi-3) and
// encoder–decoder families (T5, BART; Whisper and CLIP in hfArchAudioVision.ts): parameters and
// MACs per token from config.json values, with module paths as transformers names them.
import type { HfBlock, HfBreakdown, HfConfig, HfLinear, HfPiece } from "./hfArch";
import { audioVisionFamily } from "./hfArchAudioVision";

const lin = (i: number, o: number, bias = true) => i * o + (bias ? o : 0);
const LN = (h: number) => 2 * h;
const L = (name: string, i: number, o: number): HfLinear => ({ name, in: i, out: o });
/** An nn.Embedding piece's class and table shape (num_embeddings × embedding_dim). */
const table = (rows: number, dim: number) => ({ type: "Embedding", table: { rows, dim } });

export function finish(
  prefix: string | null,
  pieces: HfPiece[],
  blocks: HfBlock[],
  task: string,
  n: number,
  notes: string[] = [],
): HfBreakdown {
  if (task === "base" && prefix) {
    for (const p of pieces) if (p.path[0] === prefix) p.path = p.path.slice(1);
    for (const b of blocks) b.path = b.path.slice(1);
    return { prefix: null, pieces, blocks, task, numLabels: n, notes };
  }
  return { prefix, pieces, blocks, task, numLabels: n, notes };
}

/**
 * BartEncoderLayer / BartDecoderLayer (Whisper's alike): self_attn (and the decoder's encoder_attn)
 * q/k/v/out projections, then fc1/fc2, at their paths below the layer.
 */
export function seq2seqLinears(d: number, ff: number, fd: number): { enc: HfLinear[]; dec: HfLinear[] } {
  const attn = (at: string) => ["q_proj", "k_proj", "v_proj", "out_proj"].map((n) => L(`${at}.${n}`, d, d));
  return {
    enc: [...attn("self_attn"), L("fc1", d, ff), L("fc2", ff, d)],
    dec: [...attn("self_attn"), ...attn("encoder_attn"), L("fc1", d, fd), L("fc2", fd, d)],
  };
}

/** GPT-2, Llama, Mistral, Qwen2, Phi, Phi-3. */
export function decoderFamily(c: HfConfig, task: string, n: number): HfBreakdown | null {
  const h = c.hidden;
  const V = c.vocab;
  const I = c.intermediate;
  const f = c.family;
  const pieces: HfPiece[] = [];
  const blocks: HfBlock[] = [];
  const gpt2 = f === "gpt2";
  const prefix = gpt2 ? "transformer" : "model";
  if (gpt2) {
    pieces.push({ path: [prefix, "wte"], params: V * h, macsPerToken: 0, embedding: true, ...table(V, h) });
    pieces.push({
      path: [prefix, "wpe"],
      params: c.maxPositions * h,
      macsPerToken: 0,
      embedding: true,
      ...table(c.maxPositions, h),
    });
    blocks.push({
      path: [prefix, "h"],
      count: c.layers,
      paramsEach: 2 * LN(h) + lin(h, 3 * h) + lin(h, h) + lin(h, I) + lin(I, h),
      macsPerToken: 4 * h * h + 2 * h * I,
      attnInner: h,
      // GPT-2's Conv1D modules, which peft wraps like linears.
      linears: [L("attn.c_attn", h, 3 * h), L("attn.c_proj", h, h), L("mlp.c_fc", h, I), L("mlp.c_proj", I, h)],
    });
    pieces.push({ path: [prefix, "ln_f"], params: LN(h), macsPerToken: 0 });
  } else {
    const a = c.heads;
    const kv = c.kvHeads ?? a;
    const hd = c.headDim ?? h / a;
    const q = a * hd;
    const k = kv * hd;
    pieces.push({ path: [prefix, "embed_tokens"], params: V * h, macsPerToken: 0, embedding: true, ...table(V, h) });
    let block: Omit<HfBlock, "path" | "count" | "attnInner">;
    if (f === "phi") {
      // PhiDecoderLayer: one LayerNorm, biased q/k/v/dense, and a parallel fc1/fc2 MLP.
      block = {
        paramsEach: LN(h) + 3 * lin(h, q) + lin(q, h) + lin(h, I) + lin(I, h),
        macsPerToken: 4 * h * q + 2 * h * I,
        linears: [
          L("self_attn.q_proj", h, q),
          L("self_attn.k_proj", h, q),
          L("self_attn.v_proj", h, q),
          L("self_attn.dense", q, h),
          L("mlp.fc1", h, I),
          L("mlp.fc2", I, h),
        ],
      };
    } else if (f === "phi3") {
      // Phi3DecoderLayer: fused qkv_proj and gate_up_proj, no biases, two RMSNorms.
      block = {
        paramsEach: lin(h, q + 2 * k, false) + lin(q, h, false) + lin(h, 2 * I, false) + lin(I, h, false) + 2 * h,
        macsPerToken: h * (q + 2 * k) + q * h + 3 * h * I,
        linears: [
          L("self_attn.qkv_proj", h, q + 2 * k),
          L("self_attn.o_proj", q, h),
          L("mlp.gate_up_proj", h, 2 * I),
          L("mlp.down_proj", I, h),
        ],
      };
    } else {
      // LlamaDecoderLayer (Mistral, Qwen2 alike): q/k/v (Qwen2 with bias), o, SwiGLU gate/up/down, two RMSNorms.
      const b = !!c.qkvBias;
      block = {
        paramsEach: lin(h, q, b) + 2 * lin(h, k, b) + lin(q, h, false) + 3 * lin(h, I, false) + 2 * h,
        macsPerToken: 2 * h * q + 2 * h * k + 3 * h * I,
        linears: [
          L("self_attn.q_proj", h, q),
          L("self_attn.k_proj", h, k),
          L("self_attn.v_proj", h, k),
          L("self_attn.o_proj", q, h),
          L("mlp.gate_proj", h, I),
          L("mlp.up_proj", h, I),
          L("mlp.down_proj", I, h),
        ],
      };
    }
    blocks.push({ path: [prefix, "layers"], count: c.layers, attnInner: q, ...block });
    pieces.push({
      path: [prefix, f === "phi" ? "final_layernorm" : "norm"],
      params: f === "phi" ? LN(h) : h,
      macsPerToken: 0,
    });
  }
  const head = (path: string[], params: number, macs: number, o: number, embedding = false) =>
    pieces.push({ path, params, macsPerToken: macs, head: true, embedding, linears: [L("", h, o)] });
  if (task === "causal-lm") {
    // An untied lm_head is a second vocab × hidden table (Phi's also has a bias); a tied one reuses the embeddings.
    const own = c.tied ? 0 : V * h + (f === "phi" ? V : 0);
    head(["lm_head"], own, V * h, V, own > 0);
  } else if (task === "sequence-classification") head(["score"], lin(h, n, false), h * n, n);
  else if (task === "token-classification") head(["classifier"], lin(h, n), h * n, n);
  else if (task !== "base") return null;
  return finish(prefix, pieces, blocks, task, n);
}

/** T5 / Flan-T5, BART, Whisper and CLIP. */
export function encDecFamily(c: HfConfig, task: string, n: number): HfBreakdown | null {
  const f = c.family;
  const d = c.hidden;
  const V = c.vocab;
  const ff = c.intermediate;
  const pieces: HfPiece[] = [];
  const blocks: HfBlock[] = [];
  const head = (
    path: string[],
    params: number,
    macs: number,
    linears: HfLinear[],
    perSample = false,
    embedding = false,
  ) => pieces.push({ path, params, macsPerToken: macs, head: true, perSample, embedding, linears });
  const dec = c.decoderLayers ?? c.layers;
  if (f === "t5") {
    // T5 v1.0 (relu wi/wo, tied head) and v1.1/Flan (gated-gelu wi_0/wi_1/wo, untied head); no biases, RMS norms.
    const inner = c.heads * (c.headDim ?? 64);
    const ffn = (c.gated ? 3 : 2) * d * ff;
    // T5Block: layer.0 self-attention, (decoder) layer.1 cross-attention, then the feed-forward layer.
    const ffnL = (i: number) =>
      (c.gated ? [L("wi_0", d, ff), L("wi_1", d, ff), L("wo", ff, d)] : [L("wi", d, ff), L("wo", ff, d)]).map((l) =>
        L(`layer.${i}.DenseReluDense.${l.name}`, l.in, l.out),
      );
    const attnL = (at: string) =>
      [L("q", d, inner), L("k", d, inner), L("v", d, inner), L("o", inner, d)].map((l) =>
        L(`${at}.${l.name}`, l.in, l.out),
      );
    const bias = (c.relBuckets ?? 32) * c.heads;
    pieces.push({ path: ["shared"], params: V * d, macsPerToken: 0, embedding: true, ...table(V, d) });
    blocks.push({
      path: ["encoder", "block"],
      count: c.layers,
      paramsEach: 4 * d * inner + ffn + 2 * d,
      macsPerToken: 4 * d * inner + ffn,
      attnInner: inner,
      linears: [...attnL("layer.0.SelfAttention"), ...ffnL(1)],
      firstExtra: bias,
    });
    pieces.push({ path: ["encoder", "final_layer_norm"], params: d, macsPerToken: 0 });
    blocks.push({
      path: ["decoder", "block"],
      count: dec,
      paramsEach: 8 * d * inner + ffn + 3 * d,
      // Cross-attention k/v project the encoder's tokens: charged below, per encoder token.
      macsPerToken: 6 * d * inner + ffn,
      decoder: true,
      attnInner: inner,
      crossAttnInner: inner,
      linears: [...attnL("layer.0.SelfAttention"), ...attnL("layer.1.EncDecAttention"), ...ffnL(2)],
      firstExtra: bias,
    });
    pieces.push({ path: ["decoder", "cross_kv"], params: 0, macsPerToken: 2 * d * inner * dec });
    pieces.push({ path: ["decoder", "final_layer_norm"], params: d, macsPerToken: 0, decoder: true });
    // T5EncoderModel: the shared embedding and the encoder stack, no decoder.
    if (task === "encoder")
      return {
        prefix: null,
        pieces: pieces.filter((p) => p.path[0] !== "decoder"),
        blocks: blocks.filter((b) => !b.decoder),
        task,
        numLabels: n,
        notes: [],
      };
    if (task === "seq2seq-lm" || task === "causal-lm") {
      head(["lm_head"], c.tied ? 0 : V * d, V * d, [L("", d, V)], false, !c.tied);
      pieces[pieces.length - 1].decoder = true;
    } else if (task !== "base") return null;
    return {
      prefix: null,
      pieces,
      blocks,
      task,
      numLabels: n,
      notes: ["decoder priced at the labels' length when the script sets it, else at the input length"],
    };
  }
  if (f === "bart") {
    const fd = c.decoderIntermediate ?? ff;
    const attn = 4 * lin(d, d);
    const ffn = (w: number) => lin(d, w) + lin(w, d);
    const { enc, dec: decL } = seq2seqLinears(d, ff, fd);
    pieces.push({ path: ["model", "shared"], params: V * d, macsPerToken: 0, embedding: true, ...table(V, d) });
    for (const side of ["encoder", "decoder"]) {
      // BartLearnedPositionalEmbedding keeps 2 extra rows (offset 2) past max_position_embeddings.
      pieces.push({
        path: ["model", side, "embed_positions"],
        params: (c.maxPositions + 2) * d,
        macsPerToken: 0,
        embedding: true,
      });
      pieces.push({ path: ["model", side, "layernorm_embedding"], params: LN(d), macsPerToken: 0 });
    }
    blocks.push({
      path: ["model", "encoder", "layers"],
      count: c.layers,
      paramsEach: attn + ffn(ff) + 2 * LN(d),
      macsPerToken: 4 * d * d + 2 * d * ff,
      attnInner: d,
      linears: enc,
    });
    blocks.push({
      path: ["model", "decoder", "layers"],
      decoder: true,
      count: dec,
      paramsEach: 2 * attn + ffn(fd) + 3 * LN(d),
      macsPerToken: 6 * d * d + 2 * d * fd,
      attnInner: d,
      crossAttnInner: d,
      linears: decL,
    });
    // Cross-attention k/v project the encoder's tokens once per decoder layer.
    pieces.push({ path: ["model", "decoder", "cross_kv"], params: 0, macsPerToken: 2 * d * d * dec });
    if (task === "seq2seq-lm") {
      head(["lm_head"], 0, V * d, [L("", d, V)]);
      pieces[pieces.length - 1].decoder = true;
    } else if (task === "sequence-classification")
      head(
        ["classification_head"],
        lin(d, d) + lin(d, n),
        d * d + d * n,
        [L("dense", d, d), L("out_proj", d, n)],
        true,
      );
    else if (task !== "base") return null;
    return finish("model", pieces, blocks, task, n, [
      "decoder priced at the labels' length when the script sets it, else at the input length",
    ]);
  }
  if (f === "whisper" || f === "clip") return audioVisionFamily(c, task, n);
  return null;
}
