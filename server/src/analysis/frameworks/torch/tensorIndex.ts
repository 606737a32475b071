// Tensor indexing `x[...]`: ints drop a dimension, slices shrink one, None adds one, `...`
// expands; integer tensors and int lists gather (advanced indexing, as torch does it); boolean
// masks select a data-dependent count, so they give an unknown shape.
import type { Node } from "web-tree-sitter";
import { sliceBounds } from "../../evaluate/subscript";
import { asInt, type TensorV, tensor, type Value, vectorValues } from "../../evaluate/values";
import { broadcastShapes } from "./tensorOps";

/** Shape an advanced index contributes; null when unknown or data-dependent (masks). */
function advancedShape(p: Value): number[] | null | undefined {
  if (p.k === "tensor") return p.dtype === "bool" || p.dtype === "uint8" || !p.shape ? null : p.shape;
  if (p.k !== "list") return undefined;
  const shape: number[] = [];
  let level: Value = p;
  while (level.k === "list" || level.k === "tuple") {
    shape.push(level.items.length);
    if (level.items.length === 0) return shape;
    level = level.items[0]!;
  }
  // A list of bools is a mask too.
  return asInt(level) !== null && level.k !== "bool" ? shape : null;
}

export function indexTensor(t: TensorV, key: Value, _node: Node | null): Value {
  if (!t.shape) return tensor(null, t.dtype);
  const known = vectorValues(t);
  const at = asInt(key);
  if (known && at !== null && key.k !== "tensor") {
    const v = known[at < 0 ? at + known.length : at];
    if (v !== undefined) return { ...tensor([], t.dtype), values: [v] };
  }
  const parts = key.k === "tuple" ? key.items : [key];
  const consumes = parts.filter((p) => p.k !== "none" && !(p.k === "native" && p.type === "ellipsis")).length;
  const out: number[] = [];
  // Advanced indices broadcast together; their result dims sit where the first one was when they are
  // adjacent (ints are plain selects in torch and do not split them), else in front.
  let adv: number[] | null = null;
  let advAt = -1;
  let lastAdv = -1;
  let adjacent = true;
  let seq = 0;
  let dim = 0;
  for (const p of parts) {
    if (p.k === "none") {
      out.push(1);
      seq++;
      continue;
    }
    if (p.k === "native" && p.type === "ellipsis") {
      const skip = t.shape.length - consumes;
      for (let i = 0; i < skip; i++) out.push(t.shape[dim++]);
      seq++;
      continue;
    }
    const size = t.shape[dim];
    if (size === undefined) return tensor(null, t.dtype);
    if (p.k === "slice") {
      const b = sliceBounds(p, size);
      if (!b) return tensor(null, t.dtype);
      const [lo, hi, step] = b;
      out.push(Math.max(0, Math.ceil((hi - lo) / step)));
      dim++;
      seq++;
      continue;
    }
    if (asInt(p) !== null && p.k !== "tensor") {
      dim++;
      continue;
    }
    const shape = advancedShape(p);
    if (!shape) return tensor(null, t.dtype);
    if (adv === null) {
      adv = shape;
      advAt = out.length;
    } else {
      adv = broadcastShapes(adv, shape);
      if (!adv) return tensor(null, t.dtype);
      if (lastAdv !== seq - 1) adjacent = false;
    }
    lastAdv = seq;
    seq++;
    dim++;
  }
  while (dim < t.shape.length) out.push(t.shape[dim++]);
  if (adv) out.splice(adjacent ? advAt : 0, 0, ...adv);
  return { ...tensor(out, t.dtype), ...(t.origin ? { origin: t.origin } : {}) };
}
