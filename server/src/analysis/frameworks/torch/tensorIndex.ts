// Tensor indexing `x[...]`: ints drop a dimension, slices shrink one, None adds one, `...`
// expands; tensor (mask/index) indices give an unknown shape.
import type { Node } from "web-tree-sitter";
import { sliceBounds } from "../../evaluate/subscript";
import { asInt, type TensorV, tensor, type Value } from "../../evaluate/values";

export function indexTensor(t: TensorV, key: Value, _node: Node | null): Value {
  if (!t.shape) return tensor(null, t.dtype);
  const parts = key.k === "tuple" ? key.items : [key];
  const consumes = parts.filter((p) => p.k !== "none" && !(p.k === "native" && p.type === "ellipsis")).length;
  const out: number[] = [];
  let dim = 0;
  for (const p of parts) {
    if (p.k === "none") {
      out.push(1);
      continue;
    }
    if (p.k === "native" && p.type === "ellipsis") {
      const skip = t.shape.length - consumes;
      for (let i = 0; i < skip; i++) out.push(t.shape[dim++]);
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
    } else if (asInt(p) !== null) dim++;
    else return tensor(null, t.dtype);
  }
  while (dim < t.shape.length) out.push(t.shape[dim++]);
  return { ...tensor(out, t.dtype), ...(t.origin ? { origin: t.origin } : {}) };
}
