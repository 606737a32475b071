// Assignment targets: names, tuple/list unpacking (with a starred target), attributes, items.
import type { Expr } from "./ast";
import { setAttr } from "./attributes";
import { recordAttrSet } from "./undecided";
import { evalExpr } from "./expressions";
import type { Interp } from "./interp";
import { iterate } from "./iteration";
import type { Scope } from "./scope";
import { setItem } from "./subscript";
import { unknown, type Value } from "./values";

export function assignTarget(ip: Interp, target: Expr, v: Value, s: Scope): void {
  switch (target.t) {
    case "name":
      // The outermost binding names the model (`model = Net()` in main, not `m` in a loop in __init__).
      if (v.k === "instance" && v.mod && (!v.mod.boundName || ip.callDepth < v.mod.boundDepth)) {
        v.mod.boundName = target.id;
        v.mod.boundDepth = ip.callDepth;
      }
      s.set(target.id, v);
      return;
    case "tuple":
    case "list": {
      const items = v.k === "unknown" ? null : iterate(ip, v, target.node);
      const starAt = target.items.findIndex((t) => t.t === "star");
      const n = target.items.length;
      if (!items || (starAt < 0 && items.length !== n) || (starAt >= 0 && items.length < n - 1)) {
        const u = v.k === "unknown" ? v : unknown("cannot unpack this value", target.node);
        for (const t of target.items) assignTarget(ip, t.t === "star" ? t.e : t, u, s);
        return;
      }
      if (starAt < 0) {
        for (let i = 0; i < n; i++) assignTarget(ip, target.items[i], items[i], s);
        return;
      }
      const after = n - starAt - 1;
      for (let i = 0; i < starAt; i++) assignTarget(ip, target.items[i], items[i], s);
      const starTarget = target.items[starAt];
      if (starTarget.t === "star")
        assignTarget(ip, starTarget.e, { k: "list", items: items.slice(starAt, items.length - after) }, s);
      for (let i = 0; i < after; i++)
        assignTarget(ip, target.items[starAt + 1 + i], items[items.length - after + i], s);
      return;
    }
    case "attr": {
      const obj = evalExpr(ip, target.obj, s);
      if (ip.attrChoices.length > 0) recordAttrSet(ip, obj, target.name, v);
      setAttr(ip, obj, target.name, v, target.node);
      if (v.k === "instance" && v.mod && !v.mod.boundName && !(obj.k === "instance" && obj.mod))
        v.mod.boundName = target.name;
      return;
    }
    case "sub":
      setItem(ip, evalExpr(ip, target.obj, s), evalExpr(ip, target.index, s), v, target.node);
      return;
    case "star":
      assignTarget(ip, target.e, v, s);
      return;
    default:
      return;
  }
}
