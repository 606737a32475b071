// Attribute-access dict wrappers research repos keep configs in: easydict.EasyDict, munch
// (Munch, munchify, DefaultMunch), addict.Dict, ml_collections.ConfigDict and box.Box. Each wraps
// a dict (nested dicts too) so `cfg.model.width` and `cfg["model"]` read the same value; the
// analysis reuses OmegaConf's DictConfig view over the dict, which writes through on
// `cfg.x = v` as these do (a `config.py` that builds `cfg = edict(); cfg.model = edict(); ...`).
// yacs's CfgNode (detectron2, HRNet) adds merge_from_file (a workspace YAML, deep-merged),
// merge_from_list (launch overrides: noted), freeze/defrost/clone.
import type { Node } from "web-tree-sitter";
import { loadConfigAt, pathText } from "./configFiles";
import type { Interp } from "./interp";
import { fn, nativeModule, opaque } from "./nativeHelpers";
import { deepCopy } from "../frameworks/torch/containers";
import { dictConfig, launchConfig, merged } from "./stdlibOmegaconf";
import { builtin, dictFrom, hashKey, type Kw, NONE, type NativeV, str, unknown, type Value } from "./values";

type DictV = Extract<Value, { k: "dict" }>;

/** The wrapped view of `x` (a dict, a DictConfig, or keywords), or an Unknown naming the wrapper. */
function wrap(name: string) {
  return fn(name, (_ip: Interp, [x]: Value[], kw: Kw, node: Node | null) => {
    if (x === undefined || x.k === "none") return dictConfig(dictFrom([...kw].map(([k, v]) => [str(k), v])) as DictV);
    if (x.k === "dict") {
      const d = dictFrom([...x.map.values()]) as DictV; // a new mapping, as dict(x) would be
      for (const [k, v] of kw) d.map.set(hashKey(str(k))!, [str(k), v]);
      return dictConfig(d);
    }
    if (x.k === "native" && x.type === "DictConfig") return x;
    return unknown(`${name} of a value the analysis does not know`, node);
  });
}

/** A yacs CfgNode over `d`: the DictConfig view plus yacs's own methods. */
function cfgNode(d: DictV): NativeV {
  const view = dictConfig(d);
  const base = view.getattr;
  const methods: Record<string, (ip: Interp, args: Value[], node: Node | null) => Value> = {
    merge_from_file: (ip, [path], node) => {
      const v = loadConfigAt(ip, path, node, "CfgNode.merge_from_file");
      if (v?.k !== "dict") return launchConfig(ip, `merge_from_file(${JSON.stringify(pathText(path) ?? "…")})`, node);
      const out = merged(d, v);
      d.map.clear();
      for (const [h, kv] of out.map) d.map.set(h, kv);
      return NONE;
    },
    // Its list is sys.argv's tail or argparse's REMAINDER: given at launch, so only noted.
    merge_from_list: (ip, _args, node) => {
      ip.note("CfgNode.merge_from_list(…): overrides given at launch may change these values", node);
      return NONE;
    },
    clone: (ip) => cfgNode(deepCopy(ip, d) as DictV),
    freeze: () => NONE,
    defrost: () => NONE,
    is_frozen: () => ({ k: "bool", v: false }),
  };
  view.getattr = (ip, me, name, node) => {
    const m = methods[name];
    if (m && !d.map.has(hashKey(str(name))!))
      return builtin(`CfgNode.${name}`, (ip2, args, _kw, n) => m(ip2, args, n ?? node));
    return base(ip, me, name, node);
  };
  return view;
}

const cfgNodeClass = fn("CfgNode", (_ip, [x], _kw, node) => {
  if (x === undefined || x.k === "none") return cfgNode(dictFrom([]) as DictV);
  if (x.k === "dict") return cfgNode(dictFrom([...x.map.values()]) as DictV);
  return unknown("CfgNode of a value the analysis does not know", node);
});

export function attrDictModules(): Record<string, () => Value> {
  const mod = (name: string, entries: Record<string, Value>) => () =>
    nativeModule(name, entries, (attr) => opaque(`${name}.${attr}`));
  return {
    easydict: mod("easydict", { EasyDict: wrap("EasyDict"), edict: wrap("EasyDict") }),
    munch: mod("munch", { Munch: wrap("Munch"), munchify: wrap("munchify") }),
    addict: mod("addict", { Dict: wrap("addict.Dict") }),
    ml_collections: mod("ml_collections", {
      ConfigDict: wrap("ConfigDict"),
      FrozenConfigDict: wrap("FrozenConfigDict"),
    }),
    box: mod("box", { Box: wrap("Box") }),
    yacs: mod("yacs", { config: nativeModule("yacs.config", { CfgNode: cfgNodeClass }) }),
  };
}
