// Classes: definition (bases, body scope, C3 MRO, @dataclass/NamedTuple fields), attribute lookup
// along the MRO, instantiation (__init__ or native init), and super().
import type { Node } from "web-tree-sitter";
import { attachModuleState, isModuleClass } from "../frameworks/torch/moduleAttrs";
import type { Stmt } from "./ast";
import { callValue } from "./calls/call";
import { bindAttr } from "./attributes";
import { evalArgs, evalExpr } from "./expressions";
import type { Interp } from "./interp";
import { delegatedAttr, nativeBaseClass } from "./nativeBases";
import { Scope } from "./scope";
import { execBlock, type FrameResult } from "./statements";
import { type ClassV, type InstanceV, type Kw, NONE, type NativeClass, unknown, type Value } from "./values";

export function makeClass(
  name: string,
  bases: ClassV[],
  attrs: Map<string, Value>,
  opts: { qualname?: string; native?: NativeClass | null; node?: Node | null; file?: string | null } = {},
): ClassV {
  const cls: ClassV = {
    k: "class",
    name,
    qualname: opts.qualname ?? name,
    bases,
    mro: [],
    attrs,
    native: opts.native ?? null,
    node: opts.node ?? null,
    file: opts.file ?? null,
    annotations: [],
    fields: null,
  };
  cls.mro = linearize(cls);
  // Native initialisers sit in the class dict so MRO lookup and super().__init__ find them.
  if (cls.native?.init && !attrs.has("__init__"))
    attrs.set("__init__", { k: "builtin", name: `${name}.__init__`, fn: cls.native.init });
  return cls;
}

/** C3 linearisation; falls back to depth-first order when the bases are inconsistent. */
function linearize(cls: ClassV): ClassV[] {
  if (cls.bases.length === 0) return [cls];
  if (cls.bases.length === 1) return [cls, ...cls.bases[0].mro];
  const seqs = cls.bases.map((b) => b.mro.slice()).concat([cls.bases.slice()]);
  const out: ClassV[] = [cls];
  for (let guard = 0; guard < 1000; guard++) {
    const nonEmpty = seqs.filter((s) => s.length > 0);
    if (nonEmpty.length === 0) return out;
    const head = nonEmpty.map((s) => s[0]).find((h) => !nonEmpty.some((s) => s.indexOf(h) > 0));
    if (!head) break;
    out.push(head);
    for (const s of nonEmpty) if (s[0] === head) s.shift();
  }
  const dfs: ClassV[] = [cls];
  for (const b of cls.bases) for (const c of b.mro) if (!dfs.includes(c)) dfs.push(c);
  return dfs;
}

export function lookupClassAttr(cls: ClassV, name: string, after: ClassV | null = null): Value | undefined {
  let i = 0;
  if (after) {
    i = cls.mro.indexOf(after) + 1;
    if (i === 0) return undefined;
  }
  for (; i < cls.mro.length; i++) {
    const v = cls.mro[i].attrs.get(name);
    if (v !== undefined) return v;
  }
  return undefined;
}

export function defineClass(ip: Interp, st: Extract<Stmt, { t: "class" }>, s: Scope): Value {
  const [baseVals] = evalArgs(ip, st.bases, s);
  const bases: ClassV[] = [];
  for (const b of baseVals) {
    if (b.k === "class") bases.push(b);
    else if (b.k === "builtin") bases.push(nativeBaseClass(b));
    else if (b.k === "unknown")
      ip.note(`base class of ${st.name} is unknown: its inherited behaviour is not modelled`, st.node);
  }
  const body = new Scope(s, s.globals, true);
  const cls = makeClass(st.name, bases, body.vars, { node: st.node, file: ip.currentFile });
  const frame: FrameResult = { ret: NONE };
  execBlock(ip, st.body, body, frame);
  for (const v of body.vars.values()) if (v.k === "func" && !v.owner) v.owner = cls;
  cls.annotations = body.annotations ?? [];
  if (bases.some((b) => b.qualname === "typing.NamedTuple")) setFields(cls);
  let result: Value = cls;
  for (let i = st.decorators.length - 1; i >= 0; i--) {
    const d = evalExpr(ip, st.decorators[i], s);
    if (d.k === "builtin" && d.name === "dataclass") setFields(cls);
    else if (d.k === "func") {
      const r = callValue(ip, d, [result], new Map(), st.decorators[i].node);
      if (r.k === "class") result = r;
    }
  }
  return result;
}

/** @dataclass / NamedTuple: annotated names in order; defaults from class attributes or field(). */
export function setFields(cls: ClassV): void {
  cls.fields = cls.annotations.map((name) => {
    const d = cls.attrs.get(name);
    if (d?.k === "native" && d.type === "dataclass_field")
      return { name, default: (d.data.default as Value) ?? null, factory: (d.data.factory as Value) ?? null };
    return { name, default: d ?? null, factory: null };
  });
  // Inherited dataclass fields come first, as in Python.
  for (const b of cls.bases)
    if (b.fields) cls.fields = [...b.fields.filter((f) => !cls.fields!.some((g) => g.name === f.name)), ...cls.fields];
}

export function instantiate(ip: Interp, cls: ClassV, args: Value[], kw: Kw, node: Node | null): Value {
  for (const c of cls.mro) if (c.native?.construct) return c.native.construct(ip, args, kw, node);
  const inst: InstanceV = { k: "instance", cls, attrs: new Map(), mod: null };
  if (isModuleClass(cls)) attachModuleState(ip, inst, node);
  // The first class in the MRO with an __init__ or dataclass fields decides how to initialise.
  const owner = cls.mro.find((c) => c.attrs.has("__init__") || c.fields);
  const init = owner?.attrs.get("__init__");
  if (init && (init.k === "func" || init.k === "builtin" || init.k === "bound")) {
    callValue(ip, init, [inst, ...args], kw, node);
    return inst;
  }
  const fieldsOwner = owner;
  if (fieldsOwner?.fields) {
    fieldsOwner.fields.forEach((f, i) => {
      const v =
        i < args.length
          ? args[i]
          : (kw.get(f.name) ??
            f.default ??
            (f.factory
              ? callValue(ip, f.factory, [], new Map(), node)
              : unknown(`field ${f.name} has no value`, node)));
      inst.attrs.set(f.name, v);
    });
    const post = lookupClassAttr(cls, "__post_init__");
    if (post) callValue(ip, post, [inst], new Map(), node);
  }
  return inst;
}

/** `super()` inside a method, or `super(Cls, self)`: attribute lookup continues after Cls in self's MRO. */
export function makeSuper(ip: Interp, args: Value[], node: Node | null): Value {
  let cls: ClassV | null = null;
  let self: Value | undefined;
  if (args.length >= 2 && args[0].k === "class") {
    cls = args[0];
    self = args[1];
  } else {
    const top = ip.funcStack[ip.funcStack.length - 1];
    cls = top?.f.owner ?? null;
    const first = top?.f.params[0];
    self = first ? top.scope.vars.get(first.name) : undefined;
  }
  if (!cls || !self) return unknown("super() outside a method", node);
  const selfCls = self.k === "instance" ? self.cls : self.k === "class" ? self : null;
  if (!selfCls) return unknown("super() on an unknown object", node);
  const boundSelf = self;
  const from = cls;
  return {
    k: "native",
    type: "super",
    data: {},
    getattr: (ip2, _me, name) => {
      const v = lookupClassAttr(selfCls, name, from);
      // `super().train()` in a subclass of a native factory: the native object's method.
      const d = v === undefined && boundSelf.k === "instance" ? delegatedAttr(ip2, boundSelf, name, node) : undefined;
      if (d !== undefined) return d;
      if (v === undefined) {
        // object.__init__ and friends: nothing to do.
        if (name === "__init__") return { k: "builtin", name: "object.__init__", fn: () => NONE };
        return unknown(`super().${name} not found`, node);
      }
      return bindAttr(ip2, boundSelf, v);
    },
  };
}
