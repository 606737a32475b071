// `def`: a function value closing over its scope, defaults evaluated once, decorators applied
// (staticmethod/classmethod/property/torch.no_grad are markers; user decorators are called).
import type { FuncDef } from "./ast";
import { callValue } from "./calls/call";
import { evalExpr } from "./expressions";
import type { Interp } from "./interp";
import type { Scope } from "./scope";
import type { FuncV, Value } from "./values";

const MARKERS = new Set(["staticmethod", "classmethod", "property"]);
const NO_GRAD = new Set(["torch.no_grad", "torch.inference_mode", "torch.enable_grad"]);

export function defineFunction(ip: Interp, def: FuncDef, s: Scope): Value {
  const defaults = new Map<string, Value>();
  for (const p of def.params) if (p.default) defaults.set(p.name, evalExpr(ip, p.default, s));
  const f: FuncV = {
    k: "func",
    name: def.name,
    params: def.params,
    defaults,
    body: def.body,
    closure: s.closureScope(),
    node: def.node,
    file: ip.currentFile,
    decorators: [],
    owner: null,
  };
  let result: Value = f;
  for (let i = def.decorators.length - 1; i >= 0; i--) {
    const d = evalExpr(ip, def.decorators[i], s);
    if (d.k === "builtin" && MARKERS.has(d.name)) f.decorators.push(d.name);
    else if ((d.k === "builtin" && NO_GRAD.has(d.name)) || (d.k === "native" && d.type === "no_grad"))
      f.decorators.push("no_grad");
    else if (d.k === "func" || d.k === "class") {
      const r = callValue(ip, d, [result], new Map(), def.decorators[i].node);
      // A decorator we cannot follow (wraps, caches) leaves the function usable as written.
      if (r.k === "func" || r.k === "builtin" || r.k === "bound") result = r;
    } else if (d.k === "builtin" && d.name.startsWith("decorator:")) {
      const r = callValue(ip, d, [result], new Map(), def.decorators[i].node);
      if (r.k !== "unknown") result = r;
    }
  }
  return result;
}
