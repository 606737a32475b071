// keras.layers wrappers: Bidirectional (two copies of an RNN, merged by merge_mode), TimeDistributed (one
// inner layer applied at every step of axis 1), SpectralNormalization — weights come from the inner layer.

import {
  ArgError,
  type BuildResult,
  type KerasLayerSpec,
  type LayerRef,
  REQUIRED,
  type Shape,
  ShapeError,
} from "../kerasLayerSpec";
import { layerArg, mul, rawArg, single, strArg } from "./kerasArgs";
import { kerasLayerSpec } from "./registry";

function inner(ref: LayerRef, owner: string): KerasLayerSpec {
  const spec = kerasLayerSpec(ref.kerasLayer);
  if (spec === undefined)
    throw new ArgError(`${owner}: the wrapped layer ${ref.kerasLayer} is not in the Keras catalog`);
  return spec;
}

function prefixed(prefix: string, b: BuildResult): BuildResult {
  const out: BuildResult = { weights: {}, trainable: {} };
  for (const [k, v] of Object.entries(b.weights)) {
    out.weights[`${prefix}/${k}`] = v;
    out.trainable[`${prefix}/${k}`] = b.trainable[k]!;
  }
  return out;
}

function directions(a: Parameters<KerasLayerSpec["build"]>[0]): { fwd: LayerRef; bwd: LayerRef } {
  const fwd = layerArg(a, "layer", "Bidirectional");
  const bwd = rawArg(a, "backward_layer") === null ? fwd : layerArg(a, "backward_layer", "Bidirectional");
  return { fwd, bwd };
}

const Bidirectional: KerasLayerSpec = {
  signature: [
    ["layer", REQUIRED],
    ["merge_mode", "concat"],
    ["weights", null],
    ["backward_layer", null],
    ["**kwargs", null],
  ],
  build(a, inputs) {
    const { fwd, bwd } = directions(a);
    const f = prefixed("forward", inner(fwd, "Bidirectional").build(fwd.args, inputs));
    const b = prefixed("backward", inner(bwd, "Bidirectional").build(bwd.args, inputs));
    return { weights: { ...f.weights, ...b.weights }, trainable: { ...f.trainable, ...b.trainable } };
  },
  call(a, inputs) {
    const { fwd, bwd } = directions(a);
    const f = inner(fwd, "Bidirectional").call(fwd.args, inputs);
    const b = inner(bwd, "Bidirectional").call(bwd.args, inputs);
    const [fo, ...fs] = f.outputs as [Shape, ...Shape[]];
    const [bo, ...bs] = b.outputs as [Shape, ...Shape[]];
    const mode = rawArg(a, "merge_mode") === null ? null : strArg(a, "merge_mode", "Bidirectional");
    let merged: Shape[];
    if (mode === null) merged = [fo, bo];
    else if (mode === "concat") {
      const last = fo[fo.length - 1];
      const blast = bo[bo.length - 1];
      merged = [[...fo.slice(0, -1), last === null || blast === null ? null : last! + blast!]];
    } else if (["sum", "ave", "mul"].includes(mode)) merged = [fo];
    else throw new ArgError(`Bidirectional: merge_mode must be concat/sum/ave/mul/None, got "${mode}"`);
    const macs = f.macs === null || b.macs === null ? null : f.macs + b.macs;
    return { outputs: [...merged, ...fs, ...bs], macs };
  },
};

const TimeDistributed: KerasLayerSpec = {
  signature: [
    ["layer", REQUIRED],
    ["**kwargs", null],
  ],
  build(a, inputs) {
    const ref = layerArg(a, "layer", "TimeDistributed");
    const s = single(inputs, "TimeDistributed");
    if (s.length < 2) throw new ShapeError("TimeDistributed: expected an input with a time axis and features");
    return inner(ref, "TimeDistributed").build(ref.args, [s.slice(1)]);
  },
  call(a, inputs) {
    const ref = layerArg(a, "layer", "TimeDistributed");
    const s = single(inputs, "TimeDistributed");
    if (s.length < 2) throw new ShapeError("TimeDistributed: expected an input with a time axis and features");
    const r = inner(ref, "TimeDistributed").call(ref.args, [s.slice(1)]);
    return { outputs: r.outputs.map((o) => [s[0]!, ...o]), macs: r.macs === null ? null : mul(s[0]!, r.macs) };
  },
};

/**
 * keras/src/layers/normalization/spectral_normalization.py: build() builds the wrapped layer, takes its
 * `kernel` (or Embedding's `embeddings`) and adds vector_u (1, kernel.shape[-1]), non-trainable. The
 * power iteration that rescales the kernel runs once per training step, whatever the batch size
 * ((2·power_iterations + 1) kernel-sized products): not a per-sample cost, so not in the MACs.
 */
const SpectralNormalization: KerasLayerSpec = {
  signature: [
    ["layer", REQUIRED],
    ["power_iterations", 1],
    ["**kwargs", null],
  ],
  build(a, inputs) {
    const ref = layerArg(a, "layer", "SpectralNormalization");
    const n = rawArg(a, "power_iterations");
    if (typeof n !== "number" || n <= 0)
      throw new ArgError("SpectralNormalization: power_iterations must be a positive int");
    const built = inner(ref, "SpectralNormalization").build(ref.args, inputs);
    const kernel = built.weights.kernel ?? built.weights.embeddings;
    if (kernel === undefined)
      throw new ArgError(`SpectralNormalization: ${ref.kerasLayer} has neither a kernel nor embeddings`);
    return {
      weights: { ...built.weights, vector_u: [1, kernel[kernel.length - 1]!] },
      trainable: { ...built.trainable, vector_u: false },
    };
  },
  call(a, inputs) {
    const ref = layerArg(a, "layer", "SpectralNormalization");
    return inner(ref, "SpectralNormalization").call(ref.args, inputs);
  },
};

export const WRAPPER_LAYERS: Record<string, KerasLayerSpec> = { Bidirectional, TimeDistributed, SpectralNormalization };
