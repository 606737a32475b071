// Attribute access and assignment on every kind of value: instances (with nn.Module's
// parameters/children/buffers), classes, modules, tensors, native objects and builtin methods.
import type { Node } from "web-tree-sitter";
import { deviceKindOf } from "../frameworks/torch/events";
import { getModuleAttr, setModuleAttr } from "../frameworks/torch/moduleAttrs";
import { getTensorAttr, setTensorAttr } from "../frameworks/torch/tensorOps";
import { builtinMethod } from "./methods";
import { callValue } from "./calls/call";
import { lookupClassAttr } from "./classes";
import type { Interp } from "./interp";
import { delegatedAttr } from "./nativeBases";
import { builtin, NONE, str, unknown, type Value } from "./values";

/** A class attribute seen through an instance: methods bind, properties run, static stays. */
export function bindAttr(ip: Interp, self: Value, v: Value): Value {
  if (v.k === "func") {
    if (v.decorators.includes("staticmethod")) return v;
    if (v.decorators.includes("classmethod"))
      return { k: "bound", self: self.k === "instance" ? self.cls : self, fn: v };
    if (v.decorators.includes("property")) return callValue(ip, v, [self], new Map(), null);
    return { k: "bound", self, fn: v };
  }
  if (v.k === "builtin") return { k: "bound", self, fn: v };
  return v;
}

export function getAttr(ip: Interp, obj: Value, name: string, node: Node | null): Value {
  switch (obj.k) {
    case "unknown":
      // `.backward()` is autograd whatever produced the loss (an unmodelled library model included).
      if (name === "backward")
        return builtin("backward", (ip2, _a, _kw, n) => {
          ip2.event({ kind: "backward" }, n ?? node);
          return NONE;
        });
      // `.to("cuda")` / `.cuda()` on a library model we do not model still says where training runs.
      if (name === "cuda" || name === "to")
        return builtin(name, (ip2, args, kw, n) => {
          const dev = name === "cuda" ? "gpu" : deviceKindOf(args[0] ?? kw.get("device"));
          if (dev)
            ip2.event(
              { kind: "device", device: dev, count: null, how: name === "cuda" ? ".cuda()" : ".to(…)" },
              n ?? node,
            );
          return obj;
        });
      return obj;
    case "instance": {
      const own = obj.attrs.get(name);
      if (own !== undefined) return own;
      if (obj.mod) {
        const m = getModuleAttr(ip, obj, name, node, false);
        if (m !== undefined) return m;
      }
      const c = lookupClassAttr(obj.cls, name);
      if (c !== undefined) return bindAttr(ip, obj, c);
      if (obj.mod) {
        const m = getModuleAttr(ip, obj, name, node, true);
        if (m !== undefined) return m;
      }
      const d = delegatedAttr(ip, obj, name, node);
      if (d !== undefined) return d;
      if (name === "__class__") return obj.cls;
      if (name === "__dict__") return unknown("__dict__ is not modelled", node);
      const ga = lookupClassAttr(obj.cls, "__getattr__");
      if (ga && ga.k === "func") return callValue(ip, ga, [obj, str(name)], new Map(), node);
      return unknown(`'${obj.cls.name}' object has no attribute '${name}'`, node);
    }
    case "class": {
      if (name === "__name__") return str(obj.name);
      const c = lookupClassAttr(obj, name);
      if (c === undefined) return unknown(`class ${obj.name} has no attribute '${name}'`, node);
      if ((c.k === "func" && c.decorators.includes("classmethod")) || (c.k === "builtin" && c.classmethod))
        return { k: "bound", self: obj, fn: c };
      return c;
    }
    case "module": {
      if (name === "__dict__") {
        // `models.__dict__[args.arch]` (the PyTorch ImageNet example) is attribute lookup by name.
        const mod = obj;
        return {
          k: "native",
          type: "module.__dict__",
          data: {},
          getattr: () => undefined,
          getitem: (ip2, _me, key, n) =>
            key.k === "str" ? getAttr(ip2, mod, key.v, n) : unknown("__dict__ key is unknown", n),
        };
      }
      const v = obj.attrs.get(name);
      if (v !== undefined) return v;
      const r = obj.resolve?.(name);
      if (r !== undefined) {
        obj.attrs.set(name, r);
        return r;
      }
      return unknown(`${obj.name}.${name} is not known`, node);
    }
    case "tensor":
      return getTensorAttr(ip, obj, name, node);
    case "native":
      return obj.getattr(ip, obj, name, node) ?? unknown(`${obj.type}.${name} is not modelled`, node);
    case "func":
      if (name === "__name__") return str(obj.name);
      return unknown(`function attribute ${name}`, node);
    case "tuple":
      // torch.return_types (topk, sort, max/min/median/mode/kthvalue along a dim) are (values, indices)
      // named tuples: `x.topk(k).indices` was an Unknown, which beside a tensor reads as a scalar.
      if (obj.items.length === 2 && obj.items[1]?.k === "tensor" && obj.items[1].dtype === "int64") {
        if (name === "values") return obj.items[0]!;
        if (name === "indices") return obj.items[1]!;
      }
      return builtinMethod(ip, obj, name, node) ?? unknown(`${obj.k} has no attribute '${name}'`, node);
    default:
      return builtinMethod(ip, obj, name, node) ?? unknown(`${obj.k} has no attribute '${name}'`, node);
  }
}

export function setAttr(ip: Interp, obj: Value, name: string, v: Value, node: Node | null): void {
  switch (obj.k) {
    case "instance": {
      const setter = lookupClassAttr(obj.cls, name);
      if (setter?.k === "func" && setter.decorators.includes("property")) return;
      if (obj.mod) setModuleAttr(ip, obj, name, v, node);
      else obj.attrs.set(name, v);
      return;
    }
    case "class":
    case "module":
      obj.attrs.set(name, v);
      return;
    case "tensor":
      setTensorAttr(ip, obj, name, v);
      return;
    case "native":
      obj.setattr?.(obj, name, v);
      return;
    default:
      return;
  }
}
