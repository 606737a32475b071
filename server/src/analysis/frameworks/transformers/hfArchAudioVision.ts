// Whisper (encoder on a fixed 30 s window of log-mel frames, decoder on the script's tokens) and
// CLIP (a causal text tower and a ViT image tower with projections): parameters and MACs from
// config.json values, at transformers' module paths.
import type { HfBlock, HfBreakdown, HfConfig, HfLinear, HfPiece } from "./hfArch";
import { finish, seq2seqLinears } from "./hfArchSeq";

const lin = (i: number, o: number, bias = true) => i * o + (bias ? o : 0);
const LN = (h: number) => 2 * h;
const L = (name: string, i: number, o: number): HfLinear => ({ name, in: i, out: o });

export function audioVisionFamily(c: HfConfig, task: string, n: number): HfBreakdown | null {
  const f = c.family;
  const d = c.hidden;
  const V = c.vocab;
  const ff = c.intermediate;
  const pieces: HfPiece[] = [];
  const blocks: HfBlock[] = [];
  const head = (path: string[], params: number, macs: number, linears: HfLinear[]) =>
    pieces.push({ path, params, macsPerToken: macs, head: true, linears });
  const dec = c.decoderLayers ?? c.layers;
  if (f === "whisper") {
    // 30 s of audio: 3000 log-mel frames (num_mel_bins each), halved by conv2's stride to
    // max_source_positions = 1500 encoder positions.
    const mel = c.melBins ?? 80;
    const frames = c.sourcePositions ?? 1500;
    const fd = c.decoderIntermediate ?? ff;
    const attn = 4 * d * d + 3 * d; // k_proj has no bias
    const ffn = (w: number) => lin(d, w) + lin(w, d);
    const { enc, dec: decL } = seq2seqLinears(d, ff, fd);
    pieces.push({
      path: ["model", "encoder", "conv1"],
      params: lin(mel * 3, d),
      macsPerToken: mel * 3 * d,
      fixedTokens: 2 * frames,
    });
    pieces.push({
      path: ["model", "encoder", "conv2"],
      params: lin(3 * d, d),
      macsPerToken: 3 * d * d,
      fixedTokens: frames,
    });
    pieces.push({
      path: ["model", "encoder", "embed_positions"],
      params: frames * d,
      macsPerToken: 0,
      embedding: true,
      // WhisperEncoder fills them with sinusoids and calls embed_positions.requires_grad_(False).
      frozen: true,
    });
    blocks.push({
      path: ["model", "encoder", "layers"],
      count: c.layers,
      paramsEach: attn + ffn(ff) + 2 * LN(d),
      macsPerToken: 4 * d * d + 2 * d * ff,
      attnInner: d,
      linears: enc,
      fixedTokens: frames,
    });
    pieces.push({ path: ["model", "encoder", "layer_norm"], params: LN(d), macsPerToken: 0 });
    pieces.push({
      path: ["model", "decoder", "embed_tokens"],
      params: V * d,
      macsPerToken: 0,
      embedding: true,
      type: "Embedding",
      table: { rows: V, dim: d },
    });
    pieces.push({
      path: ["model", "decoder", "embed_positions"],
      params: c.maxPositions * d,
      macsPerToken: 0,
      embedding: true,
    });
    // Cross-attention keys/values are projected once per encoder frame; the score matmuls span 1500 frames.
    pieces.push({
      path: ["model", "decoder", "cross_kv"],
      params: 0,
      macsPerToken: 2 * d * d * frames * dec,
      perSample: true,
    });
    blocks.push({
      path: ["model", "decoder", "layers"],
      count: dec,
      paramsEach: 2 * attn + ffn(fd) + 3 * LN(d),
      macsPerToken: 6 * d * d + 2 * d * fd,
      attnInner: d,
      crossAttnInner: d,
      crossTokens: frames,
      linears: decL,
    });
    pieces.push({ path: ["model", "decoder", "layer_norm"], params: LN(d), macsPerToken: 0 });
    const notes = [`audio input taken as Whisper's fixed 30 s window (${frames} encoder positions)`];
    if (task === "seq2seq-lm") head(["proj_out"], 0, V * d, [L("", d, V)]);
    else if (task !== "base") return null;
    return finish("model", pieces, blocks, task, n, notes);
  }
  if (f === "clip" && c.vision) {
    // CLIPModel: a text tower (causal, 77 positions) and a vision tower on (224/32)² + 1 = 50 tokens.
    const v = c.vision;
    const patches = (v.imageSize / v.patchSize) ** 2;
    const layer = (h: number, I: number) => ({
      paramsEach: 4 * lin(h, h) + lin(h, I) + lin(I, h) + 2 * LN(h),
      macsPerToken: 4 * h * h + 2 * h * I,
      linears: [
        L("self_attn.q_proj", h, h),
        L("self_attn.k_proj", h, h),
        L("self_attn.v_proj", h, h),
        L("self_attn.out_proj", h, h),
        L("mlp.fc1", h, I),
        L("mlp.fc2", I, h),
      ],
    });
    pieces.push({
      path: ["text_model", "embeddings"],
      params: (V + c.maxPositions) * d,
      macsPerToken: 0,
      embedding: true,
    });
    blocks.push({ path: ["text_model", "encoder", "layers"], count: c.layers, attnInner: d, ...layer(d, ff) });
    pieces.push({ path: ["text_model", "final_layer_norm"], params: LN(d), macsPerToken: 0 });
    const pp = (v.channels ?? 3) * v.patchSize * v.patchSize;
    pieces.push({
      path: ["vision_model", "embeddings", "patch_embedding"],
      params: pp * v.hidden,
      macsPerToken: pp * v.hidden,
      fixedTokens: patches,
    });
    pieces.push({
      path: ["vision_model", "embeddings"],
      params: v.hidden + (patches + 1) * v.hidden,
      macsPerToken: 0,
      embedding: true,
    });
    pieces.push({ path: ["vision_model", "pre_layrnorm"], params: LN(v.hidden), macsPerToken: 0 });
    blocks.push({
      path: ["vision_model", "encoder", "layers"],
      count: v.layers,
      attnInner: v.hidden,
      fixedTokens: patches + 1,
      ...layer(v.hidden, v.intermediate),
    });
    pieces.push({ path: ["vision_model", "post_layernorm"], params: LN(v.hidden), macsPerToken: 0 });
    const proj = c.projectionDim ?? 512;
    pieces.push({
      path: ["visual_projection"],
      params: v.hidden * proj,
      macsPerToken: v.hidden * proj,
      perSample: true,
      linears: [L("", v.hidden, proj)],
    });
    pieces.push({
      path: ["text_projection"],
      params: d * proj,
      macsPerToken: d * proj,
      perSample: true,
      linears: [L("", d, proj)],
    });
    pieces.push({ path: ["logit_scale"], params: 1, macsPerToken: 0, perSample: true });
    if (task !== "base") return null;
    return { prefix: null, pieces, blocks, task, numLabels: n, notes: ["one image and one text per sample"] };
  }
  return null;
}
