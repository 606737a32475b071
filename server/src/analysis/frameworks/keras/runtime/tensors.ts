// Keras symbolic tensors: interpreter tensors (batch axis 1, so torch-style ops such as `x + y`
// keep working) plus the per-sample shape Keras sees, where a None axis stays None.

import type { Interp } from "../../../evaluate/interp";
import { type TensorV, tensor, type Value } from "../../../evaluate/values";
import type { Shape } from "../kerasLayerSpec";
import { type CallRecord, kerasState } from "./state";

/** A symbolic tensor for a per-sample shape; the interpreter's view is [1, ...] when all axes are known. */
export function kerasTensor(ip: Interp, shape: Shape, producer: CallRecord | null, dtype = "float32"): TensorV {
  const known = shape.every((d) => d !== null);
  const t = tensor(known ? [1, ...(shape as number[])] : null, dtype);
  kerasState(ip).tensors.set(t, { shape: [...shape], producer });
  return t;
}

/** The per-sample shape of a tensor value (Keras' own record first, else the interpreter's shape). */
export function sampleShape(ip: Interp, v: Value | undefined): Shape | null {
  if (!v || v.k !== "tensor") return null;
  const info = kerasState(ip).tensors.get(v);
  if (info) return info.shape;
  return v.shape && v.shape.length > 0 ? v.shape.slice(1) : null;
}

export function producerOf(ip: Interp, v: Value): CallRecord | null {
  return v.k === "tensor" ? (kerasState(ip).tensors.get(v)?.producer ?? null) : null;
}

/** Tensors inside a value (a tensor, or lists/tuples/dicts of them), in order. */
export function tensorsIn(v: Value | undefined, out: TensorV[] = []): TensorV[] {
  if (!v) return out;
  if (v.k === "tensor") out.push(v);
  else if (v.k === "list" || v.k === "tuple") for (const it of v.items) tensorsIn(it, out);
  else if (v.k === "dict") for (const [, val] of v.map.values()) tensorsIn(val, out);
  return out;
}

/** Rebuilds a value with tensors replaced (graph replay on new inputs). */
export function mapTensors(v: Value, f: (t: TensorV) => Value): Value {
  if (v.k === "tensor") return f(v);
  if (v.k === "list" || v.k === "tuple") return { k: v.k, items: v.items.map((it) => mapTensors(it, f)) };
  if (v.k === "dict") {
    const map = new Map<string, [Value, Value]>();
    for (const [key, [kv, val]] of v.map) map.set(key, [kv, mapTensors(val, f)]);
    return { k: "dict", map };
  }
  return v;
}
