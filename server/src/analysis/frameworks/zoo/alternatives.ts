// Smaller / distilled alternatives (data/alternatives.json) sized like the model a run trains: a
// Hugging Face checkpoint with the same head at the same sequence length (hfArch formulas), or a
// torchvision builder with its tabulated MACs at the same resolution (torchvision.json oracle).
import type { ModuleState } from "../torch/moduleState";
import { TORCHVISION_ZOO } from "../torch/zooData";
import { hfStateInfo } from "../transformers/hfModel";
import { defaultTokens, findCheckpoint, sizeCheckpoint } from "../transformers/hfZoo";
import type { ModelCost, PretrainedRef, RunSpec, SmallerModel } from "../../types";
import data from "./data/alternatives.json";

interface AltRow {
  hub: "huggingface" | "torchvision";
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
  const from = TORCHVISION_ZOO[ref.name];
  const to = TORCHVISION_ZOO[alt.to];
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
