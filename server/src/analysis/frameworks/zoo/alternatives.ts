// Smaller / distilled alternatives (data/alternatives.json) sized like the model a run trains: a
// Hugging Face checkpoint with the same head at the same sequence length (hfArch formulas), or a
// torchvision builder with its tabulated MACs at the same resolution (torchvision.json oracle).
import type { ModuleState } from "../torch/moduleState";
import { appForward, appWeights, findKerasApp } from "../keras/applications";
import { prodDims } from "../keras/layers/kerasArgs";
import { torchvisionZoo } from "../torch/zooData";
import { hfStateInfo } from "../transformers/hfModel";
import { defaultTokens, findCheckpoint, sizeCheckpoint } from "../transformers/hfZoo";
import type { LayerCost, ModelCost, PretrainedRef, RunSpec, SmallerModel } from "../../types";
import data from "./data/alternatives.json";

interface AltRow {
  hub: "huggingface" | "torchvision" | "keras";
  from: string;
  to: string;
  weights?: string;
  quality: { metric: string; from: number; to: number } | null;
  source: string;
}

const ROWS = data.alternatives as AltRow[];

/** Alternatives listed for a checkpoint, the one rule FP130 proposes first. */
export function alternativesFor(hub: string, name: string): AltRow[] {
  const id = hub === "huggingface" ? (findCheckpoint(name)?.id ?? name) : name;
  return ROWS.filter((r) => r.hub === hub && r.from === id);
}

export function allAlternatives(): readonly AltRow[] {
  return ROWS;
}

/** The catalogued checkpoint behind a module tree: an HF model from from_pretrained/from_config, or a torchvision builder. */
export function pretrainedRefOf(m: ModuleState): PretrainedRef | undefined {
  const hf = hfStateInfo(m);
  if (hf?.req.checkpoint)
    return {
      hub: "huggingface",
      name: hf.req.checkpoint,
      task: hf.sized.breakdown.task,
      numLabels: hf.sized.breakdown.numLabels,
      weights: hf.req.pretrained,
      ...(hf.decoderTokens ? { decoderTokens: hf.decoderTokens } : {}),
    };
  if (m.zoo) {
    // torchvision builders load weights with weights=... (or the deprecated pretrained=True).
    const call = m.node?.text ?? "";
    const weights = /\bweights\s*=\s*(?!None\b)/.test(call) || /\bpretrained\s*=\s*True\b/.test(call);
    return { hub: "torchvision", name: m.zoo.name, task: "image-classification", numLabels: m.zoo.classes, weights };
  }
  return undefined;
}

const quality = (r: AltRow) => (r.quality ? `${r.quality.metric} ${r.quality.from} → ${r.quality.to}` : null);

/** The first listed alternative, sized for the model's task, labels and input; null when none is catalogued. */
export function smallerModelFor(model: ModelCost, tokensPerSample: number | null = null): SmallerModel | null {
  const ref = model.pretrained;
  if (!ref) return null;
  const alt = alternativesFor(ref.hub, ref.name)[0];
  if (!alt) return null;
  // Frozen parts stay frozen in the same proportion (LoRA adapters scale with the layers they wrap).
  const share = model.params > 0 ? model.trainableParams / model.params : 1;
  const base = { hub: alt.hub, from: alt.from, to: alt.to, quality: quality(alt), source: alt.source };
  if (ref.hub === "huggingface") {
    const row = findCheckpoint(alt.to);
    const s = row ? sizeCheckpoint(row, ref.task, ref.numLabels) : null;
    if (!row || !s) return null;
    const tokens = model.inputShape?.[0] ?? tokensPerSample ?? defaultTokens(row);
    return {
      ...base,
      params: s.params,
      trainableParams: Math.round(s.params * share),
      forwardFlops: 2 * s.macsAt(tokens, ref.decoderTokens),
    };
  }
  if (ref.hub === "keras") return kerasAlternative(model, ref, alt.to, base);
  const from = torchvisionZoo()[ref.name];
  const to = torchvisionZoo()[alt.to];
  const res =
    model.inputShape && model.inputShape.length === 3 ? String(model.inputShape[1]) : String(from?.defaultResolution);
  const fm = from?.macs[res]?.macs;
  const tm = to?.macs[res]?.macs;
  if (!from || !to || !fm || !tm || model.forwardFlops === null) return null;
  // The alternative gets the model's head (its class count, from the traced head layer) and any layers
  // the script added beyond the builder's; its body is the builder's own.
  const headLayer = model.layers.find((l) => l.path === from.heads[0]?.path);
  const classes = headLayer?.outputShape?.[0] ?? ref.numLabels ?? from.defaultNumClasses;
  const heads = (e: typeof from, n: number) =>
    e.heads.reduce(
      (a, h) => a + h.inFeatures * n * (h.kernelSize ?? [1]).reduce((x, y) => x * y, 1) + (h.bias ? n : 0),
      0,
    );
  const body = (e: typeof from) =>
    e.children.reduce((a, c) => a + c.params, 0) + e.rootParams - heads(e, e.defaultNumClasses);
  const extras = Math.max(0, model.params - body(from) - heads(from, classes));
  const params = body(to) + heads(to, classes) + extras;
  const out: SmallerModel = {
    ...base,
    params,
    trainableParams: Math.round(params * share),
    forwardFlops: model.forwardFlops * (tm / fm),
  };
  if (alt.weights) out.weights = alt.weights;
  return out;
}

/** Attaches the smaller alternative of the run's (single, pretrained) model to its spec. */
export function attachSmallerModel(spec: RunSpec, models: ModelCost[]): void {
  const m = models.find((x) => x.name === spec.model && x.pretrained);
  const s = m ? smallerModelFor(m, spec.tokensPerSample) : null;
  if (s) spec.smallerModel = s;
}

/**
 * A keras.applications base swapped for another with the same head choice (include_top, classes,
 * pooling) at the same input side: the base's weights and MACs come from the catalog, and the
 * layers on top that read its features (Dense, BatchNormalization after pooling or Flatten) are
 * resized to the new feature count. A frozen base stays frozen. Null when that cannot be exact.
 */
function kerasAlternative(
  model: ModelCost,
  ref: PretrainedRef,
  to: string,
  base: Omit<SmallerModel, "params" | "trainableParams" | "forwardFlops">,
): SmallerModel | null {
  const row = findKerasApp(to);
  const fromRow = findKerasApp(ref.name);
  const at = model.layers.findIndex((l) => l.type === ref.name);
  const layer = model.layers[at];
  // A base built on None×None images (no input_shape) has no shapes of its own: the model's input,
  // when the base is its first layer with weights, is what reaches it.
  const input = layer?.inputShape ?? (model.layers.findIndex((l) => l.params > 0) === at ? model.inputShape : null);
  if (!row || !fromRow || !layer || !ref.keras || model.forwardFlops === null || !input) return null;
  const fwd = appForward(to, row, ref.keras, input);
  const was = appForward(ref.name, fromRow, ref.keras, input);
  const fromMacs = layer.macs ?? was.macs;
  if (fwd.macs === null || fromMacs === null) return null;
  let top = { params: 0, trainable: 0, macs: 0 };
  if (!ref.keras.includeTop) {
    const fromOut =
      layer.outputShape ?? (was.output.every((d) => typeof d === "number") ? (was.output as number[]) : null);
    const resized = resizeOnTop(model.layers.slice(at + 1), fromOut, fwd.output);
    if (!resized) return null;
    top = resized;
  }
  const w = appWeights(row, ref.keras);
  const frozen = layer.trainableParams === 0;
  return {
    ...base,
    params: model.params - layer.params + w.params + top.params,
    trainableParams: model.trainableParams - layer.trainableParams + (frozen ? 0 : w.trainable) + top.trainable,
    forwardFlops: model.forwardFlops + 2 * (fwd.macs - fromMacs + top.macs),
    source: `${base.source}; ${to} sized from the keras.applications catalog at ${input.slice(0, 2).join("×")}${fwd.approximation ? ` (${fwd.approximation})` : ""}`,
  };
}

/** Normalisations whose weights are all per feature: they scale with the feature count as traced. */
const PER_FEATURE = new Set(["BatchNormalization", "LayerNormalization"]);

/**
 * How the layers reading the base's features change when the base's output goes from `fromOut` to
 * `toOut`: those taking the pooled channels or the flattened map (Dense: units more weights per
 * input; a per-feature normalisation: its traced weights per feature, whatever its center/scale).
 * Null when a layer that reads them is neither, or the new map's size is unknown (an input side
 * the catalog does not tabulate).
 */
function resizeOnTop(
  after: readonly LayerCost[],
  fromOut: readonly number[] | null,
  toOut: readonly (number | null)[],
): { params: number; trainable: number; macs: number } | null {
  if (!fromOut || fromOut.length === 0) return null;
  const fromF = fromOut[fromOut.length - 1];
  const toF = toOut[toOut.length - 1];
  if (typeof toF !== "number") return null;
  // Pooled (1-D) output: channels; a feature map: pooled channels or the flattened map, by what reads it.
  const pairs = new Map<number, number>([[fromF, toF]]);
  if (fromOut.length > 1) {
    const fromFlat = prodDims(fromOut);
    const toFlat = prodDims(toOut);
    if (fromFlat !== null && toFlat !== null) pairs.set(fromFlat, toFlat);
  }
  const out = { params: 0, trainable: 0, macs: 0 };
  // Walks the layers after the base up to the first Dense: that one reads the base's features, and
  // what follows reads the Dense (a later Dense(2048) is not the base's 2,048 channels).
  for (const l of after) {
    if (l.params === 0) continue;
    const n = l.inputShape?.length === 1 ? l.inputShape[0] : null;
    const next = n === null ? undefined : pairs.get(n);
    if (n === null || next === undefined) return null;
    const d = next - n;
    if (PER_FEATURE.has(l.type)) {
      out.params += (l.params / n) * d;
      out.trainable += (l.trainableParams / n) * d;
      continue;
    }
    if (l.type !== "Dense" || l.outputShape?.length !== 1) return null;
    const units = l.outputShape[0];
    out.params += d * units;
    out.trainable += l.trainableParams > 0 ? d * units : 0;
    out.macs += d * units;
    return out;
  }
  return out;
}
