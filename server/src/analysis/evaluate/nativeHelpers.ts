// Small constructors for native modules and objects, shared by stdlib.ts and frameworks/.
import type { Node } from "web-tree-sitter";
import type { Interp } from "./interp";
import { builtin, type Kw, type ModuleV, type NativeFn, type NativeV, unknown, type Value } from "./values";

/** A native package: fixed entries, then `fallback` (lazy submodules), else Unknown attributes. */
export function nativeModule(
  name: string,
  entries: Record<string, Value>,
  fallback?: (attr: string) => Value | undefined,
): ModuleV {
  return {
    k: "module",
    name,
    attrs: new Map(Object.entries(entries)),
    resolve: (attr) => fallback?.(attr) ?? opaque(`${name}.${attr}`),
  };
}

/** A library name we do not model: attribute access gives more of the same; calls give Unknown. */
export function opaque(name: string): ModuleV {
  return { k: "module", name, attrs: new Map(), resolve: (attr) => opaque(`${name}.${attr}`) };
}

export function fn(name: string, f: NativeFn): Value {
  return builtin(name, f);
}

type Methods = Record<string, (ip: Interp, self: NativeV, args: Value[], kw: Kw, node: Node | null) => Value>;

/** A native object with methods and plain attributes; unknown names give Unknown. */
export function nativeObject(
  type: string,
  data: Record<string, unknown>,
  methods: Methods,
  attrs: (self: NativeV, name: string) => Value | undefined = () => undefined,
): NativeV {
  const self: NativeV = {
    k: "native",
    type,
    data,
    getattr: (_ip, me, name, node) => {
      const a = attrs(me, name);
      if (a !== undefined) return a;
      const m = methods[name];
      if (m) return builtin(`${type}.${name}`, (ip2, args, kw, n) => m(ip2, me, args, kw, n ?? node));
      return unknown(`${type}.${name} is not modelled`, node);
    },
  };
  return self;
}

export function kwOrPos(args: Value[], kw: Kw, index: number, name: string): Value | undefined {
  return kw.get(name) ?? args[index];
}
