// keras.ops.matmul inside a custom layer's call(): `ops.matmul(x, self.kernel)` on a weight from
// add_weight() gives the layer's output shape and charges its multiply-accumulates to that layer's
// call, so a Keras 3 backend-agnostic layer is sized and costed like the Dense it stands for.

import type { Node } from "web-tree-sitter";
import type { Interp } from "../../../evaluate/interp";
import { fn } from "../../../evaluate/nativeHelpers";
import { type TensorV, unknown, type Value } from "../../../evaluate/values";
import type { Shape } from "../kerasLayerSpec";
import { kerasState } from "./state";
import { kerasTensor, sampleShape } from "./tensors";

/** Tensors made by add_weight(): their shape is the whole weight, with no batch axis. */
const WEIGHTS = new WeakMap<Interp, WeakSet<TensorV>>();

export function markWeight(ip: Interp, t: TensorV): void {
  let s = WEIGHTS.get(ip);
  if (!s) WEIGHTS.set(ip, (s = new WeakSet()));
  s.add(t);
}

const isWeight = (ip: Interp, v: Value) => v.k === "tensor" && (WEIGHTS.get(ip)?.has(v) ?? false);

/**
 * numpy matmul on per-sample shapes (keras.ops.matmul follows numpy.matmul): the last axis of `a`
 * contracts with the second-to-last of `b`; leading axes broadcast. A weight `b` (K, N) has no batch
 * axis, so a batched `a` (..., K) gives (..., N) and prod(a[:-1]) · K · N MACs per sample; two batched
 * operands (attention scores) broadcast their leading sample axes. Null when an axis is unknown or the
 * contraction does not match.
 */
export function matmulSample(a: Shape, b: Shape, bIsWeight: boolean): { out: Shape; macs: number } | null {
  if (a.length < 1 || b.length < 1 || a.some((d) => d === null) || b.some((d) => d === null)) return null;
  const x = a as number[];
  const y = b as number[];
  const k = x[x.length - 1]!;
  if (y.length === 1) {
    if (y[0] !== k) return null;
    const out = x.slice(0, -1);
    return { out, macs: out.reduce((p, d) => p * d, 1) * k };
  }
  if (y[y.length - 2] !== k) return null;
  const n = y[y.length - 1]!;
  if (bIsWeight && y.length === 2) {
    const out = [...x.slice(0, -1), n];
    return { out, macs: out.reduce((p, d) => p * d, 1) * k };
  }
  if (x.length < 2) return null;
  const lead = (s: number[]) => s.slice(0, -2);
  const [la, lb] = [lead(x), lead(y)];
  const rank = Math.max(la.length, lb.length);
  const batch: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = la[la.length - rank + i] ?? 1;
    const db = lb[lb.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    batch.push(Math.max(da, db));
  }
  const out = [...batch, x[x.length - 2]!, n];
  return { out, macs: out.reduce((p, d) => p * d, 1) * k };
}

/** keras.ops.matmul(x1, x2): sized, and charged to the custom layer whose call() runs it. */
export const opsMatmul = fn("keras.ops.matmul", (ip, args, kw, node: Node | null) => {
  const a = kw.get("x1") ?? args[0];
  const b = kw.get("x2") ?? args[1];
  if (!a || !b || isWeight(ip, a)) return unknown("keras.ops.matmul: operands not modelled", node);
  const sa = sampleShape(ip, a);
  const sb = isWeight(ip, b) && b.k === "tensor" ? kerasState(ip).tensors.get(b)?.shape : sampleShape(ip, b);
  const r = sa && sb ? matmulSample(sa, sb, isWeight(ip, b)) : null;
  if (!r) return unknown("keras.ops.matmul: operand shapes unknown or not matching", node);
  const ks = kerasState(ip);
  const rec = ks.stack[ks.stack.length - 1];
  if (rec && rec.ownMacs !== null) rec.ownMacs += r.macs;
  // Outside any layer call (a functional graph's raw op) nothing could hold the MACs: unknown.
  if (!rec) return unknown("keras.ops.matmul outside a layer's call() is not modelled", node);
  return kerasTensor(ip, r.out, null);
});
