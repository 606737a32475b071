// keras.applications in the interpreter: `ResNet50(include_top=False, weights="imagenet",
// input_shape=(224, 224, 3), pooling="avg")` (also through the resnet50/efficientnet/... submodules)
// becomes a zoo model sized from the catalog, with its own input/output tensors like a Keras
// Functional model, so it can be fitted, called as a layer (`base(x, training=False)`), frozen
// (`base.trainable = False`) or wired with `base.output`; preprocess_input passes its input through.

import type { Node } from "web-tree-sitter";
import type { Interp } from "../../../evaluate/interp";
import { fn, nativeModule, opaque } from "../../../evaluate/nativeHelpers";
import {
  asInt,
  asNumber,
  asString,
  type InstanceV,
  type Kw,
  list,
  NONE,
  type NativeV,
  unknown,
  type Value,
} from "../../../evaluate/values";
import { type AppConfig, appWeights, findKerasApp, kerasAppModules } from "../applications";
import type { Shape } from "../kerasLayerSpec";
import { ensureState, kerasClasses } from "./classes";
import { callLayer } from "./layerCall";
import { kerasState, type LayerState } from "./state";
import { kerasTensor } from "./tensors";

function shapeArg(v: Value | undefined): Shape | null {
  return v && (v.k === "tuple" || v.k === "list") ? v.items.map((d) => asInt(d)) : null;
}

/** The model's own input tensor and the output of calling it there (Keras builds it at construction). */
function buildOnInput(ip: Interp, st: LayerState, input: Value, node: Node | null): void {
  const ks = kerasState(ip);
  const saved = ks.stack.splice(0);
  try {
    const output = callLayer(ip, st, [input], new Map(), node);
    const rec = output.k === "tensor" ? ks.tensors.get(output)?.producer : undefined;
    if (rec && rec.layer === st) st.graph = [rec];
    st.inst.attrs.set("input", input);
    st.inst.attrs.set("inputs", list([input]));
    st.inst.attrs.set("output", output);
    st.inst.attrs.set("outputs", list([output]));
  } finally {
    ks.stack.push(...saved);
  }
}

/**
 * `base.layers`: the catalog has no per-layer list, so loops and slices over it reach one stand-in
 * layer; a `trainable` set on it is reported (the base still counts as wholly trainable or frozen).
 */
function layersView(ip: Interp, st: LayerState): NativeV {
  const proxy: InstanceV = { k: "instance", cls: kerasClasses(ip).Layer, attrs: new Map(), mod: null };
  if (st.zoo) st.zoo.layerProxy = proxy;
  const view: NativeV = {
    k: "native",
    type: `keras.applications.${st.className}.layers`,
    data: {},
    loop: { sample: proxy, tripCount: null, over: "unknown" },
    getattr: (_ip, _me, name, node) => unknown(`${st.className}.layers.${name} is not modelled`, node),
    getitem: (_ip, _me, key) => (key.k === "slice" ? view : proxy),
  };
  return view;
}

function construct(ip: Interp, name: string, kw: Kw, node: Node | null): Value {
  const k = kerasClasses(ip);
  const inst: InstanceV = { k: "instance", cls: k.Model, attrs: new Map(), mod: null };
  const st = ensureState(ip, inst, node, "zoo");
  st.className = name;
  const row = findKerasApp(name);
  if (!row) {
    st.zoo = {
      name,
      params: null,
      macs: null,
      note: `keras.applications.${name}: not in the keras.applications catalog`,
    };
    ip.note(st.zoo.note, node);
    return inst;
  }
  const top = kw.get("include_top");
  const config: AppConfig = {
    includeTop: top?.k === "bool" ? top.v : true,
    classes: asInt(kw.get("classes")) ?? 1000,
    pooling: asString(kw.get("pooling")) ?? null,
  };
  const w = appWeights(row, config);
  // Trainable and non-trainable (BatchNorm statistics) weights as two blocks: model.summary()'s split.
  st.built = {
    weights: { trainable_weights: [w.trainable], non_trainable_weights: [w.nonTrainable] },
    trainable: { trainable_weights: true, non_trainable_weights: false },
  };
  st.zoo = { name, params: w.params, macs: null, note: "", app: { row, config }, approximation: null };
  st.inst.attrs.set("layers", layersView(ip, st));
  // The catalog rows are the width-1.0 models; a width multiplier changes every layer's channels,
  // so its weights, FLOPs and output shape are unknown rather than the 1.0 numbers.
  for (const arg of ["alpha", "depth_multiplier"]) {
    const v = kw.get(arg);
    if (v === undefined || asNumber(v) === 1) continue;
    st.built = null;
    st.problem ??= `keras.applications.${name}: ${arg}=${asNumber(v) ?? "?"} is not modelled (the catalog holds ${arg}=1.0), so its weights, FLOPs and output shape are unknown`;
    ip.note(st.problem, node);
  }
  const weights = kw.get("weights");
  st.inst.attrs.set("pretrained_weights", weights ?? NONE);
  // Keras loads ImageNet weights unless told otherwise; None is from scratch, a path the user's own.
  st.zoo.imagenet = weights === undefined || (weights.k === "str" && weights.v === "imagenet");
  const given = kw.get("input_tensor");
  const declared = shapeArg(kw.get("input_shape"));
  // A pooled classifier does not depend on the input side; a head with hidden layers may (VGG flattens the
  // feature map into fc1), and the catalog holds it at the default input only.
  const sideDependent = row.head.fixedParams > 0;
  if (
    config.includeTop &&
    sideDependent &&
    declared &&
    (declared[0] !== row.defaultInput[0] || declared[1] !== row.defaultInput[1])
  )
    st.zoo.note = `keras.applications.${name}: include_top=True at ${declared.join("×")}; its head is counted as at the catalogued default ${row.defaultInput.join("×")} (exact unless the head flattens the feature map, as VGG's fc1 does)`;
  if (given?.k === "tensor") buildOnInput(ip, st, given, node);
  else {
    // Without input_shape Keras builds a headless model on (None, None, 3) and a full one on its default input.
    const shape = declared ?? (config.includeTop ? row.defaultInput : [null, null, 3]);
    buildOnInput(ip, st, kerasTensor(ip, shape, null), node);
  }
  return inst;
}

function application(name: string): Value {
  return fn(`keras.applications.${name}`, (ip, _args, kw, node) => construct(ip, name, kw, node));
}

/** preprocess_input(x): a per-pixel rescaling, so the data's shape passes through unchanged. */
const preprocessInput = fn("keras.applications.preprocess_input", (_ip, [x]) => x ?? NONE);

/** A submodule (keras.applications.resnet50): its models, preprocess_input and the rest inert. */
function submodule(mod: string, names: string[]): Value {
  const entries: Record<string, Value> = { preprocess_input: preprocessInput };
  for (const n of names) entries[n] = application(n);
  return nativeModule(`keras.applications.${mod}`, entries, (attr) =>
    /^[A-Z]/.test(attr) ? application(attr) : opaque(`keras.applications.${mod}.${attr}`),
  );
}

/** The keras.applications namespace (tf.keras.applications too). */
export function applicationsModule(): Value {
  const entries: Record<string, Value> = {
    imagenet_utils: submodule("imagenet_utils", []),
  };
  for (const [mod, names] of kerasAppModules()) {
    entries[mod] = submodule(mod, names);
    for (const n of names) entries[n] = application(n);
  }
  return nativeModule("keras.applications", entries, (attr) =>
    /^[A-Z]/.test(attr) ? application(attr) : opaque(`keras.applications.${attr}`),
  );
}
