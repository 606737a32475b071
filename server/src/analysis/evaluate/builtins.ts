// Python builtins (len, range, zip, enumerate, isinstance, int, list...) as a scope that every
// module scope inherits from. Add a builtin by adding an entry to `functions` below.
import type { Node } from "web-tree-sitter";
import { getAttr, setAttr } from "./attributes";
import { callValue } from "./calls/call";
import { makeClass, makeSuper } from "./classes";
import { nativeBaseClass } from "./nativeBases";
import { openFile } from "./configFiles";
import type { Interp } from "./interp";
import { iterate } from "./iteration";
import { binop, compare } from "./operators";
import { Scope } from "./scope";
import {
  asNumber,
  bool,
  builtin,
  type ClassV,
  dictFrom,
  float,
  int,
  type Kw,
  list,
  type NativeFn,
  NONE,
  rangeLength,
  scalarValue,
  str,
  toText,
  truthy,
  tuple,
  unknown,
  type Value,
} from "./values";

function seq(ip: Interp, v: Value | undefined, node: Node | null): Value[] | null {
  return v ? iterate(ip, v, node) : null;
}

const functions: Record<string, NativeFn> = {
  len(_ip, [x], _kw, node) {
    if (!x) return unknown("len()", node);
    switch (x.k) {
      case "list":
      case "tuple":
      case "set":
        return int(x.items.length);
      case "str":
        return int(x.v.length);
      case "dict":
        return int(x.map.size);
      case "range":
        return int(rangeLength(x));
      case "tensor":
        return x.shape?.length ? int(x.shape[0]) : unknown("len of a tensor with unknown shape", node);
      case "instance":
        if (x.mod) return int(x.mod.children.size);
        return callValue(_ip, getAttr(_ip, x, "__len__", node), [], new Map(), node);
      case "native": {
        const n = x.len?.();
        return n === undefined || n === null ? unknown(`len(${x.type}) is unknown`, node) : int(n);
      }
      default:
        return x.k === "unknown" ? x : unknown(`len of ${x.k}`, node);
    }
  },
  range(_ip, args, _kw, node) {
    const n = args.map(asNumber);
    if (n.some((x) => x === null) || n.length === 0) return unknown("range() with unknown bounds", node);
    const [a, b, c] = n as number[];
    return args.length === 1
      ? { k: "range", start: 0, stop: a, step: 1 }
      : { k: "range", start: a, stop: b, step: c ?? 1 };
  },
  enumerate(ip, [x, start], _kw, node) {
    const s0 = asNumber(start) ?? 0;
    if (x?.k === "native" && x.loop) return wrapLoop(x, (v) => tuple([unknown("batch index", node), v]));
    const items = seq(ip, x, node);
    return items
      ? list(items.map((v, i) => tuple([int(i + s0), v])))
      : unknown("enumerate of an unknown iterable", node);
  },
  zip(ip, args, _kw, node) {
    // zip stops at its shortest argument: of several loaders, the one with the fewest batches.
    const loopArg = args.reduce<Value | undefined>((best, a) => {
      if (a.k !== "native" || !a.loop) return best;
      if (best?.k !== "native" || !best.loop) return a;
      const [n, m] = [a.loop.tripCount, best.loop.tripCount];
      return n !== null && (m === null || n < m) ? a : best;
    }, undefined);
    if (loopArg?.k === "native") {
      return wrapLoop(loopArg, () =>
        tuple(args.map((a) => (a.k === "native" && a.loop ? a.loop.sample : unknown("zipped item", node)))),
      );
    }
    const lists = args.map((a) => seq(ip, a, node));
    if (lists.some((l) => l === null)) return unknown("zip of an unknown iterable", node);
    const n = Math.min(...lists.map((l) => l!.length));
    return list(Array.from({ length: n }, (_, i) => tuple(lists.map((l) => l![i]))));
  },
  iter: (_ip, [x]) => x ?? NONE,
  next(ip, [x, dflt], _kw, node) {
    if (x?.k === "native" && x.loop) {
      // A step loop that draws its batches with next(iter(loader)): that loader feeds it (batch
      // size, dataset, workers). The first loader drawn from in the loop is the training one.
      const frame = ip.loops[ip.loops.length - 1];
      if (frame && !frame.loader && frame.over !== "loader" && x.loop.loader) frame.loader = x.loop.loader;
      return x.loop.sample;
    }
    if (x && (x.k === "list" || x.k === "tuple"))
      return x.items[0] ?? dflt ?? unknown("next() of an empty iterator", node);
    return dflt ?? unknown("next() of an unknown iterator", node);
  },
  sum(ip, [x, start], _kw, node) {
    const items = seq(ip, x, node);
    if (!items) return unknown("sum of an unknown iterable", node);
    let acc: Value = start ?? int(0);
    for (const it of items) acc = binop(ip, "+", acc, it, node);
    return acc;
  },
  min: (ip, args, _kw, node) => extreme(ip, args, node, "<"),
  max: (ip, args, _kw, node) => extreme(ip, args, node, ">"),
  abs(_ip, [x], _kw, node) {
    const n = asNumber(x);
    return n === null
      ? unknown("abs of unknown", node)
      : x?.k === "num" && !x.int
        ? float(Math.abs(n))
        : int(Math.abs(n));
  },
  round(_ip, [x, nd], _kw, node) {
    const n = asNumber(x) ?? scalarValue(x);
    if (n === null) return unknown("round of unknown", node);
    const d = asNumber(nd);
    if (d === null) return int(Math.round(n));
    return float(Math.round(n * 10 ** d) / 10 ** d);
  },
  pow: (ip, [a, b], _kw, node) => binop(ip, "**", a ?? NONE, b ?? NONE, node),
  divmod: (ip, [a, b], _kw, node) =>
    tuple([binop(ip, "//", a ?? NONE, b ?? NONE, node), binop(ip, "%", a ?? NONE, b ?? NONE, node)]),
  print: () => NONE,
  isinstance: (ip, [x, c], _kw, node) => isInstance(ip, x ?? NONE, c ?? NONE, node),
  issubclass: (_ip, [a, b]) => (a?.k === "class" && b?.k === "class" ? bool(a.mro.includes(b)) : unknown("issubclass")),
  getattr(ip, [o, n, dflt], _kw, node) {
    if (!o || n?.k !== "str") return dflt ?? unknown("getattr with an unknown name", node);
    const v = getAttr(ip, o, n.v, node);
    return v.k === "unknown" && dflt ? dflt : v;
  },
  setattr(ip, [o, n, v], _kw, node) {
    if (o && n?.k === "str" && v) setAttr(ip, o, n.v, v, node);
    return NONE;
  },
  hasattr(ip, [o, n], _kw, node) {
    if (!o || o.k === "unknown" || n?.k !== "str") return unknown("hasattr", node);
    return bool(getAttr(ip, o, n.v, node).k !== "unknown");
  },
  vars(_ip, [o], _kw, node) {
    if (o?.k === "instance") return dictFrom(Array.from(o.attrs, ([k, v]) => [str(k), v]));
    // vars(models)[args.arch]: the module's namespace, read like `models.__dict__`.
    if (o?.k === "module") return getAttr(_ip, o, "__dict__", node);
    return unknown("vars() of this value", node);
  },
  callable: (_ip, [x]) => bool(!!x && ["func", "builtin", "bound", "class"].includes(x.k)),
  sorted(ip, [x], _kw, node) {
    const items = seq(ip, x, node);
    if (!items) return unknown("sorted of an unknown iterable", node);
    const nums = items.map(asNumber);
    if (nums.every((n) => n !== null)) return list(items.slice().sort((a, b) => asNumber(a)! - asNumber(b)!));
    if (items.every((i) => i.k === "str"))
      return list(items.slice().sort((a, b) => ((a as { v: string }).v < (b as { v: string }).v ? -1 : 1)));
    return list(items);
  },
  reversed(ip, [x], _kw, node) {
    const items = seq(ip, x, node);
    return items ? list(items.reverse()) : unknown("reversed of an unknown iterable", node);
  },
  map(ip, [f, ...its], _kw, node) {
    const lists = its.map((i) => seq(ip, i, node));
    if (!f || lists.length === 0 || lists.some((l) => !l)) return unknown("map over an unknown iterable", node);
    const n = Math.min(...lists.map((l) => l!.length));
    return list(
      Array.from({ length: n }, (_, i) =>
        callValue(
          ip,
          f,
          lists.map((l) => l![i]),
          new Map(),
          node,
        ),
      ),
    );
  },
  filter(ip, [f, it], _kw, node) {
    const items = seq(ip, it, node);
    if (!items) return unknown("filter over an unknown iterable", node);
    return list(
      items.filter((x) => (f && f.k !== "none" ? truthy(callValue(ip, f, [x], new Map(), node)) : truthy(x)) !== false),
    );
  },
  any(ip, [x], _kw, node) {
    const items = seq(ip, x, node);
    if (!items) return unknown("any() of unknown", node);
    const t = items.map(truthy);
    return t.some((v) => v === true)
      ? bool(true)
      : t.some((v) => v === null)
        ? unknown("any() of unknown", node)
        : bool(false);
  },
  all(ip, [x], _kw, node) {
    const items = seq(ip, x, node);
    if (!items) return unknown("all() of unknown", node);
    const t = items.map(truthy);
    return t.some((v) => v === false)
      ? bool(false)
      : t.some((v) => v === null)
        ? unknown("all() of unknown", node)
        : bool(true);
  },
  super: (ip, args, _kw, node) => makeSuper(ip, args, node),
  id: (_ip, _a, _kw, node) => unknown("id()", node),
  hash: (_ip, _a, _kw, node) => unknown("hash()", node),
  repr: (_ip, [x], _kw, node) => (x && toText(x) !== null ? str(toText(x)!) : unknown("repr", node)),
  open: (ip, args, kw, node) =>
    openFile(ip, [args[0] ?? kw.get("file") ?? NONE, args[1] ?? kw.get("mode") ?? str("r")], node),
  input: (_ip, _a, _kw, node) => unknown("input() at run time", node),
  exit: () => NONE,
  staticmethod: (_ip, [f]) => f ?? NONE,
  classmethod: (_ip, [f]) => f ?? NONE,
  property: (_ip, [f]) => f ?? NONE,
};

function wrapLoop(x: Extract<Value, { k: "native" }>, mapSample: (v: Value) => Value): Value {
  const loop = x.loop!;
  return { ...x, loop: { ...loop, sample: mapSample(loop.sample) } };
}

function extreme(ip: Interp, args: Value[], node: Node | null, op: "<" | ">"): Value {
  const items = args.length === 1 ? seq(ip, args[0], node) : args;
  if (!items || items.length === 0) return unknown("min/max of unknown", node);
  let best = items[0];
  for (const it of items.slice(1)) {
    const c = truthy(compare(ip, op, it, best, node));
    if (c === null) return unknown("min/max of unknown values", node);
    if (c) best = it;
  }
  return best;
}

function isInstance(ip: Interp, x: Value, c: Value, node: Node | null): Value {
  if (c.k === "tuple") {
    let unsure = false;
    for (const ci of c.items) {
      const r = truthy(isInstance(ip, x, ci, node));
      if (r === true) return bool(true);
      if (r === null) unsure = true;
    }
    return unsure ? unknown("isinstance of unknown", node) : bool(false);
  }
  if (c.k !== "class" || x.k === "unknown") return unknown("isinstance of unknown", node);
  const pyType = PY_TYPE_OF[x.k];
  if (c.qualname.startsWith("builtins.")) {
    const name = c.qualname.slice(9);
    if (x.k === "num") return bool(name === (x.int ? "int" : "float") || (name === "float" && false));
    if (x.k === "bool") return bool(name === "bool" || name === "int");
    if (x.k === "instance") return bool(name === "object" || x.cls.mro.includes(c));
    return bool(pyType === name || name === "object");
  }
  if (x.k === "instance") return bool(x.cls.mro.includes(c));
  if (x.k === "tensor")
    return bool(c.qualname === "torch.Tensor" || (c.qualname === "torch.nn.Parameter" && !!x.param));
  if (x.k === "native") return bool(x.type === c.name || x.type === c.qualname);
  return bool(false);
}

const PY_TYPE_OF: Record<string, string> = {
  str: "str",
  list: "list",
  tuple: "tuple",
  dict: "dict",
  set: "set",
  none: "NoneType",
  func: "function",
};

function pyType(name: string, construct: NativeFn): ClassV {
  return makeClass(name, [], new Map(), { qualname: `builtins.${name}`, native: { construct } });
}

const typeConstructors: Record<string, NativeFn> = {
  int(_ip, [x, base], _kw, node) {
    if (!x) return int(0);
    if (x.k === "str") {
      const n = Number.parseInt(x.v.trim(), asNumber(base) ?? 10);
      return Number.isNaN(n) ? unknown(`int('${x.v}')`, node) : int(n);
    }
    const n = asNumber(x) ?? scalarValue(x);
    return n === null ? (x.k === "unknown" ? x : unknown(`int() of ${x.k}`, node)) : int(Math.trunc(n));
  },
  float(_ip, [x], _kw, node) {
    if (!x) return float(0);
    if (x.k === "str") {
      const n = Number(x.v.trim());
      return Number.isNaN(n) ? unknown(`float('${x.v}')`, node) : float(n);
    }
    const n = asNumber(x) ?? scalarValue(x);
    return n === null ? (x.k === "unknown" ? x : unknown(`float() of ${x.k}`, node)) : float(n);
  },
  str(_ip, [x], _kw, node) {
    if (!x) return str("");
    const t = toText(x);
    return t === null ? unknown("str() of an unknown value", node) : str(t);
  },
  bool(_ip, [x], _kw, node) {
    if (!x) return bool(false);
    const t = truthy(x);
    return t === null ? unknown("bool() of an unknown value", node) : bool(t);
  },
  list: (ip, [x], _kw, node) => (x ? asSeq(ip, x, node, "list") : list([])),
  tuple: (ip, [x], _kw, node) => (x ? asSeq(ip, x, node, "tuple") : tuple([])),
  set: (ip, [x], _kw, node) => (x ? asSeq(ip, x, node, "set") : { k: "set", items: [] }),
  dict(ip, [x], kw: Kw, node) {
    const entries: Array<[Value, Value]> = [];
    if (x?.k === "dict") entries.push(...x.map.values());
    else if (x) {
      const items = seq(ip, x, node);
      if (!items) return unknown("dict() of an unknown iterable", node);
      for (const it of items)
        if (it.k === "tuple" || it.k === "list") entries.push([it.items[0] ?? NONE, it.items[1] ?? NONE]);
    }
    for (const [k, v] of kw) entries.push([str(k), v]);
    return dictFrom(entries);
  },
  object: () => ({ k: "native", type: "object", data: {}, getattr: () => undefined }),
  type(ip, [x, bases, ns], _kw, node) {
    if (bases !== undefined) return typeCall(ip, x, bases, ns, node);
    if (x?.k === "instance") return x.cls;
    if (x?.k === "native" && x.pyClass) return x.pyClass;
    return unknown("type() of a builtin value", node);
  },
};

/**
 * type(name, bases, namespace): a class built at run time (`type("FeedForward", (nn.Module,),
 * {"__init__": init, "forward": fwd})`), the same as a class statement with that body. Before, it
 * was unknown and the layers such a class builds were silently missing from the parameter count.
 */
function typeCall(ip: Interp, name: Value | undefined, bases: Value, ns: Value | undefined, node: Node | null): Value {
  const baseItems = iterate(ip, bases, node);
  if (name?.k !== "str" || !baseItems || ns?.k !== "dict")
    return unknown("type() with arguments the analysis cannot read", node);
  const classes: ClassV[] = [];
  for (const b of baseItems) {
    if (b.k === "class") classes.push(b);
    else if (b.k === "builtin") classes.push(nativeBaseClass(b));
    else return unknown(`type(): base class of ${name.v} is unknown`, node);
  }
  const attrs = new Map<string, Value>();
  for (const [k, v] of ns.map.values()) {
    if (k.k !== "str") return unknown(`type(): a non-string name in the namespace of ${name.v}`, node);
    attrs.set(k.v, v);
  }
  const cls = makeClass(name.v, classes, attrs, { node, file: ip.currentFile });
  // Zero-argument super() inside these functions needs the class they now belong to.
  for (const v of attrs.values()) if (v.k === "func" && !v.owner) v.owner = cls;
  return cls;
}

function asSeq(ip: Interp, x: Value, node: Node | null, kind: "list" | "tuple" | "set"): Value {
  const items = iterate(ip, x, node);
  return items ? { k: kind, items } : unknown(`${kind}() of an unknown iterable`, node);
}

const EXCEPTIONS = [
  "Exception",
  "ValueError",
  "TypeError",
  "KeyError",
  "RuntimeError",
  "NotImplementedError",
  "ImportError",
  "AttributeError",
  "IndexError",
  "StopIteration",
  "AssertionError",
  "OSError",
  "FileNotFoundError",
  "KeyboardInterrupt",
  "SystemExit",
  "ModuleNotFoundError",
];

export function makeBuiltins(): Scope {
  const s = new Scope(null, null);
  for (const [name, fn] of Object.entries(functions)) s.vars.set(name, builtin(name, fn));
  for (const [name, fn] of Object.entries(typeConstructors)) s.vars.set(name, pyType(name, fn));
  const base = makeClass("BaseException", [], new Map(), { qualname: "builtins.BaseException" });
  for (const name of EXCEPTIONS) s.vars.set(name, makeClass(name, [base], new Map(), { qualname: `exc.${name}` }));
  s.vars.set("None", NONE);
  s.vars.set("True", bool(true));
  s.vars.set("False", bool(false));
  s.vars.set("Ellipsis", { k: "native", type: "ellipsis", data: {}, getattr: () => undefined });
  s.vars.set("NotImplemented", { k: "native", type: "NotImplemented", data: {}, getattr: () => undefined });
  return s;
}
