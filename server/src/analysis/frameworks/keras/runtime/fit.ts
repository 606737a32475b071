// Model.fit → a `kerasFit` event: epochs, batch size, training/validation data per epoch
// (steps_per_epoch, validation_steps, validation_split, tf.data batch and repeat) and callbacks.

import type { Node } from "web-tree-sitter";
import { callValue } from "../../../evaluate/calls/call";
import type { Interp } from "../../../evaluate/interp";
import { nativeObject } from "../../../evaluate/nativeHelpers";
import { asInt, asNumber, type Kw, NONE, type Value } from "../../../evaluate/values";
import type { FitData } from "../../../evaluate/trace";
import { ensureState } from "./classes";
import { kerasTensor } from "./tensors";
import { dataOf, fitData } from "./tfData";

function callbackNames(v: Value | undefined): string[] {
  if (!v || (v.k !== "list" && v.k !== "tuple")) return [];
  return v.items.map((c) =>
    c.k === "native" && c.type === "keras.callback" ? String(c.data.name) : c.k === "instance" ? c.cls.name : "unknown",
  );
}

/** Positional order of Model.fit after self (keras.io Model.fit). */
const POS = { x: 0, batch_size: 2, epochs: 3, callbacks: 5, validation_split: 6, validation_data: 7 } as const;

export function fit(ip: Interp, [self, ...args]: Value[], kw: Kw, node: Node | null): Value {
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
    // Keras keeps the first int(N × (1 − split)) samples for training.
    const kept = Math.floor(train.samples * (1 - split));
    val = { ...train, samples: train.samples - kept, steps: null };
    train.samples = kept;
  } else if (valData && valData.k !== "none") {
    const v = valData.k === "tuple" || valData.k === "list" ? valData.items[0] : valData;
    // Arrays are validated in batches of validation_batch_size, else fit's batch_size.
    const vBatch = asInt(kw.get("validation_batch_size")) ?? batchArg;
    val = fitData(v, vBatch, asInt(kw.get("validation_steps")));
  }
  ip.event(
    {
      kind: "kerasFit",
      modelId: st.id,
      epochs: asInt(arg("epochs")) ?? (kw.has("epochs") || args.length > POS.epochs ? null : 1),
      batchSize: train.dataset ? train.batch : batchArg,
      trainSamples: train.samples,
      valSamples: val?.samples ?? null,
      callbacks: callbackNames(arg("callbacks")),
      train,
      val,
    },
    node,
  );
  return nativeObject("History", {}, {});
}
