// `del` targets beyond plain names: `del self.fc` unregisters a module's child, parameter or buffer
// (nn.Module.__delattr__), `del layers[-1]` / `del cfg["head"]` drop list and dict items, and
// `del self.blocks[-1]` drops a ModuleList/Sequential child, renumbering the rest as torch does.
// Before, `del` of an attribute did nothing, so a deleted layer's parameters were still counted.
import type { Node } from "web-tree-sitter";
import { containerKind } from "../frameworks/torch/containers";
import type { Expr } from "./ast";
import { evalExpr } from "./expressions";
import type { Interp } from "./interp";
import type { Scope } from "./scope";
import { asInt, asString, hashKey, type Value } from "./values";

export function execDelete(ip: Interp, targets: Expr[], s: Scope): void {
  for (const t of targets) {
    if (t.t === "name") s.vars.delete(t.id);
    else if (t.t === "attr") deleteAttr(evalExpr(ip, t.obj, s), t.name);
    else if (t.t === "sub") deleteItem(evalExpr(ip, t.obj, s), evalExpr(ip, t.index, s), t.node);
    else if (t.t === "tuple" || t.t === "list") execDelete(ip, t.items, s);
  }
}

function deleteAttr(obj: Value, name: string): void {
  if (obj.k !== "instance") return;
  obj.attrs.delete(name);
  const st = obj.mod;
  if (!st) return;
  st.children.delete(name);
  st.params.delete(name);
  st.buffers.delete(name);
}

function deleteItem(obj: Value, key: Value, _node: Node | null): void {
  if (obj.k === "list") {
    const i = asInt(key);
    if (i !== null) obj.items.splice(i < 0 ? obj.items.length + i : i, 1);
    return;
  }
  if (obj.k === "dict") {
    const h = hashKey(key);
    if (h !== null) obj.map.delete(h);
    return;
  }
  if (obj.k !== "instance" || !obj.mod) return;
  const kind = containerKind(obj);
  const st = obj.mod;
  if (kind === "ModuleDict" || kind === "ParameterDict") {
    const k = asString(key);
    if (k !== null) (kind === "ModuleDict" ? st.children : st.params).delete(k);
    return;
  }
  if (kind !== "ModuleList" && kind !== "Sequential") return;
  const i = asInt(key);
  if (i === null) return;
  const kept = Array.from(st.children.values());
  kept.splice(i < 0 ? kept.length + i : i, 1);
  // torch's ModuleList.__delitem__ / Sequential.__delitem__ rebuild _modules as 0..n-1.
  st.children.clear();
  for (const [j, m] of kept.entries()) st.children.set(String(j), m);
}
