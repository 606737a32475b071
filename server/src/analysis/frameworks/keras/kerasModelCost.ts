// Turns the Keras models a script built into ModelCost: root models (not a layer of another
// model), weights as model.summary() counts them (frozen layers and BatchNorm statistics as
// non-trainable), MACs per sample from the recorded graph — replayed on the fit() data shape when
// the model declared a None axis.

import type { Interp } from "../../evaluate/interp";
import { BudgetExhausted } from "../../evaluate/budget";
import { nodeRange } from "../../parse/nodes";
import type { LayerCost, ModelCost, PretrainedRef, Unknown } from "../../types";
import { callLayer } from "./runtime/layerCall";
import { modelLayers, totalMacs } from "./runtime/models";
import { type CallRecord, isModelKind, kerasState, type LayerState } from "./runtime/state";
import { kerasTensor } from "./runtime/tensors";

const INPUT_HINT = "give the model an input shape (`keras.Input(shape=...)`) or add `# footprint: input 28x28x1`";

function sumMacs(graph: CallRecord[]): number | null {
  let s = 0;
  for (const r of graph) {
    const m = totalMacs(r);
    if (m === null) return null;
    s += m;
  }
  return s;
}

/**
 * A catalog layer reached from the model's graph whose build() never ran: its input was a value the
 * analysis could not follow (an op it does not model), so its weights were never counted.
 */
function unbuilt(l: LayerState): boolean {
  return l.kind === "catalog" && l.spec !== null && l.built === null;
}

/** Models nested as a layer of another model's graph are reported inside it, not on their own. */
function nestedModels(ip: Interp): Set<LayerState> {
  const inner = new Set<LayerState>();
  const walk = (r: CallRecord, owner: LayerState) => {
    if (r.layer !== owner && isModelKind(r.layer.kind)) inner.add(r.layer);
    for (const c of r.children) walk(c, owner);
  };
  for (const st of kerasState(ip).layers.values()) if (isModelKind(st.kind)) for (const r of st.graph) walk(r, st);
  return inner;
}

function boundNames(ip: Interp): Map<LayerState, string> {
  const names = new Map<LayerState, string>();
  const main = ip.fileModules.get(ip.ctx.path);
  if (!main || main === "loading") return names;
  const ks = kerasState(ip);
  for (const [name, v] of main.attrs) {
    const st = v.k === "instance" ? ks.layers.get(v) : undefined;
    if (st && !names.has(st)) names.set(st, name);
  }
  return names;
}

/** MACs on the training data's shape: a model declared with a None axis is replayed on fit()'s shape. */
function replayOnFitShape(ip: Interp, st: LayerState): number | null {
  if (!st.fitInput) return null;
  const ks = kerasState(ip);
  ks.replaying = true;
  const saved = ks.stack.splice(0);
  const probe: CallRecord = {
    seq: -1,
    layer: st,
    inputs: [],
    outputs: [],
    inputShapes: [],
    outputShapes: [],
    ownMacs: 0,
    children: [],
  };
  ks.stack.push(probe);
  try {
    const ins = st.fitInput.map((s) => kerasTensor(ip, s, null));
    callLayer(ip, st, [ins.length === 1 ? ins[0]! : { k: "list", items: ins }], new Map(), null);
    return totalMacs(probe);
  } catch (err) {
    if (err instanceof BudgetExhausted) return null;
    throw err;
  } finally {
    ks.stack.length = 0;
    ks.stack.push(...saved);
    ks.replaying = false;
  }
}

export function kerasModelCosts(ip: Interp): ModelCost[] {
  const ks = kerasState(ip);
  const inner = nestedModels(ip);
  const names = boundNames(ip);
  const out: ModelCost[] = [];
  for (const st of ks.layers.values()) {
    if (!isModelKind(st.kind) || !st.site) continue;
    // A keras.applications base the script names (`base_model = MobileNetV2(...)`) is reported on its
    // own as well as inside the model that wraps it, as Keras' own summary of base_model would be.
    if (inner.has(st) && !(st.kind === "zoo" && names.has(st))) continue;
    // An unbuilt helper model that the script never binds at top level is not a model it trains.
    if (st.graph.length === 0 && !names.has(st) && st.kind !== "zoo") continue;
    out.push(modelCost(ip, st, names.get(st) ?? null));
  }
  return out;
}

function modelCost(ip: Interp, st: LayerState, name: string | null): ModelCost {
  const unknowns: Unknown[] = [];
  const totals = modelLayers(ip, st, st.graph);
  if (st.heldLayers) {
    for (const h of st.heldLayers)
      for (const t of modelLayers(ip, h, h.graph)) if (!totals.some((x) => x.layer === t.layer)) totals.push(t);
    unknowns.push({
      message: `${name ?? st.className}: no call(), so fit() runs its train_step, whose forward and backward passes (over the models it holds) the analysis does not price`,
      range: st.site,
      hint: "add `# footprint: flops N` (the forward FLOPs one training sample costs across train_step's model calls)",
    });
  }
  let params = 0;
  let trainable = 0;
  const layers: LayerCost[] = [];
  for (const t of totals) {
    params += t.params;
    trainable += t.trainable;
    if (t.layer.problem)
      unknowns.push({
        message: t.layer.problem,
        range: t.layer.site,
        ...(t.layer.problemHint ? { hint: t.layer.problemHint } : {}),
      });
    // One note per layer site: a helper layer class instantiated in a loop shares its site.
    else if (unbuilt(t.layer) && !unknowns.some((u) => u.range === t.layer.site && /unknown shape/.test(u.message)))
      unknowns.push({
        message: `${t.layer.className}: called on a tensor of unknown shape, so its weights and FLOPs are unknown`,
        range: t.layer.site,
      });
    if (t.layer.zoo?.approximation) unknowns.push({ message: t.layer.zoo.approximation, range: t.layer.site });
    if (t.layer !== st && t.layer.zoo?.note) unknowns.push({ message: t.layer.zoo.note, range: t.layer.site });
    if (t.layer.zoo?.layerProxy?.attrs.has("trainable"))
      unknowns.push({
        message: `${t.layer.className}: trainable flags set on individual layers of a keras.applications model are not modelled; it counts as wholly ${t.trainable > 0 ? "trainable" : "frozen"} (its own .trainable)`,
        range: t.layer.site,
      });
    if (t.layer === st || isModelKind(t.layer.kind) || t.layer.kind === "custom") {
      if (t.params === 0) continue;
    }
    layers.push({
      path: t.path.slice(1).join(".") || t.layer.className,
      type: t.layer.className,
      range: t.layer.node && ip.currentFile === ip.ctx.path ? nodeRange(t.layer.node) : null,
      params: t.params,
      trainableParams: t.trainable,
      inputShape: t.inputShape?.every((d) => d !== null) ? (t.inputShape as number[]) : null,
      outputShape: t.outputShape?.every((d) => d !== null) ? (t.outputShape as number[]) : null,
      macs: t.macs,
      // Conv1D…Conv3D and their Transpose, Separable, Depthwise and ConvLSTM forms: convolutions, not matmuls.
      ...(t.macs && /Conv(LSTM)?\d/.test(t.layer.className) ? { convMacs: t.macs } : {}),
      calls: t.calls,
    });
  }
  if (st.graph.length === 0 && !st.problem) {
    unknowns.push({
      message: `${name ?? st.className}: never built (no input shape and no fit() data), so its weights are unknown`,
      range: st.site,
      hint: INPUT_HINT,
    });
  }
  if (st.zoo?.note) unknowns.push({ message: st.zoo.note, range: st.site });
  // A layer whose weights are unknown (its own problem, or a Sequential entry the catalog does not
  // model) makes the total a lower bound and the model's FLOPs unknown, never a confident number.
  const incomplete = totals.some((t) => t.layer.problem !== null || unbuilt(t.layer)) || st.problem !== null;
  let macs = st.graph.length && !st.problem ? sumMacs(st.graph) : null;
  if (macs === null && st.graph.length && !st.problem) macs = replayOnFitShape(ip, st);
  if (st.problem && !totals.some((t) => t.layer === st))
    unknowns.push({ message: st.problem, range: st.site, ...(st.problemHint ? { hint: st.problemHint } : {}) });
  const first = st.graph[0];
  const declared = st.fitInput?.[0] ?? first?.inputShapes[0] ?? st.seqInput;
  const inputShape = declared?.every((d) => d !== null) ? (declared as number[]) : null;
  // A layer that could not be sized already says why (an unknown argument, an uncatalogued module):
  // an input-shape hint on top would send the user after the wrong fix.
  if (macs === null && st.graph.length && !st.problem && !totals.some((t) => t.layer.problem))
    unknowns.push({
      message: `${name ?? st.className}: FLOPs unknown (an input axis is None or a layer is not modelled)`,
      range: st.site,
      hint: INPUT_HINT,
    });
  const pretrained = pretrainedBase(totals.map((t) => t.layer));
  return {
    ...(pretrained ? { pretrained } : {}),
    id: st.id,
    name: name ?? st.className,
    className: st.className,
    range: st.site!,
    definition:
      st.inst.cls.node && st.inst.cls.file ? { file: st.inst.cls.file, range: nodeRange(st.inst.cls.node) } : null,
    framework: "keras",
    params,
    trainableParams: trainable,
    ...(incomplete ? { paramsInexact: "lowerBound" as const } : {}),
    forwardMacs: macs,
    forwardFlops: macs === null ? null : 2 * macs,
    inputShape,
    inputShapeSource: st.fitInput ? "fit() data" : inputShape ? "keras.Input / input_shape" : null,
    layers,
    unknowns,
  };
}

/**
 * The catalogued keras.applications base a model is built on (itself, or the one application inside
 * a transfer-learning model): what FP130 offers a smaller alternative for. Null with none or several.
 */
function pretrainedBase(layers: LayerState[]): PretrainedRef | null {
  const bases = [...new Set(layers.filter((l) => l.zoo?.app))];
  if (bases.length !== 1) return null;
  const zoo = bases[0].zoo!;
  const config = zoo.app!.config;
  return {
    hub: "keras",
    name: zoo.name,
    task: "image-classification",
    numLabels: config.includeTop ? config.classes : null,
    weights: zoo.imagenet === true,
    keras: { ...config },
  };
}
