// Keras training API: compile/fit/evaluate/predict/summary/save on models (fit → a `kerasFit`
// event: epochs, batch size, data per epoch from steps/tf.data/validation_split, callbacks),
// keras.datasets loads from the dataset catalog, pad_sequences/to_categorical, mixed precision.

import type { Node } from "web-tree-sitter";
import { callValue } from "../../../evaluate/calls/call";
import type { Interp } from "../../../evaluate/interp";
import { fn, nativeObject } from "../../../evaluate/nativeHelpers";
import {
  asInt,
  asNumber,
  asString,
  builtin,
  int,
  list,
  type Kw,
  NONE,
  openKw,
  type TensorV,
  tensor,
  tuple,
  unknown,
  type Value,
} from "../../../evaluate/values";
import type { FitData } from "../../../evaluate/trace";
import type { Precision } from "../../../types";
import { findDataset } from "../../../run/datasetCatalog";
import { ensureState } from "./classes";
import { dataOf, fitData } from "./tfData";
import { tunerSearch } from "./kerasTuner";
import { modelLayers } from "./models";
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

function callbackNames(v: Value | undefined): string[] {
  if (!v || (v.k !== "list" && v.k !== "tuple")) return [];
  return v.items.map((c) =>
    c.k === "native" && c.type === "keras.callback" ? String(c.data.name) : c.k === "instance" ? c.cls.name : "unknown",
  );
}

/** Positional order of Model.fit after self (keras.io Model.fit). */
const POS = {
  x: 0,
  batch_size: 2,
  epochs: 3,
  callbacks: 5,
  validation_split: 6,
  validation_data: 7,
  initial_epoch: 11,
  validation_freq: 15,
} as const;

/**
 * fit's validation_freq: an int k validates after every k-th epoch, a list names the (1-based)
 * epochs that validate (Keras Trainer._should_eval). Absent → undefined (every epoch); a value the
 * analysis cannot resolve → null.
 */
function validationFreq(v: Value | undefined): number | number[] | null | undefined {
  if (v === undefined || v.k === "none") return undefined;
  const k = asInt(v);
  if (k !== null) return k;
  if (v.k === "list" || v.k === "tuple") {
    const epochs = v.items.map(asInt);
    return epochs.every((n) => n !== null) ? (epochs as number[]) : null;
  }
  return null;
}

function fit(ip: Interp, [self, ...args]: Value[], kw: Kw, node: Node | null): Value {
  if (self?.k !== "instance") return NONE;
  const arg = (name: keyof typeof POS) => kw.get(name) ?? args[POS[name]];
  const st = ensureState(ip, self, node);
  const x = arg("x");
  const data = dataOf(x);
  // An unbuilt model (Sequential without an input shape, subclassed model) is built by fit's first batch.
  if (data.shapes?.every((s) => s.every((d) => d !== null))) {
    st.fitInput = data.shapes;
    if (st.graph.length === 0 || st.kind === "sequential") {
      if (st.kind === "sequential" && !st.seqInput) st.seqInput = data.shapes[0]!;
      const ins = data.shapes.map((s) => kerasTensor(ip, s, null));
      callValue(ip, self, [ins.length === 1 ? ins[0]! : { k: "list", items: ins }], new Map(), node);
    }
  }
  const batchArg = asInt(arg("batch_size"));
  const train = fitData(x, batchArg, asInt(kw.get("steps_per_epoch")));
  const split = asNumber(arg("validation_split")) ?? 0;
  const valData = arg("validation_data");
  let val: FitData | null = null;
  if (train.samples !== null && split > 0 && !train.dataset) {
    // Keras keeps the first floor(N × (1.0 − split)) samples for training, in the same float
    // arithmetic (keras/src/trainers/data_adapters/array_slicing.py train_validation_split, 3.15.1).
    const kept = Math.floor(train.samples * (1 - split));
    val = { ...train, samples: train.samples - kept, steps: null };
    train.samples = kept;
  } else if (valData && valData.k !== "none") {
    const v = valData.k === "tuple" || valData.k === "list" ? valData.items[0] : valData;
    // Arrays are validated in batches of validation_batch_size, else fit's batch_size.
    const vBatch = asInt(kw.get("validation_batch_size")) ?? batchArg;
    val = fitData(v, vBatch, asInt(kw.get("validation_steps")));
  }
  // Weights as they stand when fit() runs: a base frozen for this fit and unfrozen before the next
  // (transfer learning's two phases) trains fewer weights here than the model's final state says.
  const atFit = modelLayers(ip, st, st.graph).reduce(
    (a, t) => ({ params: a.params + t.params, trainable: a.trainable + t.trainable }),
    { params: 0, trainable: 0 },
  );
  // `fit(x, y, **fit_kwargs)` read at run time may set epochs: Keras's default of 1 is not known to apply.
  const epochs = asInt(arg("epochs")) ?? (kw.has("epochs") || args.length > POS.epochs || openKw(kw) ? null : 1);
  const initialEpoch = arg("initial_epoch") === undefined ? 0 : asInt(arg("initial_epoch"));
  const callbacks = callbackNames(arg("callbacks"));
  ip.event(
    {
      kind: "kerasFit",
      modelId: st.id,
      paramsAtFit: atFit,
      ...(tunerSearch(ip) ? { tuner: tunerSearch(ip) } : {}),
      epochs,
      batchSize: train.dataset ? train.batch : batchArg,
      trainSamples: train.samples,
      valSamples: val?.samples ?? null,
      callbacks,
      train,
      val,
      initialEpoch,
      ...(val ? { validationFreq: validationFreq(arg("validation_freq")) } : {}),
      ...(openKw(kw) ? { fitOpen: openKw(kw) } : {}),
    },
    node,
  );
  return history(epochs, initialEpoch, callbacks, node);
}

/** Callbacks that never end training early (keras.callbacks); any other one may set stop_training. */
const NEVER_STOP =
  /^(ModelCheckpoint|ReduceLROnPlateau|TensorBoard|CSVLogger|LearningRateScheduler|ProgbarLogger|BackupAndRestore|History|RemoteMonitor)$/;

/**
 * The History fit returns. `history.epoch` lists the epochs it ran, 0-based (History.on_epoch_end
 * appends each `epoch` of `range(initial_epoch, epochs)`), so `initial_epoch=history.epoch[-1]` in a
 * second fine-tuning fit (keras.io's transfer-learning guide) resumes at the last one. Known only
 * when no callback can stop the first fit early.
 */
function history(epochs: number | null, initial: number | null, callbacks: string[], node: Node | null): Value {
  const ran =
    epochs !== null && initial !== null && callbacks.every((c) => NEVER_STOP.test(c)) && epochs - initial <= 10_000
      ? list(Array.from({ length: Math.max(0, epochs - initial) }, (_, i) => int(initial + i)))
      : unknown("History.epoch: the epochs fit() ran (unknown, or a callback may stop it early)", node);
  return nativeObject("History", {}, {}, (_self, name) =>
    name === "epoch" ? ran : name === "history" ? unknown("History.history: metrics per epoch", node) : undefined,
  );
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
