// hydra.utils.instantiate / call: a config node whose `_target_` names a class or function is
// built by calling it with the node's other keys (nested nodes with `_target_` first, as Hydra's
// default `_recursive_: true` does; `_partial_: true` gives a functools.partial-like callable).
// The target is looked up among the native packages and the workspace, never imported.
import type { Node } from "web-tree-sitter";
import { callValue } from "./calls/call";
import { objectByPath } from "./imports";
import type { Interp } from "./interp";
import { fn } from "./nativeHelpers";
import { asString, builtin, dictFrom, hashKey, type Kw, list, str, unknown, type Value } from "./values";

type DictV = Extract<Value, { k: "dict" }>;

/** The dict under a DictConfig or a plain dict, else null. */
function nodeDict(v: Value | undefined): DictV | null {
  if (v?.k === "dict") return v;
  if (v?.k === "native" && v.type === "DictConfig") return v.data.dict as DictV;
  return null;
}

const RESERVED = new Set(["_target_", "_recursive_", "_convert_", "_partial_", "_args_"]);

/** A config value with every nested `_target_` node built (lists too); other values as they are. */
function build(ip: Interp, v: Value, node: Node | null, recursive: boolean): Value {
  const d = nodeDict(v);
  if (d) {
    const target = d.map.get(hashKey(str("_target_"))!)?.[1];
    if (target && recursive) return instantiate(ip, d, [], new Map(), node);
    if (!recursive) return v;
    return dictFrom([...d.map.values()].map(([k, x]) => [k, build(ip, x, node, recursive)]));
  }
  if (v.k === "list" && recursive) return list(v.items.map((x) => build(ip, x, node, recursive)));
  return v;
}

function instantiate(ip: Interp, d: DictV, args: Value[], extra: Kw, node: Node | null): Value {
  const get = (k: string) => d.map.get(hashKey(str(k))!)?.[1];
  const targetName = asString(get("_target_"));
  if (!targetName) {
    ip.note("hydra instantiate of a config without a known _target_", node);
    return unknown("hydra instantiate: _target_ unknown", node);
  }
  const target = objectByPath(ip, targetName);
  if (!target || target.k === "unknown" || (target.k === "module" && target.resolve)) {
    ip.note(`hydra instantiate: _target_ ${targetName} is neither a modelled library nor a workspace file`, node);
    return unknown(`instance of ${targetName}`, node);
  }
  const recursive = get("_recursive_")?.k !== "bool" || (get("_recursive_") as { v: boolean }).v;
  const kw: Kw = new Map();
  for (const [k, v] of d.map.values()) {
    const key = asString(k);
    if (key && !RESERVED.has(key)) kw.set(key, build(ip, v, node, recursive));
  }
  for (const [k, v] of extra) kw.set(k, v);
  const positional = [...(get("_args_")?.k === "list" ? (get("_args_") as { items: Value[] }).items : []), ...args];
  const partial = get("_partial_");
  if (partial?.k === "bool" && partial.v) {
    return builtin(`partial(${targetName})`, (ip2, more, moreKw, n) =>
      callValue(ip2, target, [...positional, ...more], new Map([...kw, ...moreKw]), n ?? node),
    );
  }
  return callValue(ip, target, positional, kw, node);
}

const instantiateFn = fn("hydra.utils.instantiate", (ip, [cfg, ...args], kw, node) => {
  const d = nodeDict(cfg);
  if (!d) {
    ip.note("hydra instantiate of a config the analysis does not know", node);
    return unknown("hydra instantiate of an unknown config", node);
  }
  return instantiate(ip, d, args, kw, node);
});

/** Entries of `hydra.utils`. */
export function hydraUtils(): Record<string, Value> {
  return { instantiate: instantiateFn, call: instantiateFn, get_original_cwd: fn("get_original_cwd", () => str(".")) };
}
