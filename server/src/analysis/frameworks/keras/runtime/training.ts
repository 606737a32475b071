// Keras training API: compile/fit/evaluate/predict/summary/save on models (fit in fit.ts),
// keras.datasets loads from the dataset catalog, pad_sequences/to_categorical, callbacks and
// mixed-precision policies.

import { callValue } from "../../../evaluate/calls/call";
import { fn, nativeObject } from "../../../evaluate/nativeHelpers";
import {
  asInt,
  asString,
  builtin,
  NONE,
  type TensorV,
  tensor,
  tuple,
  unknown,
  type Value,
} from "../../../evaluate/values";
import type { Precision } from "../../../types";
import { findDataset } from "../../../run/datasetCatalog";
import { ensureState } from "./classes";
import { fit } from "./fit";
import { kerasTensor } from "./tensors";

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
