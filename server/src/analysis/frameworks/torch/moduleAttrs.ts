// nn.Module semantics: the Module base class and its methods (parameters, children, to/cuda,
// train/eval, requires_grad_, add_module, register_buffer...), and how attribute reads and
// writes on a module route to torch's _parameters / _buffers / _modules.
import { setRequiresGrad } from "./requiresGrad";
import type { Node } from "web-tree-sitter";
import { callValue } from "../../evaluate/calls/call";
import { makeClass } from "../../evaluate/classes";
import type { Interp } from "../../evaluate/interp";
import {
  asString,
  bool,
  builtin,
  type ClassV,
  type InstanceV,
  int,
  list,
  NONE,
  type NativeFn,
  type ParamRef,
  str,
  tensor,
  truthy,
  tuple,
  unknown,
  type Value,
} from "../../evaluate/values";
import { moduleEvent } from "./events";
import { allModules, ChildMap, type ModuleState, namedModules, namedParameters, parameterRefs } from "./moduleState";
import { fromArg } from "./tensorOps";

export function isModuleClass(cls: ClassV): boolean {
  return cls.mro.some((c) => c.qualname === "torch.nn.Module");
}

export function attachModuleState(ip: Interp, inst: InstanceV, node: Node | null): void {
  const st: ModuleState = {
    id: ip.modules.length + 1,
    className: inst.cls.name,
    instance: inst,
    spec: null,
    args: null,
    children: new ChildMap(),
    wasChild: false,
    copies: [],
    params: new Map(),
    buffers: new Map(),
    paramProblem: null,
    node,
    file: ip.currentFile,
    site: ip.range(node) ?? ip.foreignCallSite,
    boundName: null,
    boundDepth: Number.POSITIVE_INFINITY,
    training: true,
    inForward: ip.moduleStack.length > 0 || ip.forwardStats !== null,
  };
  inst.mod = st;
  ip.modules.push(st);
}

const CONV_TUPLE_ARGS = new Set(["kernel_size", "stride", "padding", "dilation", "output_padding"]);

/** Module attributes: `early` = torch's __dict__ (layer args, training); else _parameters/_buffers/_modules. */
export function getModuleAttr(
  _ip: Interp,
  inst: InstanceV,
  name: string,
  _node: Node | null,
  late: boolean,
): Value | undefined {
  const st = inst.mod!;
  if (!late) {
    if (name === "training") return bool(st.training);
    if (st.args && Object.hasOwn(st.args, name) && !name.startsWith("*")) {
      const a = st.args[name];
      const m = /^Conv(?:Transpose)?(\d)d$/.exec(
        st.spec ? (st.instance.cls.mro.find((c) => c.qualname.startsWith("torch.nn."))?.name ?? "") : "",
      );
      if (m && CONV_TUPLE_ARGS.has(name) && typeof a === "number")
        return tuple(Array.from({ length: Number(m[1]) }, () => int(a)));
      return fromArg(a as never);
    }
    return undefined;
  }
  if (st.params.has(name)) {
    const p = st.params.get(name);
    return p ? { ...tensor(p.unknownShape ? null : p.shape), param: p, weightOnly: true } : NONE;
  }
  const b = st.buffers.get(name);
  if (b) return b;
  return st.children.get(name);
}

export function setModuleAttr(ip: Interp, inst: InstanceV, name: string, v: Value, node: Node | null): void {
  const st = inst.mod!;
  if (v.k === "instance" && v.mod) {
    inst.attrs.delete(name);
    st.params.delete(name);
    st.children.set(name, v);
    return;
  }
  if (v.k === "tensor" && v.param) {
    inst.attrs.delete(name);
    st.children.delete(name);
    st.params.set(name, v.param);
    if (v.param.unknownShape) ip.note(`${st.className}.${name}: ${v.param.unknownShape}`, node);
    return;
  }
  if (v.k === "none" && st.params.has(name)) {
    st.params.set(name, null);
    return;
  }
  if (st.buffers.has(name) && v.k === "tensor") {
    st.buffers.set(name, v);
    return;
  }
  if (name === "training" && v.k === "bool") {
    st.training = v.v;
    return;
  }
  if (st.children.has(name) && v.k === "none") st.children.delete(name);
  if (v.k === "unknown" && v.fromUnresolvedCall !== undefined && !st.inForward) {
    // What a call of something unresolved returned may be a layer: the count cannot claim to be exact.
    const full = v.fromUnresolvedCall?.text ?? "an unresolved call";
    const text = full.length > 60 ? `${full.slice(0, 57)}...` : full;
    (st.unresolved ??= []).push(`${name} = ${text}`);
  }
  inst.attrs.set(name, v);
}

function self(args: Value[]): ModuleState | null {
  const s = args[0];
  return s?.k === "instance" && s.mod ? s.mod : null;
}

const paramTensor = (p: ParamRef): Value => ({
  ...tensor(p.unknownShape ? null : p.shape),
  param: p,
});

function setTraining(st: ModuleState, mode: boolean): void {
  for (const m of allModules(st)) m.training = mode;
}

const methods: Record<string, NativeFn> = {
  __init__: () => NONE,
  forward: (_ip, args, _kw, node) => unknown(`${self(args)?.className ?? "Module"}.forward is not defined`, node),
  parameters(_ip, args) {
    const st = self(args);
    return st ? list(parameterRefs(st).map(paramTensor)) : list([]);
  },
  named_parameters(_ip, args) {
    const st = self(args);
    return st ? list(namedParameters(st).map(([n, p]) => tuple([str(n), paramTensor(p)]))) : list([]);
  },
  buffers(_ip, args) {
    const st = self(args);
    return st ? list(allModules(st).flatMap((m) => Array.from(m.buffers.values()))) : list([]);
  },
  children: (_ip, args) => list(Array.from(self(args)?.children.values() ?? [])),
  named_children: (_ip, args) => list(Array.from(self(args)?.children ?? [], ([k, v]) => tuple([str(k), v]))),
  modules: (_ip, args) => {
    const st = self(args);
    return list(st ? allModules(st).map((m) => m.instance) : []);
  },
  named_modules: (_ip, args) => {
    const st = self(args);
    return list(st ? namedModules(st).map(([p, m]) => tuple([str(p), m.instance])) : []);
  },
  add_module(ip, [s, name, m], _kw, node) {
    const st = self([s]);
    if (!st || m?.k !== "instance" || !m.mod) return NONE;
    let n = asString(name);
    if (n === null) {
      // The layer still counts; only its name is unknown.
      n = `?${st.children.size}`;
      ip.note(`${st.className}.add_module with an unknown name: listed as ${n}`, node);
    }
    st.children.set(n, m);
    return NONE;
  },
  register_buffer(_ip, [s, name, t]) {
    const st = self([s]);
    const n = asString(name);
    if (!st || n === null) return NONE;
    // register_buffer(name, None) reserves the name: reading it gives None (Swin's mask when unshifted).
    if (t?.k === "none" && s?.k === "instance") {
      st.buffers.delete(n);
      s.attrs.set(n, NONE);
    } else st.buffers.set(n, t?.k === "tensor" ? { ...t, param: null, weightOnly: true } : tensor(null));
    return NONE;
  },
  register_parameter(ip, [s, name, p], _kw, node) {
    const st = self([s]);
    const n = asString(name);
    if (st && n !== null && s?.k === "instance") setModuleAttr(ip, s, n, p ?? NONE, node);
    return NONE;
  },
  train(_ip, [s, mode]) {
    const st = self([s]);
    if (st) setTraining(st, mode ? truthy(mode) !== false : true);
    return s ?? NONE;
  },
  eval(_ip, [s]) {
    const st = self([s]);
    if (st) setTraining(st, false);
    return s ?? NONE;
  },
  requires_grad_(ip, [s, flag], kw) {
    const st = self([s]);
    if (st) for (const p of parameterRefs(st)) setRequiresGrad(ip, p, flag ?? kw.get("requires_grad"));
    return s ?? NONE;
  },
  apply(ip, [s, f], _kw, node) {
    const st = self([s]);
    if (st && f) for (const m of allModules(st).reverse()) callValue(ip, f, [m.instance], new Map(), node);
    return s ?? NONE;
  },
  get_submodule(_ip, [s, target], _kw, node) {
    let cur: Value | undefined = s;
    for (const part of (asString(target) ?? "").split(".").filter(Boolean)) {
      cur = cur?.k === "instance" && cur.mod ? cur.mod.children.get(part) : undefined;
    }
    return cur ?? unknown("submodule not found", node);
  },
  zero_grad: () => NONE,
  load_state_dict: () => NONE,
  state_dict: (_ip, [s]) => ({
    k: "native",
    type: "state_dict",
    data: { module: self([s ?? NONE]) },
    getattr: () => undefined,
  }),
  share_memory: (_ip, [s]) => s ?? NONE,
  extra_repr: () => str(""),
  to: (ip, args, kw, node) => moduleEvent(ip, "to", args, kw, node),
  cuda: (ip, args, kw, node) => moduleEvent(ip, "cuda", args, kw, node),
  cpu: (ip, args, kw, node) => moduleEvent(ip, "cpu", args, kw, node),
  half: (ip, args, kw, node) => moduleEvent(ip, "half", args, kw, node),
  double: (ip, args, kw, node) => moduleEvent(ip, "double", args, kw, node),
  float: (ip, args, kw, node) => moduleEvent(ip, "float", args, kw, node),
  bfloat16: (ip, args, kw, node) => moduleEvent(ip, "bfloat16", args, kw, node),
  type: (ip, args, kw, node) => moduleEvent(ip, "to", args, kw, node),
};

/** The nn.Module base class (one per analysis, so user code can subclass and patch it). */
export function makeModuleClass(): ClassV {
  const attrs = new Map<string, Value>();
  for (const [name, f] of Object.entries(methods)) attrs.set(name, builtin(`Module.${name}`, f));
  return makeClass("Module", [], attrs, { qualname: "torch.nn.Module" });
}
