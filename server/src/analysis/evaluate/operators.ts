// Binary, unary and comparison operators on Python values and symbolic tensors (broadcasting;
// `@` goes through the torch function table so its MACs are counted like torch.matmul).
import type { Node } from "web-tree-sitter";
import { broadcastShapes, callTorchFunction } from "../frameworks/torch/tensorOps";
import { allWeightOnly, markWeightOnly } from "../frameworks/torch/weightOnly";
import { callMethod } from "./calls/call";
import type { Interp } from "./interp";
import {
  asNumber,
  bool,
  float,
  hashKey,
  int,
  list,
  scalarValue,
  str,
  tensor,
  toText,
  unknown,
  type Value,
} from "./values";

function numeric(op: string, a: number, b: number, bothInt: boolean): Value | null {
  switch (op) {
    case "+":
      return bothInt ? int(a + b) : float(a + b);
    case "-":
      return bothInt ? int(a - b) : float(a - b);
    case "*":
      return bothInt ? int(a * b) : float(a * b);
    case "/":
      return b === 0 ? null : float(a / b);
    case "//":
      return b === 0 ? null : bothInt ? int(Math.floor(a / b)) : float(Math.floor(a / b));
    case "%":
      return b === 0 ? null : bothInt ? int(((a % b) + b) % b) : float(((a % b) + b) % b);
    case "**": {
      const r = a ** b;
      return bothInt && b >= 0 ? int(r) : float(r);
    }
    case "<<":
      return int(a * 2 ** b);
    case ">>":
      return int(Math.floor(a / 2 ** b));
    case "&":
      return bothInt ? int(a & b) : null;
    case "|":
      return bothInt ? int(a | b) : null;
    case "^":
      return bothInt ? int(a ^ b) : null;
    default:
      return null;
  }
}

export function binop(ip: Interp, op: string, a: Value, b: Value, node: Node | null): Value {
  if (a.k === "tensor" || b.k === "tensor") {
    const r = tensorBinop(ip, op, a, b, node);
    // `self.weight * self.mask`, `w * scaling`: still computed from weights alone.
    return r.k === "tensor" && !r.weightOnly && allWeightOnly([a, b]) ? markWeightOnly(r) : r;
  }
  if (a.k === "unknown") return a;
  if (b.k === "unknown") return b;
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== null && y !== null) {
    const aInt = a.k !== "num" || a.int;
    const bInt = b.k !== "num" || b.int;
    return numeric(op, x, y, aInt && bInt) ?? unknown(`${op} on these numbers`, node);
  }
  if (a.k === "str" && b.k === "str" && op === "+") return str(a.v + b.v);
  if (a.k === "str" && op === "*" && y !== null) return str(a.v.repeat(Math.max(0, y)));
  if (a.k === "str" && op === "%") return percentFormat(a.v, b, node);
  if ((a.k === "list" || a.k === "tuple") && op === "+" && b.k === a.k)
    return { k: a.k, items: [...a.items, ...b.items] };
  if ((a.k === "list" || a.k === "tuple") && op === "*" && y !== null) {
    if (y * a.items.length > 1_000_000) return unknown("sequence repetition too large", node);
    const items: Value[] = [];
    for (let i = 0; i < y; i++) items.push(...a.items);
    return { k: a.k, items };
  }
  if (op === "|" && a.k === "dict" && b.k === "dict") return { k: "dict", map: new Map([...a.map, ...b.map]) };
  if (a.k === "instance") return callMethod(ip, a, dunder[op] ?? "__op__", [b], node);
  if (a.k === "native" && a.binop) {
    const r = a.binop(ip, op, b, node);
    if (r) return r;
  }
  return unknown(`${op} on ${a.k} and ${b.k}`, node);
}

const dunder: Record<string, string> = {
  "+": "__add__",
  "-": "__sub__",
  "*": "__mul__",
  "/": "__truediv__",
  "@": "__matmul__",
};

function tensorBinop(ip: Interp, op: string, a: Value, b: Value, node: Node | null): Value {
  const hooked = ip.tensorOpHook?.(ip, op, a, b, node);
  if (hooked) return hooked;
  if (op === "@") return callTorchFunction(ip, "torch.matmul", [a, b], new Map(), node);
  // Elements of a known-valued tensor (np.linspace widths, torch.linspace rates) stay known under
  // arithmetic with numbers: `round(w / 8) * 8`.
  const x = a.k === "tensor" ? scalarValue(a) : asNumber(a);
  const y = b.k === "tensor" ? scalarValue(b) : asNumber(b);
  if (x !== null && y !== null) {
    const r = asNumber(numeric(op, x, y, false) ?? undefined);
    const ta = a.k === "tensor" ? a : null;
    const tb = b.k === "tensor" ? b : null;
    const t = ta && tb ? ((ta.shape?.length ?? 0) >= (tb.shape?.length ?? 0) ? ta : tb) : (ta ?? tb)!;
    if (r !== null) return { ...tensor(t.shape ? [...t.shape] : [], t.dtype), values: [r] };
  }
  // An Unknown beside a tensor is taken as a Python scalar (`x.div(keep_prob)` with a rate read at run
  // time): tensors of unknown shape are TensorV(null), so an Unknown here is rarely a tensor.
  const sa = a.k === "tensor" ? a.shape : asNumber(a) !== null || a.k === "unknown" ? [] : null;
  const sb = b.k === "tensor" ? b.shape : asNumber(b) !== null || b.k === "unknown" ? [] : null;
  const dtype = a.k === "tensor" ? a.dtype : b.k === "tensor" ? b.dtype : "float32";
  if (!sa || !sb) return tensor(null, dtype);
  const out = broadcastShapes(sa, sb);
  if (!out) {
    ip.note(`shapes [${sa.join(", ")}] and [${sb.join(", ")}] do not broadcast for ${op}`, node);
    return tensor(null, dtype);
  }
  return tensor(out, dtype);
}

export function unaryop(_ip: Interp, op: string, v: Value, node: Node | null): Value {
  if (v.k === "tensor") return v.weightOnly ? markWeightOnly(tensor(v.shape, v.dtype)) : tensor(v.shape, v.dtype);
  const n = asNumber(v);
  if (n === null) return v.k === "unknown" ? v : unknown(`unary ${op} on ${v.k}`, node);
  const isInt = v.k !== "num" || v.int;
  if (op === "-") return isInt ? int(-n) : float(-n);
  if (op === "+") return isInt ? int(n) : float(n);
  if (op === "~") return int(~n);
  return unknown(`unary ${op}`, node);
}

/** Structural equality of known values; null when it cannot be decided. */
export function valuesEqual(a: Value, b: Value): boolean | null {
  if (a === b) return true;
  if (a.k === "unknown" || b.k === "unknown" || a.k === "tensor" || b.k === "tensor") return null;
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== null && y !== null) return x === y;
  if (a.k === "none" || b.k === "none") return a.k === b.k;
  const ha = hashKey(a);
  const hb = hashKey(b);
  if (ha !== null && hb !== null) return ha === hb;
  if ((a.k === "list" && b.k === "list") || (a.k === "tuple" && b.k === "tuple")) {
    if (a.items.length !== b.items.length) return false;
    for (let i = 0; i < a.items.length; i++) {
      const eq = valuesEqual(a.items[i], b.items[i]);
      if (eq !== true) return eq;
    }
    return true;
  }
  // Classes compare by identity (no model code overrides the metaclass's __eq__); the name
  // stands in for it, since a library class may be rebuilt each time it is looked up.
  if (a.k === "class" && b.k === "class") return a.qualname === b.qualname && a.file === b.file;
  // An object of a known class (a functools.partial) is never equal to a class.
  if ((a.k === "native" && a.pyClass && b.k === "class") || (b.k === "native" && b.pyClass && a.k === "class"))
    return false;
  if (a.k !== b.k)
    return a.k === "instance" || b.k === "instance" || a.k === "native" || b.k === "native" ? null : false;
  return null;
}

function contains(ip: Interp, container: Value, item: Value): boolean | null {
  switch (container.k) {
    case "native": {
      // A native container that lists its items (a config's keys) answers like a list.
      const items = container.iter?.(ip);
      return items ? contains(ip, list(items), item) : null;
    }
    case "list":
    case "tuple":
    case "set": {
      let unsure = false;
      for (const it of container.items) {
        const eq = valuesEqual(it, item);
        if (eq === true) return true;
        if (eq === null) unsure = true;
      }
      return unsure ? null : false;
    }
    case "dict": {
      const h = hashKey(item);
      return h === null ? null : container.map.has(h);
    }
    case "str":
      return item.k === "str" ? container.v.includes(item.v) : null;
    case "range": {
      const n = asNumber(item);
      if (n === null) return null;
      const { start, stop, step } = container;
      const inside = step > 0 ? n >= start && n < stop : n <= start && n > stop;
      return inside && (n - start) % step === 0;
    }
    default:
      return null;
  }
}

export function compare(ip: Interp, op: string, a: Value, b: Value, node: Node | null): Value {
  const identity = op === "is" || op === "is not" || op === "in" || op === "not in";
  // A 0-d tensor of known value (an element of torch.linspace) compares as its number.
  if (!identity && a.k === "tensor" && a.values) a = numberOr(a);
  if (!identity && b.k === "tensor" && b.values) b = numberOr(b);
  if (!identity && (a.k === "tensor" || b.k === "tensor")) {
    const s = a.k === "tensor" ? a.shape : b.k === "tensor" ? b.shape : null;
    return tensor(s, "bool");
  }
  let r: boolean | null = null;
  switch (op) {
    case "==":
      r = valuesEqual(a, b);
      break;
    case "!=": {
      const eq = valuesEqual(a, b);
      r = eq === null ? null : !eq;
      break;
    }
    case "is":
    case "is not": {
      let same: boolean | null;
      if (a.k === "none" || b.k === "none") same = a.k === "unknown" || b.k === "unknown" ? null : a.k === b.k;
      else if (a.k === "bool" && b.k === "bool") same = a.v === b.v;
      else if (a.k === "tensor" || b.k === "tensor") same = a === b;
      // `m is C3` in a model builder that dispatches on a class from a table: classes are
      // identified as `==` identifies them (a library class may be rebuilt per lookup).
      else if (a.k === "class" && b.k === "class") same = valuesEqual(a, b);
      // Two different `def`s are never the same function object.
      else if (a.k === "func" && b.k === "func" && a.node !== b.node) same = false;
      else same = a === b ? true : a.k === "unknown" || b.k === "unknown" ? null : a.k !== b.k ? false : null;
      r = same === null ? null : op === "is" ? same : !same;
      break;
    }
    case "in":
    case "not in": {
      const c = contains(ip, b, a);
      r = c === null ? null : op === "in" ? c : !c;
      break;
    }
    default: {
      const x = asNumber(a);
      const y = asNumber(b);
      if (x !== null && y !== null) r = op === "<" ? x < y : op === ">" ? x > y : op === "<=" ? x <= y : x >= y;
      else if (a.k === "str" && b.k === "str")
        r = op === "<" ? a.v < b.v : op === ">" ? a.v > b.v : op === "<=" ? a.v <= b.v : a.v >= b.v;
    }
  }
  return r === null ? unknown(`comparison ${op} with an unknown side`, node) : bool(r);
}

/** printf-style `"%s_%d" % (a, b)`: known values format, anything else is Unknown. */
function percentFormat(fmt: string, arg: Value, node: Node | null): Value {
  const args = arg.k === "tuple" ? arg.items : [arg];
  let i = 0;
  let ok = true;
  const out = fmt.replace(
    /%(?:\(\w+\))?[-+ 0#]*(\d*)(?:\.(\d+))?([sdifrxg%])/g,
    (_m, _w, prec: string, conv: string) => {
      if (conv === "%") return "%";
      const v = args[i++];
      if (!v) {
        ok = false;
        return "";
      }
      const n = asNumber(v);
      if ((conv === "d" || conv === "i" || conv === "f") && n === null) {
        ok = false;
        return "";
      }
      if (conv === "d" || conv === "i") return String(Math.trunc(n!));
      if (conv === "f") return n!.toFixed(prec ? Number(prec) : 6);
      const t = toText(v);
      if (t === null) ok = false;
      return t ?? "";
    },
  );
  return ok ? str(out) : unknown("%-formatted string with unknown values", node);
}

function numberOr(t: Value): Value {
  const v = scalarValue(t);
  return v === null ? t : float(v);
}
