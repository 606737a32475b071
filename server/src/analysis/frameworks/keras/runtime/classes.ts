// keras.layers.Layer / keras.Model / keras.Sequential and one class per catalog layer, created per
// analysis so scripts can subclass them; Input(), InputLayer and the functional merge helpers.

import type { Node } from "web-tree-sitter";
import { makeClass } from "../../../evaluate/classes";
import type { Interp } from "../../../evaluate/interp";
import { fn } from "../../../evaluate/nativeHelpers";
import {
  asInt,
  builtin,
  type ClassV,
  type InstanceV,
  type Kw,
  NONE,
  type NativeFn,
  TRUE,
  type TensorV,
  unknown,
  type Value,
} from "../../../evaluate/values";
import { bindKerasArgs, constructedTrainable, type KArg, type Shape } from "../kerasLayerSpec";
import { KERAS_LAYERS, MERGE_FUNCTIONS } from "../layers/index";
import { callLayer, toKArg } from "./layerCall";
import { preprocessingMethods } from "./lookupMethods";
import { markWeight } from "./opsMatmul";
import { buildSequential, functionalGraph } from "./models";
import { kerasState, LAMBDA_ARGUMENTS, LAMBDA_FUNCTION, type LayerKind, type LayerState } from "./state";
import { kerasTensor, tensorsIn } from "./tensors";

export interface KerasClasses {
  Layer: ClassV;
  Model: ClassV;
  Sequential: ClassV;
  catalog: Map<string, ClassV>;
}

const CLASSES = new WeakMap<Interp, KerasClasses>();

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The Keras state of an instance, created on first use (a subclass may reach it before super().__init__). */
export function ensureState(ip: Interp, inst: InstanceV, node: Node | null, kind?: LayerKind): LayerState {
  const ks = kerasState(ip);
  let st = ks.layers.get(inst);
  if (!st) {
    const isModel = inst.cls.mro.some((c) => c.qualname === "keras.Model");
    st = {
      id: ks.nextId++,
      className: inst.cls.name,
      inst,
      kind: kind ?? (isModel ? "subclass" : "custom"),
      spec: null,
      args: null,
      problem: null,
      built: null,
      trainableArg: true,
      node,
      site: ip.range(node) ?? ip.foreignCallSite,
      seqLayers: [],
      seqInput: null,
      inputs: [],
      outputs: null,
      graph: [],
      zoo: null,
      fitInput: null,
    };
    ks.layers.set(inst, st);
  } else if (kind) st.kind = kind;
  return st;
}

/** Reads the per-sample shape a layer's `input_shape=` / `input_dim=` / `batch_input_shape=` keyword gives. */
export function declaredInputShape(kw: Kw): Shape | null {
  const shapeOf = (v: Value | undefined): Shape | null =>
    v && (v.k === "tuple" || v.k === "list") ? v.items.map((d) => asInt(d)) : null;
  const s = shapeOf(kw.get("input_shape"));
  if (s) return s;
  const b = shapeOf(kw.get("batch_input_shape"));
  if (b) return b.slice(1);
  const dim = asInt(kw.get("input_dim"));
  return dim !== null ? [dim] : null;
}

function kwToKArgs(ip: Interp, kw: Kw): Record<string, KArg> {
  const out: Record<string, KArg> = {};
  for (const [k, v] of kw) out[k] = toKArg(ip, v);
  return out;
}

function catalogInit(name: string): NativeFn {
  return (ip, [self, ...args], kw, node) => {
    if (self?.k !== "instance") return NONE;
    const st = ensureState(ip, self, node, "catalog");
    const spec = KERAS_LAYERS[name]!;
    st.spec = spec;
    st.className = name;
    try {
      st.args = bindKerasArgs(
        spec.signature,
        args.map((a) => toKArg(ip, a)),
        kwToKArgs(ip, kw),
        name,
      );
      st.trainableArg = constructedTrainable(st.args);
      const why = [...args, ...kw.values()].flatMap((v) => (v.k === "unknown" ? [v.reason] : []));
      if (why.length > 0) st.unknownArgs = why;
    } catch (err) {
      st.problem = describe(err);
      ip.note(st.problem, node);
    }
    return NONE;
  };
}

const layerCallFn: NativeFn = (ip, [self, ...args], kw, node) => {
  if (self?.k !== "instance") return NONE;
  return callLayer(ip, ensureState(ip, self, node), args, kw, node);
};

/** `self.add_weight(shape=..., trainable=...)` in a custom layer's build()/__init__. */
const addWeight: NativeFn = (ip, [self, ...args], kw, node) => {
  if (self?.k !== "instance") return NONE;
  const st = ensureState(ip, self, node);
  const shapeV = kw.get("shape") ?? args[0];
  const shape = shapeV && (shapeV.k === "tuple" || shapeV.k === "list") ? shapeV.items.map((d) => asInt(d)) : [];
  if (shape.some((d) => d === null)) {
    st.problem = `${st.className}.add_weight: shape is unknown`;
    ip.note(st.problem, node);
  } else {
    st.built ??= { weights: {}, trainable: {} };
    const name = `w${Object.keys(st.built.weights).length}`;
    st.built.weights[name] = shape as number[];
    st.built.trainable[name] = kw.get("trainable")?.k === "bool" ? (kw.get("trainable") as { v: boolean }).v : true;
  }
  const w = kerasTensor(ip, shape, null);
  markWeight(ip, w);
  return w;
};

function modelInit(ip: Interp, [self, ...args]: Value[], kw: Kw, node: Node | null): Value {
  if (self?.k !== "instance") return NONE;
  const inputs = kw.get("inputs") ?? args[0];
  const outputs = kw.get("outputs") ?? args[1];
  if (inputs && outputs && tensorsIn(inputs).length > 0) {
    const st = ensureState(ip, self, node, "functional");
    st.inputs = tensorsIn(inputs);
    st.outputs = outputs;
    st.graph = functionalGraph(ip, st.inputs, outputs);
    // Outputs that are not symbolic tensors (a layer the catalog does not model returned an unknown
    // value): the graph cannot be walked, so the weights are unknown rather than "never built" or 0.
    if (tensorsIn(outputs).length === 0) {
      const why = outputs.k === "unknown" ? ` (${outputs.reason})` : "";
      st.problem ??= `${st.className}: its outputs are not Keras tensors the analysis could follow${why}, so the model's weights and FLOPs are unknown`;
      ip.note(st.problem, node);
    }
    return NONE;
  }
  ensureState(ip, self, node);
  return NONE;
}

function sequentialInit(ip: Interp, [self, ...args]: Value[], kw: Kw, node: Node | null): Value {
  if (self?.k !== "instance") return NONE;
  const st = ensureState(ip, self, node, "sequential");
  const given = kw.get("layers") ?? args[0];
  const items = given && (given.k === "list" || given.k === "tuple") ? given.items : [];
  for (const it of items) addToSequential(ip, st, it, node);
  if (st.seqInput) buildSequential(ip, st, node);
  return NONE;
}

/** `.add()` / list entry: an Input tensor or InputLayer sets the input shape; a layer is appended. */
export function addToSequential(ip: Interp, st: LayerState, it: Value, node: Node | null): void {
  if (it.k === "tensor") {
    const info = kerasState(ip).tensors.get(it);
    if (info) st.seqInput = info.shape;
    return;
  }
  if (it.k !== "instance") {
    // Skipping the entry would price the chain as if it were an identity: the model's weights and
    // FLOPs are unknown instead (a layer the catalog does not model, e.g. STFTSpectrogram, lands here).
    const why = it.k === "unknown" ? ` (${it.reason})` : "";
    st.problem ??= `${st.className}: an entry is not a Keras layer the analysis models${why}, so the model's weights and FLOPs are unknown`;
    ip.note(st.problem, node);
    return;
  }
  const ls = kerasState(ip).layers.get(it);
  if (ls?.className === "InputLayer") {
    st.seqInput = ls.seqInput;
    return;
  }
  const declares = ls?.kind === "catalog" || ls?.inst.attrs.has(LAMBDA_FUNCTION);
  if (st.seqLayers.length === 0 && ls?.seqInput && declares) st.seqInput = ls.seqInput;
  st.seqLayers.push(it);
}

/** Builds the classes once per analysis. */
export function kerasClasses(ip: Interp): KerasClasses {
  const cached = CLASSES.get(ip);
  if (cached) return cached;
  const layerAttrs = new Map<string, Value>([
    ["__call__", builtin("Layer.__call__", layerCallFn)],
    ["add_weight", builtin("Layer.add_weight", addWeight)],
    ["trainable", TRUE],
  ]);
  const Layer = makeClass("Layer", [], layerAttrs, {
    qualname: "keras.layers.Layer",
    native: {
      init: (ip2, [self], _kw, node) => {
        if (self?.k === "instance") ensureState(ip2, self, node);
        return NONE;
      },
    },
  });
  const Model = makeClass("Model", [Layer], new Map(), { qualname: "keras.Model", native: { init: modelInit } });
  const seqAttrs = new Map<string, Value>([
    [
      "add",
      builtin("Sequential.add", (ip2, [self, layer], _kw, node) => {
        if (self?.k !== "instance" || !layer) return NONE;
        const st = ensureState(ip2, self, node, "sequential");
        addToSequential(ip2, st, layer, node);
        if (st.seqInput) buildSequential(ip2, st, node);
        return NONE;
      }),
    ],
  ]);
  const Sequential = makeClass("Sequential", [Model], seqAttrs, {
    qualname: "keras.Sequential",
    native: { init: sequentialInit },
  });
  const catalog = new Map<string, ClassV>();
  const classes: KerasClasses = { Layer, Model, Sequential, catalog };
  CLASSES.set(ip, classes);
  return classes;
}

/** The class of a catalog layer (created on first use), or undefined for a name Keras lacks here. */
export function catalogClass(ip: Interp, name: string): ClassV | undefined {
  const k = kerasClasses(ip);
  const hit = k.catalog.get(name);
  if (hit) return hit;
  if (!KERAS_LAYERS[name]) return undefined;
  const cls = makeClass(name, [k.Layer], preprocessingMethods(name), {
    qualname: `keras.layers.${name}`,
    native: { init: catalogInit(name) },
  });
  // The input_shape= keyword of a first Sequential layer is remembered for the model.
  const init = cls.attrs.get("__init__")!;
  cls.attrs.set(
    "__init__",
    builtin(`${name}.__init__`, (ip2, args, kw, node) => {
      const r = init.k === "builtin" ? init.fn(ip2, args, kw, node) : NONE;
      const self = args[0];
      if (self?.k === "instance") {
        const st = ensureState(ip2, self, node);
        st.seqInput = declaredInputShape(kw);
      }
      return r;
    }),
  );
  k.catalog.set(name, cls);
  return cls;
}

/** keras.Input(shape=..., dtype=...) → a symbolic tensor with a None batch. */
export const kerasInput: NativeFn = (ip, args, kw, node) => {
  const shapeV = kw.get("shape") ?? args[0];
  // An unresolved shape (data the interpreter could not size) leaves the model unbuilt rather than scalar.
  if (shapeV && shapeV.k !== "tuple" && shapeV.k !== "list" && shapeV.k !== "none")
    return unknown("keras.Input: the shape is unknown", node);
  const shape = shapeV && (shapeV.k === "tuple" || shapeV.k === "list") ? shapeV.items.map((d) => asInt(d)) : [];
  const dt = kw.get("dtype");
  return kerasTensor(ip, shape, null, dt?.k === "str" ? dt.v : "float32");
};

/** keras.layers.InputLayer(input_shape=...) for Sequential lists. */
export function inputLayerClass(ip: Interp): ClassV {
  const k = kerasClasses(ip);
  return makeClass("InputLayer", [k.Layer], new Map(), {
    qualname: "keras.layers.InputLayer",
    native: {
      init: (ip2, [self, ...args], kw, node) => {
        if (self?.k !== "instance") return NONE;
        const st = ensureState(ip2, self, node);
        st.className = "InputLayer";
        const s = kw.get("shape") ?? kw.get("input_shape") ?? args[0];
        st.seqInput = s && (s.k === "tuple" || s.k === "list") ? s.items.map((d) => asInt(d)) : null;
        return NONE;
      },
    },
  });
}

/**
 * keras.layers.Lambda(function, output_shape=None, mask=None, arguments=None): no weights; its call
 * runs `function(inputs, **arguments)` (keras/src/layers/core/lambda_layer.py), so the output shape is
 * whatever the function makes of its inputs — followed by the interpreter, or unknown.
 */
export function lambdaClass(ip: Interp): ClassV {
  const k = kerasClasses(ip);
  return makeClass("Lambda", [k.Layer], new Map(), {
    qualname: "keras.layers.Lambda",
    native: {
      init: (ip2, [self, ...args], kw, node) => {
        if (self?.k !== "instance") return NONE;
        const st = ensureState(ip2, self, node);
        st.seqInput = declaredInputShape(kw);
        self.attrs.set(LAMBDA_FUNCTION, kw.get("function") ?? args[0] ?? NONE);
        self.attrs.set(LAMBDA_ARGUMENTS, kw.get("arguments") ?? NONE);
        return NONE;
      },
    },
  });
}

/** layers.concatenate([a, b], axis=...) and friends: build the layer and call it on the list. */
export function mergeFunction(name: string): Value {
  const className = MERGE_FUNCTIONS[name]!;
  return fn(`keras.layers.${name}`, (ip, [inputs, ...rest], kw, node) => {
    const cls = catalogClass(ip, className)!;
    const inst: InstanceV = { k: "instance", cls, attrs: new Map(), mod: null };
    const init = cls.attrs.get("__init__");
    if (init?.k === "builtin") init.fn(ip, [inst, ...rest], kw, node);
    return callLayer(ip, ensureState(ip, inst, node), [inputs ?? NONE], new Map(), node);
  });
}

export type { TensorV };
