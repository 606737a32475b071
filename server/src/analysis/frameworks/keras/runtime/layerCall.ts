// Calling a Keras layer or model on symbolic tensors: catalog layers build their weights from the
// first input shape and apply their shape/MAC rule; custom layers and subclassed models run their
// call() (children are recorded under them); functional and Sequential models replay their graph.

import type { Node } from "web-tree-sitter";
import { bindAttr } from "../../../evaluate/attributes";
import { BudgetExhausted } from "../../../evaluate/budget";
import { callValue } from "../../../evaluate/calls/call";
import { lookupClassAttr } from "../../../evaluate/classes";
import type { Interp } from "../../../evaluate/interp";
import { int, type Kw, NONE, type TensorV, tuple, unknown, type Value } from "../../../evaluate/values";
import { appForward } from "../applications";
import { type KArg, type Shape, UNKNOWN } from "../kerasLayerSpec";
import { markConcrete, recordModelForward } from "./customLoop";
import { type CallRecord, isModelKind, kerasState, LAMBDA_ARGUMENTS, LAMBDA_FUNCTION, type LayerState } from "./state";
import { kerasTensor, mapTensors, sampleShape, tensorsIn } from "./tensors";

/** A Python value as a catalog argument; a layer instance becomes a nested-layer reference. */
export function toKArg(ip: Interp, v: Value): KArg {
  switch (v.k) {
    case "num":
    case "bool":
    case "str":
      return v.v;
    case "none":
      return null;
    case "tuple":
    case "list":
      return v.items.map((x) => toKArg(ip, x));
    case "instance": {
      const st = kerasState(ip).layers.get(v);
      return st?.spec && st.args ? { kerasLayer: st.className, args: st.args } : UNKNOWN;
    }
    default:
      return UNKNOWN;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The tensors a catalog layer reads: a list argument's items, else the positional tensors, then
 * key/value keywords. A list with an unknown item (a branch the analysis could not follow) gives
 * that unknown: dropping it would build `Concatenate` on fewer inputs and count too few weights.
 */
function catalogInputs(args: Value[], kw: Kw): TensorV[] | UnknownV {
  const first = args[0];
  if (first && (first.k === "list" || first.k === "tuple"))
    return first.items.find((x): x is UnknownV => x.k === "unknown") ?? tensorsIn(first);
  const out = tensorsIn(tuple(args));
  for (const name of ["value", "key"]) {
    const t = kw.get(name);
    if (t?.k === "tensor") out.push(t);
  }
  return out;
}

function newRecord(ip: Interp, st: LayerState, inputs: TensorV[], shapes: Shape[]): CallRecord {
  const seq = kerasState(ip).nextSeq++;
  return { seq, layer: st, inputs, outputs: [], inputShapes: shapes, outputShapes: [], ownMacs: 0, children: [] };
}

/** Runs `fn` with `rec` as the innermost call, attaching it to its parent. */
function within<T>(ip: Interp, rec: CallRecord, fn: () => T): T {
  const ks = kerasState(ip);
  const parent = ks.stack[ks.stack.length - 1];
  if (parent) parent.children.push(rec);
  ks.stack.push(rec);
  try {
    return fn();
  } finally {
    ks.stack.pop();
  }
}

type UnknownV = Extract<Value, { k: "unknown" }>;

function callCatalog(ip: Interp, st: LayerState, args: Value[], kw: Kw, node: Node | null): Value {
  const read = catalogInputs(args, kw);
  const inputs = Array.isArray(read) ? read : [];
  const shapes = inputs.map((t) => sampleShape(ip, t));
  const known = shapes.every((s): s is Shape => s !== null) && inputs.length > 0;
  const rec = newRecord(ip, st, inputs, known ? (shapes as Shape[]) : []);
  return within(ip, rec, () => {
    if (!known || !st.spec || !st.args) {
      rec.ownMacs = null;
      if (!st.problem) ip.note(`${st.className}: input shape unknown, so its weights and FLOPs are unknown`, node);
      // An unknown input passes its own reason on, so the model names the layer that was not modelled.
      const first = Array.isArray(read) ? args[0] : read;
      return first?.k === "unknown" ? first : unknown(st.problem ?? `${st.className} output shape unknown`, node);
    }
    try {
      if (!st.built) st.built = st.spec.build(st.args, rec.inputShapes);
      const r = st.spec.call(st.args, rec.inputShapes);
      rec.ownMacs = r.macs;
      rec.outputShapes = r.outputs;
      rec.outputs = r.outputs.map((s) => kerasTensor(ip, s, rec));
      return rec.outputs.length === 1 ? rec.outputs[0]! : { k: "list", items: rec.outputs };
    } catch (err) {
      if (err instanceof BudgetExhausted) throw err;
      st.problem = describe(err) + (st.unknownArgs ? ` (${st.unknownArgs.join("; ")})` : "");
      rec.ownMacs = null;
      ip.note(st.problem, node);
      return unknown(st.problem, node);
    }
  });
}

/** Replays a functional or Sequential model's recorded graph on new inputs. */
function callGraph(ip: Interp, st: LayerState, args: Value[], node: Node | null): Value {
  if (st.kind === "sequential") {
    let x: Value = args[0] ?? NONE;
    for (const l of st.seqLayers) x = callValue(ip, l, [x], new Map(), node);
    return x;
  }
  const given = tensorsIn(args[0]);
  const mapping = new Map<TensorV, Value>();
  st.inputs.forEach((t, i) => {
    if (given[i]) mapping.set(t, given[i]!);
  });
  for (const rec of st.graph) {
    const replace = (t: TensorV): Value => mapping.get(t) ?? t;
    const out = callValue(ip, rec.layer.inst, [mapTensors(tuple(rec.inputs), replace)], new Map(), node);
    const outs = tensorsIn(out);
    rec.outputs.forEach((o, i) => {
      if (outs[i]) mapping.set(o, outs[i]!);
    });
  }
  return st.outputs ? mapTensors(st.outputs, (t) => mapping.get(t) ?? t) : unknown("model outputs unknown", node);
}

/** A keras.applications model on its input: output shape and MACs from the catalog at that input side. */
function callZoo(ip: Interp, st: LayerState, rec: CallRecord, node: Node | null): Value {
  const app = st.zoo?.app;
  const shape = rec.inputShapes[0];
  if (!app || !shape || st.problem) {
    rec.ownMacs = null;
    return unknown(st.problem ?? `${st.className} output shape is not modelled`, node);
  }
  const f = appForward(st.className, app.row, app.config, shape);
  rec.ownMacs = f.macs;
  if (f.approximation && st.zoo) {
    st.zoo.approximation = f.approximation;
    ip.note(f.approximation, node);
  }
  return kerasTensor(ip, f.output, rec);
}

/** `layer(*args, **kw)` for every Keras layer and model. */
export function callLayer(ip: Interp, st: LayerState, args: Value[], kw: Kw, node: Node | null): Value {
  if (st.kind === "catalog") return callCatalog(ip, st, args, kw, node);
  const inputs = tensorsIn(args[0]);
  const shapes = inputs.map((t) => sampleShape(ip, t) ?? []);
  const rec = newRecord(ip, st, inputs, shapes);
  const atTop = kerasState(ip).stack.length === 0 && !kerasState(ip).replaying;
  const onData = atTop && isModelKind(st.kind) && recordModelForward(ip, st, inputs, node);
  const out = within(ip, rec, () => {
    if (st.kind === "functional") return callGraph(ip, st, args, node);
    if (st.kind === "sequential") {
      if (st.seqInput === null && inputs[0]) st.seqInput = sampleShape(ip, inputs[0]);
      return callGraph(ip, st, args, node);
    }
    if (st.kind === "zoo") return callZoo(ip, st, rec, node);
    return callUserCall(ip, st, args, kw, node);
  });
  rec.outputs = tensorsIn(out);
  if (onData) markConcrete(rec.outputs);
  rec.outputShapes = rec.outputs.map((t) => sampleShape(ip, t) ?? []);
  // Outputs belong to this call (not to the inner layer that made them), so a functional graph
  // walks through a custom layer as one node and raw ops inside its call() do not cut the walk.
  const ks = kerasState(ip);
  rec.outputs.forEach((t, i) => {
    ks.tensors.set(t, { shape: rec.outputShapes[i]!, producer: rec });
  });
  // A subclassed or Sequential model called at top level (by the script or by fit) is defined by
  // that call: the weights it built and the layers it ran.
  // A later call on data the interpreter could not size (no tensor) does not replace a known graph.
  const sized = inputs.length > 0 || st.graph.length === 0;
  if (atTop && sized && (st.kind === "sequential" || (st.kind === "subclass" && st.graph.length === 0)))
    st.graph = [rec];
  return out;
}

/** A custom Layer / subclassed Model: build(input_shape) once if defined, then call(). */
function callUserCall(ip: Interp, st: LayerState, args: Value[], kw: Kw, node: Node | null): Value {
  const build = lookupClassAttr(st.inst.cls, "build");
  if (build && build.k === "func" && !st.inst.attrs.has("__keras_built__")) {
    st.inst.attrs.set("__keras_built__", { k: "bool", v: true });
    const s = sampleShape(ip, tensorsIn(args[0])[0]);
    const shape = s ? tuple([NONE, ...s.map((d) => (d === null ? NONE : int(d)))]) : unknown("input shape", node);
    callValue(ip, bindAttr(ip, st.inst, build), [shape], new Map(), node);
  }
  const lambda = st.inst.attrs.get(LAMBDA_FUNCTION);
  if (lambda) return callLambda(ip, st, lambda, args, node);
  const call = lookupClassAttr(st.inst.cls, "call");
  if (!call || call.k !== "func") {
    // Keras tracks the layers a model holds as attributes (count_params counts them) even when it
    // has no call(); its forward, and so what fit() costs, is whatever its train_step does.
    const ks = kerasState(ip);
    const rec = ks.stack[ks.stack.length - 1];
    if (rec) rec.ownMacs = null;
    st.heldLayers = [...st.inst.attrs.values()].flatMap((v) => {
      const l = v.k === "instance" ? ks.layers.get(v) : undefined;
      return l && l !== st ? [l] : [];
    });
    return unknown(`${st.className} has no call()`, node);
  }
  // `training=` is accepted by call() signatures that declare it; others would reject it.
  const kw2 = new Map(kw);
  const takesAny = call.params.some((p) => p.kind === "starstar");
  if (!takesAny && !call.params.some((p) => p.name === "training")) kw2.delete("training");
  if (!takesAny && !call.params.some((p) => p.name === "mask")) kw2.delete("mask");
  return callValue(ip, bindAttr(ip, st.inst, call), args, kw2, node);
}

/**
 * A Lambda layer: its function on the inputs. Elementwise work counts 0 MACs (docs/keras-formulas.md);
 * a function that multiplies matrices with `@` (which the interpreter sizes but does not count) leaves
 * the MACs unknown rather than 0.
 */
function callLambda(ip: Interp, st: LayerState, f: Value, args: Value[], node: Node | null): Value {
  const rec = kerasState(ip).stack[kerasState(ip).stack.length - 1];
  const body = f.k === "func" ? f.node : null;
  if (rec && body?.descendantsOfType("binary_operator").some((b) => b?.childForFieldName("operator")?.text === "@"))
    rec.ownMacs = null;
  const extra = st.inst.attrs.get(LAMBDA_ARGUMENTS);
  const kw: Kw = new Map();
  if (extra?.k === "dict") for (const [, [key, v]] of extra.map) if (key.k === "str") kw.set(key.v, v);
  return callValue(ip, f, [args[0] ?? NONE], kw, node);
}
