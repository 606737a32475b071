// Keras models as graphs of layer calls: the functional graph between inputs and outputs, the
// Sequential chain, and the walk that totals a model's weights (frozen flags inherited from the
// containing layer, shared layers once) and MACs.

import type { Node } from "web-tree-sitter";
import type { Interp } from "../../../evaluate/interp";
import type { TensorV, Value } from "../../../evaluate/values";
import { countWeights } from "../kerasLayerSpec";
import { callLayer } from "./layerCall";
import { type CallRecord, kerasState, type LayerState } from "./state";
import { kerasTensor, tensorsIn } from "./tensors";

/** Top-level calls between `inputs` and `outputs`, in the order the script made them. */
export function functionalGraph(ip: Interp, inputs: TensorV[], outputs: Value): CallRecord[] {
  const ks = kerasState(ip);
  const stop = new Set(inputs);
  const found = new Set<CallRecord>();
  const todo = tensorsIn(outputs);
  while (todo.length > 0) {
    const t = todo.pop()!;
    if (stop.has(t)) continue;
    const rec = ks.tensors.get(t)?.producer;
    if (!rec || found.has(rec)) continue;
    found.add(rec);
    todo.push(...rec.inputs);
  }
  return [...found].sort((a, b) => a.seq - b.seq);
}

/** Builds a Sequential on its input shape: one call of the whole chain, recorded as the model's graph. */
export function buildSequential(ip: Interp, st: LayerState, node: Node | null): void {
  if (!st.seqInput) return;
  const ks = kerasState(ip);
  const saved = ks.stack.splice(0);
  try {
    callLayer(ip, st, [kerasTensor(ip, st.seqInput, null)], new Map(), node);
  } finally {
    ks.stack.push(...saved);
  }
}

export function totalMacs(r: CallRecord): number | null {
  let sum = r.ownMacs;
  for (const c of r.children) {
    const m = totalMacs(c);
    sum = sum === null || m === null ? null : sum + m;
  }
  return sum;
}

export interface LayerTotals {
  layer: LayerState;
  params: number;
  trainable: number;
  macs: number | null;
  calls: number;
  inputShape: Array<number | null> | null;
  outputShape: Array<number | null> | null;
  /** Nesting path of layer names ("transformer_block.multi_head_attention"). */
  path: string[];
}

/** Every layer reached from a model's graph, with its own weights, trainability and MACs. */
export function modelLayers(ip: Interp, model: LayerState, graph: CallRecord[]): LayerTotals[] {
  const out = new Map<LayerState, LayerTotals>();
  const trainableFlag = (l: LayerState): boolean => {
    const t = l.inst.attrs.get("trainable");
    if (t?.k === "bool") return t.v;
    return l.trainableArg;
  };
  const visit = (r: CallRecord, frozen: boolean, path: string[]) => {
    const l = r.layer;
    const isFrozen = frozen || !trainableFlag(l);
    let entry = out.get(l);
    if (!entry) {
      const counts = l.built ? countWeights(l.built, !isFrozen) : { total: 0, trainable: 0 };
      entry = {
        layer: l,
        params: counts.total,
        trainable: counts.trainable,
        macs: 0,
        calls: 0,
        inputShape: r.inputShapes[0] ?? null,
        outputShape: r.outputShapes[0] ?? null,
        path: [...path, l.className],
      };
      out.set(l, entry);
    }
    entry.calls++;
    entry.macs = entry.macs === null || r.ownMacs === null ? null : entry.macs + r.ownMacs;
    for (const c of r.children) visit(c, isFrozen, entry.path);
  };
  void ip;
  for (const r of graph) visit(r, false, []);
  if (!out.has(model) && model.built) {
    const c = countWeights(model.built, trainableFlag(model));
    out.set(model, {
      layer: model,
      params: c.total,
      trainable: c.trainable,
      macs: 0,
      calls: 0,
      inputShape: null,
      outputShape: null,
      path: [model.className],
    });
  }
  return [...out.values()];
}
