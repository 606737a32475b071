// A Trainer subclass that overrides compute_loss (knowledge distillation, a frozen reward or
// reference model): Trainer.training_step calls compute_loss(model, inputs) once per step, so any
// other model it runs there runs forward on every training batch. compute_loss is traced once on a
// one-sample batch of the train dataset; the models it calls besides the trained one are returned,
// to be priced forward-only (1× forward per sample); one run with autograd on says its backward is not.
import type { Node } from "web-tree-sitter";
import { callValue } from "../../evaluate/calls/call";
import { lookupClassAttr } from "../../evaluate/classes";
import type { Interp } from "../../evaluate/interp";
import type { DatasetInfo } from "../../evaluate/trace";
import { dictFrom, str, tensor, type Value } from "../../evaluate/values";

/** The per-step batch compute_loss receives: each column of one sample with a batch dimension of 1. */
function oneSampleBatch(sample: Value): Value | null {
  if (sample.k !== "dict") return null;
  const cols: Array<[Value, Value]> = [];
  for (const [k, v] of sample.map.values()) {
    if (k.k !== "str") continue;
    // The collators rename "label" to "labels" (DataCollatorWithPadding, default_data_collator).
    const name = k.v === "label" || k.v === "label_ids" ? "labels" : k.v;
    if (v.k === "tensor" && v.shape) {
      const t = tensor([1, ...v.shape], v.dtype);
      if (v.origin) t.origin = v.origin;
      cols.push([str(name), t]);
    } else if (v.k === "num") cols.push([str(name), tensor([1], v.int ? "int64" : "float32")]);
  }
  return cols.length > 0 ? dictFrom(cols) : null;
}

/**
 * Runs the user's compute_loss on (model, batch) once; the ids of the other models it calls. The
 * trained model's own forward there is the training forward (already priced), so it is left out.
 */
export function computeLossForwards(
  ip: Interp,
  pySelf: Value | undefined,
  model: Value,
  ds: { info: DatasetInfo; sample: Value } | null,
  node: Node | null,
): number[] {
  if (pySelf?.k !== "instance") return [];
  const f = lookupClassAttr(pySelf.cls, "compute_loss");
  if (f?.k !== "func") return [];
  const batch = ds ? oneSampleBatch(ds.sample) : null;
  if (!batch) {
    ip.note(
      `${pySelf.cls.name}.compute_loss is overridden but the batch it gets is unknown: models it runs besides the trained one are not priced`,
      node,
      "tokenize the train_dataset with max_length= so the batch has a known shape",
    );
    return [];
  }
  const before = ip.trace.length;
  callValue(ip, f, [pySelf, model, batch], new Map(), node);
  const trained = model.k === "instance" && model.mod ? model.mod.id : null;
  const ids = new Set<number>();
  for (const e of ip.trace.slice(before)) {
    if (e.kind !== "forward" || e.modelId === trained) continue;
    ids.add(e.modelId);
    // Outside no_grad a trainable teacher's logits carry a graph: the loss's backward runs through it.
    if (!e.noGrad && !e.frozen)
      ip.note(
        `${pySelf.cls.name}.compute_loss runs a model with autograd on and trainable weights: its backward is not priced (priced as forward-only)`,
        node,
        "wrap the teacher's forward in torch.no_grad() or freeze it (requires_grad_(False)); that is also cheaper",
      );
  }
  return [...ids];
}
