// `obj[key]` and `obj[key] = v`: sequences, dicts, strings, module containers, tensor indexing.
import type { Node } from "web-tree-sitter";
import { containerSlice, setContainerItem } from "../frameworks/torch/containers";
import { indexTensor } from "../frameworks/torch/tensorIndex";
import { callMethod } from "./calls/call";
import type { Interp } from "./interp";
import { asInt, hashKey, str, unknown, type Value } from "./values";

/** Normalised [start, stop, step] of a Python slice over a sequence of length n; null if unknown. */
export function sliceBounds(v: Extract<Value, { k: "slice" }>, n: number): [number, number, number] | null {
  const step = v.step.k === "none" ? 1 : asInt(v.step);
  if (step === null || step === 0) return null;
  const norm = (x: Value, dflt: number): number | null => {
    if (x.k === "none") return dflt;
    const i = asInt(x);
    if (i === null) return null;
    const j = i < 0 ? i + n : i;
    return step > 0 ? Math.min(Math.max(j, 0), n) : Math.min(Math.max(j, -1), n - 1);
  };
  const lo = norm(v.lo, step > 0 ? 0 : n - 1);
  const hi = norm(v.hi, step > 0 ? n : -1);
  if (lo === null || hi === null) return null;
  return [lo, hi, step];
}

function sliceItems<T>(items: T[], sl: Extract<Value, { k: "slice" }>): T[] | null {
  const b = sliceBounds(sl, items.length);
  if (!b) return null;
  const [lo, hi, step] = b;
  const out: T[] = [];
  if (step > 0) for (let i = lo; i < hi; i += step) out.push(items[i]);
  else for (let i = lo; i > hi; i += step) out.push(items[i]);
  return out;
}

export function subscript(ip: Interp, obj: Value, key: Value, node: Node | null): Value {
  switch (obj.k) {
    case "unknown":
      return obj;
    case "list":
    case "tuple": {
      if (key.k === "slice") {
        const items = sliceItems(obj.items, key);
        return items ? { k: obj.k, items } : unknown("slice with unknown bounds", node);
      }
      const i = asInt(key);
      if (i === null) return unknown("index is unknown", node);
      const v = obj.items[i < 0 ? i + obj.items.length : i];
      return v ?? unknown(`index ${i} out of range`, node);
    }
    case "str": {
      if (key.k === "slice") {
        const chars = sliceItems(Array.from(obj.v), key);
        return chars ? str(chars.join("")) : unknown("slice with unknown bounds", node);
      }
      const i = asInt(key);
      if (i === null) return unknown("index is unknown", node);
      const c = obj.v[i < 0 ? i + obj.v.length : i];
      return c === undefined ? unknown("string index out of range", node) : str(c);
    }
    case "dict": {
      const h = hashKey(key);
      const hit = h === null ? undefined : obj.map.get(h);
      return hit ? hit[1] : unknown(`key ${h === null ? "(unknown)" : h.slice(1)} not found`, node);
    }
    case "range": {
      const i = asInt(key);
      if (i === null) return unknown("index is unknown", node);
      return { k: "num", v: obj.start + i * obj.step, int: true };
    }
    case "tensor":
      return indexTensor(obj, key, node);
    case "instance":
      if (obj.mod) return containerSlice(ip, obj, key, node);
      return callMethod(ip, obj, "__getitem__", [key], node);
    case "native":
      return obj.getitem ? obj.getitem(ip, obj, key, node) : unknown(`${obj.type} is not subscriptable here`, node);
    case "class":
      // Type hints such as List[int] evaluate to the class itself.
      return obj;
    default:
      return unknown(`cannot index a ${obj.k}`, node);
  }
}

export function setItem(ip: Interp, obj: Value, key: Value, v: Value, node: Node | null): void {
  if (obj.k === "list") {
    const i = asInt(key);
    if (i !== null && obj.items[i < 0 ? i + obj.items.length : i] !== undefined)
      obj.items[i < 0 ? i + obj.items.length : i] = v;
  } else if (obj.k === "dict") {
    const h = hashKey(key);
    if (h !== null) obj.map.set(h, [key, v]);
  } else if (obj.k === "instance" && obj.mod) setContainerItem(ip, obj, key, v, node);
  else if (obj.k === "instance") callMethod(ip, obj, "__setitem__", [key, v], node);
}
