// Methods of builtin values: str, list, tuple, dict, set, int/float. Add a method here by name.
import type { Node } from "web-tree-sitter";
import type { Interp } from "./interp";
import { iterate } from "./iteration";
import {
  asInt,
  builtin,
  hashKey,
  int,
  list,
  NONE,
  type NativeFn,
  str,
  toText,
  tuple,
  unknown,
  type Value,
} from "./values";

type Method = (ip: Interp, self: Value, args: Value[], node: Node | null) => Value;

const strMethods: Record<string, (s: string, args: Value[]) => Value> = {
  upper: (s) => str(s.toUpperCase()),
  lower: (s) => str(s.toLowerCase()),
  strip: (s) => str(s.trim()),
  lstrip: (s) => str(s.trimStart()),
  rstrip: (s) => str(s.trimEnd()),
  startswith: (s, a) => ({ k: "bool", v: a[0]?.k === "str" && s.startsWith(a[0].v) }),
  endswith: (s, a) => ({ k: "bool", v: a[0]?.k === "str" && s.endsWith(a[0].v) }),
  replace: (s, a) =>
    a[0]?.k === "str" && a[1]?.k === "str" ? str(s.split(a[0].v).join(a[1].v)) : unknown("str.replace"),
  split: (s, a) => list((a[0]?.k === "str" ? s.split(a[0].v) : s.split(/\s+/).filter(Boolean)).map(str)),
  join: (s, a) => {
    const items = a[0] && (a[0].k === "list" || a[0].k === "tuple") ? a[0].items : null;
    if (!items || items.some((x) => x.k !== "str")) return unknown("str.join of unknown items");
    return str(items.map((x) => (x as { v: string }).v).join(s));
  },
  format: (s, a) => {
    let i = 0;
    let ok = true;
    const out = s.replace(/\{(\d*)(?:[:!][^}]*)?\}/g, (_m, idx: string) => {
      const v = a[idx ? Number(idx) : i++];
      const t = v ? toText(v) : null;
      if (t === null) ok = false;
      return t ?? "";
    });
    return ok ? str(out) : unknown("str.format with unknown values");
  },
  isdigit: (s) => ({ k: "bool", v: /^\d+$/.test(s) }),
  find: (s, a) => (a[0]?.k === "str" ? int(s.indexOf(a[0].v)) : unknown("str.find")),
  count: (s, a) => (a[0]?.k === "str" && a[0].v ? int(s.split(a[0].v).length - 1) : unknown("str.count")),
  title: (s) => str(s.replace(/\b\w/g, (c) => c.toUpperCase())),
  capitalize: (s) => str(s.charAt(0).toUpperCase() + s.slice(1).toLowerCase()),
  isalpha: (s) => ({ k: "bool", v: /^[A-Za-z]+$/.test(s) }),
  islower: (s) => ({ k: "bool", v: s === s.toLowerCase() && s !== s.toUpperCase() }),
  zfill: (s, a) => str(s.padStart(asInt(a[0]) ?? 0, "0")),
};

const listMethods: Record<string, Method> = {
  append: (_ip, self, a) => {
    if (self.k === "list" && a[0]) self.items.push(a[0]);
    return NONE;
  },
  extend: (ip, self, a, node) => {
    const items = a[0] ? iterate(ip, a[0], node) : null;
    if (self.k === "list" && items) self.items.push(...items);
    return NONE;
  },
  insert: (_ip, self, a) => {
    const i = asInt(a[0]);
    if (self.k === "list" && i !== null && a[1]) self.items.splice(i < 0 ? self.items.length + i : i, 0, a[1]);
    return NONE;
  },
  pop: (_ip, self, a) => {
    if (self.k !== "list" || self.items.length === 0) return unknown("pop from an empty list");
    const i = a[0] ? asInt(a[0]) : -1;
    if (i === null) return unknown("pop at an unknown index");
    return self.items.splice(i < 0 ? self.items.length + i : i, 1)[0] ?? NONE;
  },
  copy: (_ip, self) => (self.k === "list" ? list(self.items.slice()) : self),
  reverse: (_ip, self) => {
    if (self.k === "list") self.items.reverse();
    return NONE;
  },
  index: (_ip, self, a) => {
    if (self.k !== "list" && self.k !== "tuple") return unknown("index");
    const h = a[0] ? hashKey(a[0]) : null;
    const i = h === null ? -1 : self.items.findIndex((x) => hashKey(x) === h);
    return i < 0 ? unknown("value not in list") : int(i);
  },
  count: (_ip, self, a) => {
    if (self.k !== "list" && self.k !== "tuple") return unknown("count");
    const h = a[0] ? hashKey(a[0]) : null;
    return int(self.items.filter((x) => hashKey(x) === h).length);
  },
  sort: () => NONE,
  clear: (_ip, self) => {
    if (self.k === "list") self.items.length = 0;
    return NONE;
  },
};

const dictMethods: Record<string, Method> = {
  get: (_ip, self, a) => {
    if (self.k !== "dict") return unknown("dict.get");
    const h = a[0] ? hashKey(a[0]) : null;
    const hit = h === null ? undefined : self.map.get(h);
    return hit ? hit[1] : (a[1] ?? NONE);
  },
  items: (_ip, self) =>
    self.k === "dict" ? list(Array.from(self.map.values(), ([k, v]) => tuple([k, v]))) : unknown("items"),
  keys: (_ip, self) => (self.k === "dict" ? list(Array.from(self.map.values(), ([k]) => k)) : unknown("keys")),
  values: (_ip, self) => (self.k === "dict" ? list(Array.from(self.map.values(), ([, v]) => v)) : unknown("values")),
  update: (_ip, self, a) => {
    if (self.k === "dict" && a[0]?.k === "dict") for (const [h, kv] of a[0].map) self.map.set(h, kv);
    return NONE;
  },
  pop: (_ip, self, a) => {
    if (self.k !== "dict") return unknown("dict.pop");
    const h = a[0] ? hashKey(a[0]) : null;
    const hit = h === null ? undefined : self.map.get(h);
    if (hit && h !== null) self.map.delete(h);
    return hit ? hit[1] : (a[1] ?? unknown("key not found"));
  },
  setdefault: (_ip, self, a) => {
    if (self.k !== "dict" || !a[0]) return unknown("setdefault");
    const h = hashKey(a[0]);
    if (h === null) return unknown("setdefault with an unknown key");
    const hit = self.map.get(h);
    if (hit) return hit[1];
    const v = a[1] ?? NONE;
    self.map.set(h, [a[0], v]);
    return v;
  },
  copy: (_ip, self) => (self.k === "dict" ? { k: "dict", map: new Map(self.map) } : self),
};

const setMethods: Record<string, Method> = {
  add: (_ip, self, a) => {
    if (self.k === "set" && a[0]) {
      const h = hashKey(a[0]);
      if (h === null || !self.items.some((x) => hashKey(x) === h)) self.items.push(a[0]);
    }
    return NONE;
  },
};

export function builtinMethod(ip: Interp, obj: Value, name: string, node: Node | null): Value | undefined {
  let m: Method | undefined;
  if (obj.k === "str") {
    const sm = strMethods[name];
    if (sm) {
      const s = obj.v;
      return builtin(`str.${name}`, ((_ip, args) => sm(s, args)) as NativeFn);
    }
  } else if (obj.k === "list" || obj.k === "tuple") m = listMethods[name];
  else if (obj.k === "dict") m = dictMethods[name];
  else if (obj.k === "set") m = setMethods[name];
  else if (obj.k === "num" && name === "is_integer")
    return builtin("is_integer", () => ({ k: "bool", v: Number.isInteger(obj.v) }));
  if (!m) return undefined;
  const method = m;
  void ip;
  return builtin(`${obj.k}.${name}`, (ip2, args, _kw, n) => method(ip2, obj, args, n ?? node));
}
