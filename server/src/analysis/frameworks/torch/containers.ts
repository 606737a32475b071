// nn.Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict: children registered by
// index or key, list/dict methods, indexing and slicing, Sequential's chained forward, and
// copy.deepcopy of module trees (clones get their own parameters; ties inside a clone stay tied).
import type { Node } from "web-tree-sitter";
import { callValue, callMethod } from "../../evaluate/calls/call";
import { makeClass } from "../../evaluate/classes";
import type { Interp } from "../../evaluate/interp";
import { iterate } from "../../evaluate/iteration";
import { sliceBounds } from "../../evaluate/subscript";
import {
  asInt,
  asString,
  builtin,
  type ClassV,
  type InstanceV,
  list,
  NONE,
  type NativeFn,
  type ParamRef,
  str,
  tuple,
  unknown,
  type Value,
} from "../../evaluate/values";
import { ChildMap, type ModuleState } from "./moduleState";
import { setModuleAttr } from "./moduleAttrs";

export type ContainerKind = "Sequential" | "ModuleList" | "ModuleDict" | "ParameterList" | "ParameterDict";

export function containerKind(inst: InstanceV): ContainerKind | null {
  for (const c of inst.cls.mro) {
    const m = /^torch\.nn\.(Sequential|ModuleList|ModuleDict|ParameterList|ParameterDict)$/.exec(c.qualname);
    if (m) return m[1] as ContainerKind;
  }
  return null;
}

function me(args: Value[]): InstanceV | null {
  const s = args[0];
  return s?.k === "instance" && s.mod ? s : null;
}

function addItem(ip: Interp, inst: InstanceV, key: string, v: Value, node: Node | null): void {
  if (v.k === "instance" && v.mod) inst.mod!.children.set(key, v);
  else if (v.k === "tensor") setModuleAttr(ip, inst, key, v, node);
  else if (v.k === "unknown")
    ip.note(`${inst.mod!.className} item ${key} is unknown: its layers are not counted`, node);
}

function addMany(ip: Interp, inst: InstanceV, items: Value[], node: Node | null): void {
  const st = inst.mod!;
  for (const v of items) addItem(ip, inst, String(st.children.size + st.params.size), v, node);
}

function addMapping(ip: Interp, inst: InstanceV, v: Value, node: Node | null): void {
  if (v.k === "dict") for (const [k, val] of v.map.values()) addItem(ip, inst, asString(k) ?? "?", val, node);
  else {
    for (const pair of iterate(ip, v, node) ?? []) {
      if (pair.k === "tuple" || pair.k === "list")
        addItem(ip, inst, asString(pair.items[0]) ?? "?", pair.items[1] ?? NONE, node);
    }
  }
}

const seqMethods: Record<string, NativeFn> = {
  __init__(ip, [s, ...args], _kw, node) {
    const inst = me([s]);
    if (!inst) return NONE;
    const kind = containerKind(inst);
    if (kind === "ModuleDict" || kind === "ParameterDict") {
      if (args[0]) addMapping(ip, inst, args[0], node);
    } else if (kind === "Sequential" && args.length === 1 && args[0].k === "dict") addMapping(ip, inst, args[0], node);
    else if (kind === "Sequential") addMany(ip, inst, args, node);
    else if (args[0]) {
      const items = iterate(ip, args[0], node);
      if (items) addMany(ip, inst, items, node);
      else ip.note(`${kind} built from an unknown iterable: its layers are not counted`, node);
    }
    return NONE;
  },
  forward(ip, [s, ...args], kw, node) {
    const inst = me([s]);
    if (!inst || containerKind(inst) !== "Sequential") return unknown("container is not callable", node);
    let x: Value = args[0] ?? NONE;
    for (const child of inst.mod!.children.values()) x = callValue(ip, child, [x], kw, node);
    return x;
  },
  append(ip, [s, v], _kw, node) {
    const inst = me([s]);
    if (inst && v) addMany(ip, inst, [v], node);
    return s ?? NONE;
  },
  extend(ip, [s, v], _kw, node) {
    const inst = me([s]);
    const items = v ? iterate(ip, v, node) : null;
    if (inst && items) addMany(ip, inst, items, node);
    return s ?? NONE;
  },
  insert(ip, [s, idx, v], _kw, node) {
    const inst = me([s]);
    const i = asInt(idx);
    if (!inst || i === null || !v) return NONE;
    const items = Array.from(inst.mod!.children.values());
    items.splice(i, 0, v as InstanceV);
    inst.mod!.children = new ChildMap();
    addMany(ip, inst, items, node);
    return NONE;
  },
  update(ip, [s, v], _kw, node) {
    const inst = me([s]);
    if (inst && v) addMapping(ip, inst, v, node);
    return NONE;
  },
  keys: (_ip, [s]) => list(Array.from(me([s])?.mod?.children.keys() ?? [], (k) => str(k))),
  values: (_ip, [s]) => list(Array.from(me([s])?.mod?.children.values() ?? [])),
  items: (_ip, [s]) => list(Array.from(me([s])?.mod?.children ?? [], ([k, v]) => tuple([str(k), v]))),
  __len__: (_ip, [s]) => ({ k: "num", v: me([s])?.mod?.children.size ?? 0, int: true }),
};

export function makeContainerClasses(moduleClass: ClassV): Record<ContainerKind, ClassV> {
  const attrs = () => {
    const m = new Map<string, Value>();
    for (const [n, f] of Object.entries(seqMethods)) m.set(n, builtin(n, f));
    return m;
  };
  const out = {} as Record<ContainerKind, ClassV>;
  for (const kind of ["Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"] as const)
    out[kind] = makeClass(kind, [moduleClass], attrs(), { qualname: `torch.nn.${kind}` });
  return out;
}

/** `seq[i]`, `seq[a:b]` (a new Sequential sharing the children), `moduledict["k"]`, `params[i]`. */
export function containerSlice(ip: Interp, inst: InstanceV, key: Value, node: Node | null): Value {
  const kind = containerKind(inst);
  const st = inst.mod!;
  if (!kind) return callMethod(ip, inst, "__getitem__", [key], node);
  if (kind === "ParameterList" || kind === "ParameterDict") {
    const name = kind === "ParameterDict" ? asString(key) : String(asInt(key));
    const p = name !== null ? st.params.get(name) : undefined;
    return p ? { k: "tensor", shape: p.shape, dtype: "float32", param: p } : unknown("parameter not found", node);
  }
  if (kind === "ModuleDict")
    return st.children.get(asString(key) ?? "") ?? unknown(`ModuleDict has no key ${asString(key)}`, node);
  const items = Array.from(st.children.values());
  if (key.k === "slice") {
    const b = sliceBounds(key, items.length);
    if (!b) return unknown("slice with unknown bounds", node);
    const picked: Value[] = [];
    for (let i = b[0]; b[2] > 0 ? i < b[1] : i > b[1]; i += b[2]) picked.push(items[i]);
    // torch: `self.__class__(list(self._modules.values())[idx])`: ModuleList takes one list, Sequential the modules.
    const view = callValue(ip, inst.cls, kind === "ModuleList" ? [list(picked)] : picked, new Map(), node);
    // A slice is a view of modules another model owns, not a model of its own.
    if (view.k === "instance" && view.mod) view.mod.sliceOf = st;
    return view;
  }
  const i = asInt(key);
  if (i === null) return unknown("index is unknown", node);
  return items[i < 0 ? items.length + i : i] ?? unknown(`index ${i} out of range`, node);
}

export function setContainerItem(ip: Interp, inst: InstanceV, key: Value, v: Value, node: Node | null): void {
  const kind = containerKind(inst);
  if (!kind) {
    callMethod(ip, inst, "__setitem__", [key, v], node);
    return;
  }
  const i = asInt(key);
  const name = asString(key) ?? (i !== null ? String(i < 0 ? inst.mod!.children.size + i : i) : null);
  if (name !== null) addItem(ip, inst, name, v, node);
}

/** copy.deepcopy: modules are cloned with fresh parameters (new ids), everything else structurally. */
export function deepCopy(ip: Interp, v: Value, memo = new Map<object, unknown>()): Value {
  const seen = memo.get(v);
  if (seen) return seen as Value;
  switch (v.k) {
    case "list":
    case "tuple":
    case "set": {
      const out = { k: v.k, items: [] as Value[] };
      memo.set(v, out);
      for (const it of v.items) out.items.push(deepCopy(ip, it, memo));
      return out;
    }
    case "dict": {
      const out: Value = { k: "dict", map: new Map() };
      memo.set(v, out);
      for (const [h, [k, val]] of v.map) out.map.set(h, [k, deepCopy(ip, val, memo)]);
      return out;
    }
    case "tensor":
      return v.param ? { ...v, param: copyParam(v.param, memo) } : { ...v };
    case "instance": {
      const inst: InstanceV = { k: "instance", cls: v.cls, attrs: new Map(), mod: null };
      memo.set(v, inst);
      for (const [k, a] of v.attrs) inst.attrs.set(k, deepCopy(ip, a, memo));
      if (v.mod) inst.mod = copyState(ip, v.mod, inst, memo);
      return inst;
    }
    default:
      return v;
  }
}

function copyParam(p: ParamRef, memo: Map<object, unknown>): ParamRef {
  const seen = memo.get(p);
  if (seen) return seen as ParamRef;
  const out = { ...p };
  memo.set(p, out);
  return out;
}

function copyState(ip: Interp, st: ModuleState, inst: InstanceV, memo: Map<object, unknown>): ModuleState {
  const out: ModuleState = {
    ...st,
    id: ip.modules.length + 1,
    instance: inst,
    children: new ChildMap(),
    wasChild: false,
    copies: [],
    params: new Map(),
    buffers: new Map(st.buffers),
    boundName: null,
    boundDepth: Number.POSITIVE_INFINITY,
    inForward: ip.moduleStack.length > 0 || ip.forwardStats !== null,
  };
  ip.modules.push(out);
  st.copies.push(out);
  for (const [k, p] of st.params) out.params.set(k, p ? copyParam(p, memo) : null);
  for (const [k, c] of st.children) out.children.set(k, deepCopy(ip, c, memo) as InstanceV);
  return out;
}
