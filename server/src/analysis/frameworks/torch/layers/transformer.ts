// torch.nn Transformer family with torch's state_dict names: TransformerEncoderLayer/DecoderLayer and the
// full Transformer (6+6 layers and a final LayerNorm per stack in torch 1.13). TransformerEncoder/Decoder
// take a layer *instance*, so they are containers: the interpreter deep-copies that layer num_layers times
// (names from stackParams) and these specs own no parameters of their own.

import { type Arg, type Args, ArgError, type ForwardResult, type LayerSpec, REQUIRED, ShapeError } from "../layerSpec";
import { boolArg, dtypeOf, inputShape, raw, sizeArg, tensor, weightAndBias } from "./argUtils";
import { type MhaConfig, mhaMacs, mhaParams, seqDims } from "./attention";
import { showShape } from "./shapeUtils";

interface BlockConfig {
  d: number;
  heads: number;
  ff: number;
  batchFirst: boolean;
  bias: boolean;
}

function readBlock(a: Args, owner: string): BlockConfig {
  const d = sizeArg(a, "d_model", owner);
  const heads = sizeArg(a, "nhead", owner);
  if (d % heads !== 0) throw new ArgError(`${owner}: d_model ${d} is not divisible by nhead ${heads}`);
  return {
    d,
    heads,
    ff: sizeArg(a, "dim_feedforward", owner),
    batchFirst: boolArg(a, "batch_first", owner),
    bias: a.bias === undefined ? true : boolArg(a, "bias", owner),
  };
}

const attention = (c: BlockConfig): MhaConfig => ({
  embed: c.d,
  heads: c.heads,
  kdim: c.d,
  vdim: c.d,
  bias: c.bias,
  biasKv: false,
  zeroAttn: false,
  batchFirst: c.batchFirst,
});

/** Prefixes every name: prefixed("norm1.", {weight: [..]}) → {"norm1.weight": [..]}. */
export function prefixed(prefix: string, params: Record<string, number[]>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [`${prefix}${k}`, v]));
}

const linear = (inF: number, outF: number, bias: boolean) => weightAndBias([outF, inF], bias ? [outF] : null);
const norm = (d: number, bias: boolean) => weightAndBias([d], bias ? [d] : null);

function blockParams(c: BlockConfig, decoder: boolean): Record<string, number[]> {
  return {
    ...prefixed("self_attn.", mhaParams(attention(c))),
    ...(decoder ? prefixed("multihead_attn.", mhaParams(attention(c))) : {}),
    ...prefixed("linear1.", linear(c.d, c.ff, c.bias)),
    ...prefixed("linear2.", linear(c.ff, c.d, c.bias)),
    ...prefixed("norm1.", norm(c.d, c.bias)),
    ...prefixed("norm2.", norm(c.d, c.bias)),
    ...(decoder ? prefixed("norm3.", norm(c.d, c.bias)) : {}),
  };
}

/** Parameters of TransformerEncoder/Decoder(layer, num_layers, norm): layers.{i}.* copies, then norm.*. */
export function stackParams(
  layer: Record<string, number[]>,
  numLayers: number,
  finalNorm: Record<string, number[]> | null,
): Record<string, number[]> {
  let out: Record<string, number[]> = {};
  for (let i = 0; i < numLayers; i++) out = { ...out, ...prefixed(`layers.${i}.`, layer) };
  return finalNorm ? { ...out, ...prefixed("norm.", finalNorm) } : out;
}

function encoderMacs(c: BlockConfig, batch: number, s: number): number {
  return mhaMacs(attention(c), batch, s, s) + 2 * batch * s * c.d * c.ff;
}

function decoderMacs(c: BlockConfig, batch: number, t: number, s: number): number {
  return mhaMacs(attention(c), batch, t, t) + mhaMacs(attention(c), batch, t, s) + 2 * batch * t * c.d * c.ff;
}

/** Reads a (seq, batch, d_model) input; null when its shape is unknown. */
function sequence(inputs: Arg[], i: number, c: BlockConfig, owner: string) {
  const x = inputShape(inputs, i, owner);
  if (x === null) return null;
  const dims = seqDims(x, c.batchFirst, owner);
  if (dims.feat !== c.d) throw new ShapeError(`${owner}(d_model=${c.d}) expected last dim ${c.d}, got ${showShape(x)}`);
  return { shape: x, ...dims };
}

const BLOCK_SIGNATURE = [
  ["d_model", REQUIRED],
  ["nhead", REQUIRED],
  ["dim_feedforward", 2048],
  ["dropout", 0.1],
  // A function (F.relu) or a string; it does not change parameters or MACs.
  ["activation", "relu"],
  ["layer_norm_eps", 1e-5],
  ["batch_first", false],
  ["norm_first", false],
  // `bias` arrived in torch 2.1; torch 1.13 layers always have biases.
  ["bias", true],
  ["device", null],
  ["dtype", null],
] as const;

function encoderForward(a: Args, inputs: Arg[]): ForwardResult {
  const c = readBlock(a, "TransformerEncoderLayer");
  const src = sequence(inputs, 0, c, "TransformerEncoderLayer");
  if (src === null) return { output: tensor(null, dtypeOf(inputs[0])), macs: 0 };
  return { output: tensor([...src.shape], dtypeOf(inputs[0])), macs: encoderMacs(c, src.batch ?? 1, src.len) };
}

function decoderForward(a: Args, inputs: Arg[], kwargs: Record<string, Arg>): ForwardResult {
  const c = readBlock(a, "TransformerDecoderLayer");
  const tgt = sequence(inputs, 0, c, "TransformerDecoderLayer");
  const memory = sequence([kwargs.memory ?? inputs[1] ?? null], 0, c, "TransformerDecoderLayer (memory)");
  if (tgt === null || memory === null) return { output: tensor(null, dtypeOf(inputs[0])), macs: 0 };
  return {
    output: tensor([...tgt.shape], dtypeOf(inputs[0])),
    macs: decoderMacs(c, tgt.batch ?? 1, tgt.len, memory.len),
  };
}

const TRANSFORMER_SIGNATURE = [
  ["d_model", 512],
  ["nhead", 8],
  ["num_encoder_layers", 6],
  ["num_decoder_layers", 6],
  ["dim_feedforward", 2048],
  ["dropout", 0.1],
  ["activation", "relu"],
  ["custom_encoder", null],
  ["custom_decoder", null],
  ["layer_norm_eps", 1e-5],
  ["batch_first", false],
  ["norm_first", false],
  ["bias", true],
  ["device", null],
  ["dtype", null],
] as const;

function readTransformer(a: Args) {
  const c = readBlock(a, "Transformer");
  if (raw(a, "custom_encoder") !== null || raw(a, "custom_decoder") !== null) {
    throw new ArgError(
      "Transformer: custom_encoder/custom_decoder are modules whose parameters are counted separately",
    );
  }
  return {
    c,
    enc: sizeArg(a, "num_encoder_layers", "Transformer"),
    dec: sizeArg(a, "num_decoder_layers", "Transformer"),
  };
}

const Transformer: LayerSpec = {
  signature: TRANSFORMER_SIGNATURE,
  params(a) {
    const { c, enc, dec } = readTransformer(a);
    return {
      ...prefixed("encoder.", stackParams(blockParams(c, false), enc, norm(c.d, c.bias))),
      ...prefixed("decoder.", stackParams(blockParams(c, true), dec, norm(c.d, c.bias))),
    };
  },
  forward(a, inputs, kwargs) {
    const { c, enc, dec } = readTransformer(a);
    const src = sequence(inputs, 0, c, "Transformer (src)");
    const tgt = sequence([kwargs.tgt ?? inputs[1] ?? null], 0, c, "Transformer (tgt)");
    if (src === null || tgt === null) return { output: tensor(null, dtypeOf(inputs[0])), macs: 0 };
    if (src.batch !== tgt.batch)
      throw new ShapeError(`Transformer: src ${showShape(src.shape)} and tgt ${showShape(tgt.shape)} batch differ`);
    const batch = src.batch ?? 1;
    const macs = enc * encoderMacs(c, batch, src.len) + dec * decoderMacs(c, batch, tgt.len, src.len);
    return { output: tensor([...tgt.shape], dtypeOf(inputs[0])), macs };
  },
};

/** Container specs: children come from the layer argument, so they own nothing directly. */
function stack(layerArg: string): LayerSpec {
  return {
    signature: [
      [layerArg, REQUIRED],
      ["num_layers", REQUIRED],
      ["norm", null],
      ["enable_nested_tensor", true],
      ["mask_check", true],
    ],
    params: () => ({}),
  };
}

export const TRANSFORMER_LAYERS: Record<string, LayerSpec> = {
  TransformerEncoderLayer: {
    signature: BLOCK_SIGNATURE,
    params: (a) => blockParams(readBlock(a, "TransformerEncoderLayer"), false),
    forward: encoderForward,
  },
  TransformerDecoderLayer: {
    signature: BLOCK_SIGNATURE,
    params: (a) => blockParams(readBlock(a, "TransformerDecoderLayer"), true),
    forward: decoderForward,
  },
  Transformer,
  TransformerEncoder: stack("encoder_layer"),
  TransformerDecoder: stack("decoder_layer"),
};
