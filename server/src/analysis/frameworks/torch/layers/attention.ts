// torch.nn.MultiheadAttention: packed or separate q/k/v projections (kdim/vdim), bias, add_bias_kv,
// add_zero_attn, batch_first. MACs: q/k/v/out projections + QKᵀ (L × S × E) + AV (L × S × E) per batch.

import { type Arg, type Args, ArgError, type ForwardResult, type LayerSpec, REQUIRED, ShapeError } from "../layerSpec";
import { boolArg, dtypeOf, inputShape, optIntArg, sizeArg, tensor } from "./argUtils";
import { showShape } from "./shapeUtils";

export interface MhaConfig {
  embed: number;
  heads: number;
  kdim: number;
  vdim: number;
  bias: boolean;
  biasKv: boolean;
  zeroAttn: boolean;
  batchFirst: boolean;
}

export function readMha(a: Args, owner = "MultiheadAttention"): MhaConfig {
  const embed = sizeArg(a, "embed_dim", owner);
  const heads = sizeArg(a, "num_heads", owner);
  if (embed % heads !== 0) throw new ArgError(`${owner}: embed_dim ${embed} is not divisible by num_heads ${heads}`);
  return {
    embed,
    heads,
    kdim: optIntArg(a, "kdim", owner) ?? embed,
    vdim: optIntArg(a, "vdim", owner) ?? embed,
    bias: boolArg(a, "bias", owner),
    biasKv: boolArg(a, "add_bias_kv", owner),
    zeroAttn: boolArg(a, "add_zero_attn", owner),
    batchFirst: boolArg(a, "batch_first", owner),
  };
}

/** Parameters in named_parameters() order: own tensors first, then the out_proj Linear. */
export function mhaParams(c: MhaConfig): Record<string, number[]> {
  const e = c.embed;
  const out: Record<string, number[]> = {};
  if (c.kdim === e && c.vdim === e) out.in_proj_weight = [3 * e, e];
  else {
    out.q_proj_weight = [e, e];
    out.k_proj_weight = [e, c.kdim];
    out.v_proj_weight = [e, c.vdim];
  }
  if (c.bias) out.in_proj_bias = [3 * e];
  if (c.biasKv) {
    out.bias_k = [1, 1, e];
    out.bias_v = [1, 1, e];
  }
  out["out_proj.weight"] = [e, e];
  if (c.bias) out["out_proj.bias"] = [e];
  return out;
}

/** MACs of one attention call: batch × (projections + QKᵀ + AV), with S grown by bias_kv/zero_attn. */
export function mhaMacs(c: MhaConfig, batch: number, tgtLen: number, srcLen: number): number {
  const e = c.embed;
  const s = srcLen + (c.biasKv ? 1 : 0) + (c.zeroAttn ? 1 : 0);
  const projections = tgtLen * e * e + srcLen * c.kdim * e + srcLen * c.vdim * e + tgtLen * e * e;
  return batch * (projections + 2 * tgtLen * s * e);
}

/** Splits (L, N, E) / (N, L, E) / unbatched (L, E) into [batch, length, features]. */
export function seqDims(
  x: number[],
  batchFirst: boolean,
  owner: string,
): { batch: number | null; len: number; feat: number } {
  if (x.length === 2) return { batch: null, len: x[0]!, feat: x[1]! };
  if (x.length !== 3) throw new ShapeError(`${owner}: expected a 2-d or 3-d sequence, got ${showShape(x)}`);
  return batchFirst ? { batch: x[0]!, len: x[1]!, feat: x[2]! } : { batch: x[1]!, len: x[0]!, feat: x[2]! };
}

function mhaForward(a: Args, inputs: Arg[], kwargs: Record<string, Arg>): ForwardResult {
  const c = readMha(a);
  const owner = "MultiheadAttention";
  const q = inputShape(inputs, 0, owner);
  const k = inputShape(inputs, 1, owner);
  const v = inputShape(inputs, 2, owner);
  const dt = dtypeOf(inputs[0]);
  const needWeights = (kwargs.need_weights ?? inputs[4] ?? true) !== false;
  const average = (kwargs.average_attn_weights ?? inputs[6] ?? true) !== false;
  if (q === null || k === null || v === null)
    return { output: [tensor(null, dt), needWeights ? tensor(null, dt) : null], macs: 0 };
  const qd = seqDims(q, c.batchFirst, owner);
  const kd = seqDims(k, c.batchFirst, owner);
  const vd = seqDims(v, c.batchFirst, owner);
  if (qd.feat !== c.embed || kd.feat !== c.kdim || vd.feat !== c.vdim) {
    throw new ShapeError(
      `${owner}(embed_dim=${c.embed}, kdim=${c.kdim}, vdim=${c.vdim}) got query ${showShape(q)}, key ${showShape(k)}, value ${showShape(v)}`,
    );
  }
  if (kd.len !== vd.len || qd.batch !== kd.batch || kd.batch !== vd.batch) {
    throw new ShapeError(`${owner}: key ${showShape(k)} and value ${showShape(v)} do not match query ${showShape(q)}`);
  }
  const batch = qd.batch ?? 1;
  const s = kd.len + (c.biasKv ? 1 : 0) + (c.zeroAttn ? 1 : 0);
  const lead = qd.batch === null ? [] : [qd.batch];
  const weights = needWeights ? tensor([...lead, ...(average ? [] : [c.heads]), qd.len, s], dt) : null;
  return { output: [tensor([...q], dt), weights], macs: mhaMacs(c, batch, qd.len, kd.len) };
}

export const MHA_SIGNATURE = [
  ["embed_dim", REQUIRED],
  ["num_heads", REQUIRED],
  ["dropout", 0.0],
  ["bias", true],
  ["add_bias_kv", false],
  ["add_zero_attn", false],
  ["kdim", null],
  ["vdim", null],
  ["batch_first", false],
  ["device", null],
  ["dtype", null],
] as const;

export const ATTENTION_LAYERS: Record<string, LayerSpec> = {
  MultiheadAttention: {
    signature: MHA_SIGNATURE,
    params: (a) => mhaParams(readMha(a)),
    forward: mhaForward,
  },
};
