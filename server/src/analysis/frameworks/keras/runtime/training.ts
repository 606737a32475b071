// Keras training API: compile/fit/evaluate/predict/summary/save on models (fit → a `kerasFit`
// event with epochs, batch size, sample counts and callbacks), keras.datasets loads from the
// dataset catalog, tf.data pipelines, pad_sequences/to_categorical, mixed-precision policies.

import type { Node } from "web-tree-sitter";
import { callValue } from "../../../evaluate/calls/call";
import type { Interp } from "../../../evaluate/interp";
import { fn, nativeObject } from "../../../evaluate/nativeHelpers";
import {
  asInt,
  asNumber,
  asString,
  builtin,
  type Kw,
  NONE,
  type NativeV,
  type TensorV,
  tensor,
  tuple,
  unknown,
  type Value,
} from "../../../evaluate/values";
import type { Precision } from "../../../types";
import { findDataset } from "../../../run/datasetCatalog";
import type { Shape } from "../kerasLayerSpec";
import { ensureState } from "./classes";
import { kerasTensor, tensorsIn } from "./tensors";

/** A tf.data pipeline: sample count (when known), per-sample element shape(s) and batch size. */
interface Pipeline {
  samples: number | null;
  elements: Shape[] | null;
  batch: number | null;
}

export function pipeline(p: Pipeline): NativeV {
  const same = (q: Partial<Pipeline>) => pipeline({ ...p, ...q });
  return nativeObject(
    "tf.data.Dataset",
    { pipeline: p },
    {
      batch: (_ip, _s, [b], kw) => same({ batch: asInt(kw.get("batch_size") ?? b) }),
      shuffle: () => same({}),
      prefetch: () => same({}),
      cache: () => same({}),
      repeat: () => same({ samples: null }),
      map: () => same({}),
      unbatch: () => same({ batch: null }),
      take: (_ip, _s, [n]) => same({ samples: asInt(n) !== null && p.batch === null ? asInt(n) : null }),
    },
  );
}

function pipelineOf(v: Value | undefined): Pipeline | null {
  return v?.k === "native" && v.type === "tf.data.Dataset" ? (v.data.pipeline as Pipeline) : null;
}

/** (samples, per-sample shapes) of what fit()/from_tensor_slices() receive. */
function dataOf(v: Value | undefined): { samples: number | null; shapes: Shape[] | null } {
  const p = pipelineOf(v);
  if (p) return { samples: p.samples, shapes: p.elements };
  const ts = tensorsIn(v);
  if (ts.length === 0 || ts.some((t) => !t.shape || t.shape.length === 0)) return { samples: null, shapes: null };
  return { samples: ts[0]!.shape![0]!, shapes: ts.map((t) => t.shape!.slice(1)) };
}

export const fromTensorSlices = fn("tf.data.Dataset.from_tensor_slices", (_ip, [data]) => {
  const first = data?.k === "tuple" || data?.k === "list" ? data.items[0] : data;
  const d = dataOf(first);
  return pipeline({ samples: d.samples, elements: d.shapes, batch: null });
});

/** keras.utils.image_dataset_from_directory: images of image_size, count unknown (files on disk). */
export const imageDatasetFromDirectory = fn("keras.utils.image_dataset_from_directory", (ip, _args, kw, node) => {
  const size = kw.get("image_size");
  const hw = size && (size.k === "tuple" || size.k === "list") ? size.items.map(asInt) : [256, 256];
  const batch = asInt(kw.get("batch_size")) ?? 32;
  ip.note(
    "image_dataset_from_directory: the number of images is unknown (files on disk)",
    node,
    "add `# footprint: samples N`",
  );
  const make = () => pipeline({ samples: null, elements: [[hw[0] ?? null, hw[1] ?? null, 3]], batch });
  return asString(kw.get("subset")) === "both" ? tuple([make(), make()]) : make();
});

/** keras.datasets.<name>.load_data(): arrays of the catalog's split sizes and sample shapes. */
export function loadData(dataset: string): Value {
  return fn(`keras.datasets.${dataset}.load_data`, (ip, _args, _kw, node) => {
    const split = (name: "train" | "test") => {
      const m = findDataset(`keras.datasets.${dataset}`, { split: name });
      if (!m || m.samples === null) return tuple([unknown(`${dataset} ${name} split`, node), unknown("labels", node)]);
      const x: TensorV = {
        ...tensor(m.sampleShape ? [m.samples, ...m.sampleShape] : [m.samples], "uint8"),
        origin: `dataset ${dataset}`,
      };
      return tuple([x, tensor([m.samples], "int64")]);
    };
    void ip;
    return tuple([split("train"), split("test")]);
  });
}

/** pad_sequences(seqs, maxlen=L) → (N, L) int32. */
export const padSequences = fn("keras.utils.pad_sequences", (_ip, [seqs], kw, node) => {
  const n = seqs?.k === "tensor" && seqs.shape ? seqs.shape[0]! : null;
  const maxlen = asInt(kw.get("maxlen"));
  if (n === null || maxlen === null) return unknown("pad_sequences: sample count or maxlen unknown", node);
  return tensor([n, maxlen], "int32");
});

export const toCategorical = fn("keras.utils.to_categorical", (_ip, [y, classes], kw) => {
  const n = y?.k === "tensor" && y.shape ? y.shape[0]! : null;
  const c = asInt(kw.get("num_classes") ?? classes);
  return n !== null && c !== null ? tensor([n, c]) : tensor(null);
});

const POLICIES: Record<string, Precision> = {
  mixed_float16: "fp16-mixed",
  mixed_bfloat16: "bf16-mixed",
  float32: "fp32",
  float16: "fp16",
  bfloat16: "bf16",
  float64: "fp64",
};

export const setGlobalPolicy = fn("keras.mixed_precision.set_global_policy", (ip, [p], _kw, node) => {
  const name = p?.k === "native" && p.type === "Policy" ? String(p.data.name) : asString(p);
  const precision = name ? POLICIES[name] : undefined;
  if (precision)
    ip.event(
      { kind: "precision", precision, how: `mixed_precision.set_global_policy("${name}")`, modelId: null },
      node,
    );
  return NONE;
});

export const policyClass = fn("keras.mixed_precision.Policy", (_ip, [name]) =>
  nativeObject("Policy", { name: asString(name) }, {}),
);

/** keras.callbacks.X(...): remembered by class name for the fit event. */
export function callback(name: string): Value {
  return fn(`keras.callbacks.${name}`, () => nativeObject("keras.callback", { name }, {}));
}

function callbackNames(v: Value | undefined): string[] {
  if (!v || (v.k !== "list" && v.k !== "tuple")) return [];
  return v.items.map((c) =>
    c.k === "native" && c.type === "keras.callback" ? String(c.data.name) : c.k === "instance" ? c.cls.name : "unknown",
  );
}

function fit(ip: Interp, [self, ...args]: Value[], kw: Kw, node: Node | null): Value {
  if (self?.k !== "instance") return NONE;
  const st = ensureState(ip, self, node);
  const x = kw.get("x") ?? args[0];
  const data = dataOf(x);
  const p = pipelineOf(x);
  // An unbuilt model (Sequential without an input shape, subclassed model) is built by fit's first batch.
  if (data.shapes?.every((s) => s.every((d) => d !== null))) {
    st.fitInput = data.shapes;
    if (st.graph.length === 0 || st.kind === "sequential") {
      if (st.kind === "sequential" && !st.seqInput) st.seqInput = data.shapes[0]!;
      const ins = data.shapes.map((s) => kerasTensor(ip, s, null));
      callValue(ip, self, [ins.length === 1 ? ins[0]! : { k: "list", items: ins }], new Map(), node);
    }
  }
  const split = asNumber(kw.get("validation_split")) ?? 0;
  const valData = kw.get("validation_data");
  let train = data.samples;
  let val: number | null = null;
  if (train !== null && split > 0) {
    // Keras keeps the first int(N × (1 − split)) samples for training.
    const kept = Math.floor(train * (1 - split));
    val = train - kept;
    train = kept;
  } else if (valData && valData.k !== "none") {
    val = dataOf(valData.k === "tuple" || valData.k === "list" ? valData.items[0] : valData).samples;
  }
  ip.event(
    {
      kind: "kerasFit",
      modelId: st.id,
      epochs: asInt(kw.get("epochs") ?? args[3]) ?? (kw.has("epochs") ? null : 1),
      batchSize: p ? p.batch : asInt(kw.get("batch_size") ?? args[2]),
      trainSamples: train,
      valSamples: val,
      callbacks: callbackNames(kw.get("callbacks")),
    },
    node,
  );
  return nativeObject("History", {}, {});
}

/** Methods every keras.Model has. */
export function modelMethods(): Map<string, Value> {
  const noop = (name: string) => builtin(`Model.${name}`, () => NONE);
  return new Map<string, Value>([
    ["fit", builtin("Model.fit", fit)],
    ["compile", noop("compile")],
    ["summary", noop("summary")],
    ["evaluate", builtin("Model.evaluate", (_ip, _a, _kw, node) => unknown("evaluation results", node))],
    ["predict", builtin("Model.predict", (_ip, _a, _kw, node) => unknown("predictions", node))],
    [
      "save",
      builtin("Model.save", (ip, [self], _kw, node) => {
        const modelId = self?.k === "instance" ? ensureState(ip, self, node).id : null;
        ip.event({ kind: "save", modelId, how: "model.save" }, node);
        return NONE;
      }),
    ],
    [
      "build",
      builtin("Model.build", (ip, [self, shape], _kw, node) => {
        if (self?.k !== "instance" || !shape || (shape.k !== "tuple" && shape.k !== "list")) return NONE;
        const s = shape.items.slice(1).map(asInt);
        const st = ensureState(ip, self, node);
        if (st.kind === "sequential") st.seqInput = s;
        callValue(ip, self, [kerasTensor(ip, s, null)], new Map(), node);
        return NONE;
      }),
    ],
  ]);
}
