// omegaconf and hydra, where training scripts keep hyperparameters: OmegaConf.create(dict) is a
// nested namespace over the dict (cfg.train.epochs, cfg["train"], cfg.get, to_container, merge,
// ${a.b} interpolation); OmegaConf.load reads a workspace YAML file (configFiles.ts), else the
// config is given at launch, an explicit Unknown. hydra is in stdlibHydra.ts.
import type { Node } from "web-tree-sitter";
import { loadConfigAt, pathText } from "./configFiles";
import type { Interp } from "./interp";
import { fn, nativeModule, nativeObject, opaque } from "./nativeHelpers";
import { asString, dictFrom, float, hashKey, int, list, NONE, type NativeV, str, unknown, type Value } from "./values";

type DictV = Extract<Value, { k: "dict" }>;

const LAUNCH_HINT = "add `# footprint: epochs N` / `# footprint: samples N` for the values the config sets";

export function entry(d: DictV, key: string): Value | undefined {
  return d.map.get(hashKey(str(key))!)?.[1];
}

/** The value at a dotted path ("train.batch_size") from the root config, for interpolation. */
function atPath(root: DictV, path: string): Value | undefined {
  let v: Value | undefined = root;
  for (const part of path.split(".")) v = v?.k === "dict" ? entry(v, part) : undefined;
  return v;
}

/** A config value as the script reads it: "???" is given at launch, "${a.b}" reads another key. */
function leaf(root: DictV, v: Value, node: Node | null, depth = 0): Value {
  if (v.k === "str") {
    if (v.v === "???") return unknown("a mandatory config value (???) is given at launch", node);
    const ref = /^\$\{([\w.]+)\}$/.exec(v.v);
    if (ref) {
      const target = depth < 8 ? atPath(root, ref[1]!) : undefined;
      return target ? leaf(root, target, node, depth + 1) : unknown(`config interpolation ${v.v}`, node);
    }
  }
  if (v.k === "dict") return dictConfig(v, root);
  if (v.k === "list") return list(v.items.map((x) => leaf(root, x, node, depth)));
  return v;
}

/** A DictConfig over `d` (kept, not copied: `cfg.x = v` writes through, as OmegaConf's does). */
export function dictConfig(d: DictV, root: DictV = d): NativeV {
  const keys = () => [...d.map.values()].map(([k]) => k);
  const methods = {
    get: (_ip: Interp, _me: NativeV, [key, dflt]: Value[], _kw: unknown, node: Node | null) => {
      const v = key?.k === "str" ? entry(d, key.v) : undefined;
      return v === undefined ? (dflt ?? NONE) : leaf(root, v, node);
    },
    keys: () => list(keys()),
    // A MutableMapping's update (EasyDict and munch configs are patched this way too): shallow, in place.
    update: (ip: Interp, _me: NativeV, [other]: Value[], kw: Map<string, Value>, node: Node | null) => {
      const src = configDict(other);
      if (other && other.k !== "none" && !src) {
        // The values it may replace are kept, so say that they may be stale.
        ip.note("config update() from a mapping the analysis does not know: its keys may replace these values", node);
        return NONE;
      }
      for (const [h, kv] of src?.map ?? []) d.map.set(h, kv);
      for (const [k, v] of kw) d.map.set(hashKey(str(k))!, [str(k), v]);
      return NONE;
    },
    pop: (_ip: Interp, _me: NativeV, [key, dflt]: Value[], _kw: unknown, node: Node | null) => {
      const h = key ? hashKey(key) : null;
      const v = h ? d.map.get(h)?.[1] : undefined;
      if (h) d.map.delete(h);
      return v === undefined
        ? (dflt ?? unknown(`config key ${asString(key ?? NONE) ?? "?"} is not set`, node))
        : leaf(root, v, node);
    },
    values: (_ip: Interp, _me: NativeV, _a: Value[], _kw: unknown, node: Node | null) =>
      list([...d.map.values()].map(([, v]) => leaf(root, v, node))),
    items: (_ip: Interp, _me: NativeV, _a: Value[], _kw: unknown, node: Node | null) =>
      list([...d.map.values()].map(([k, v]) => ({ k: "tuple", items: [k, leaf(root, v, node)] }))),
  };
  const cfg = nativeObject("DictConfig", { dict: d, root }, methods, (_me, name) => {
    const v = entry(d, name);
    if (v !== undefined) return leaf(root, v, null);
    // A missing key is an error in OmegaConf 2.1+; here it is an Unknown rather than a method.
    return name in methods ? undefined : unknown(`config key ${name} is not set in the script`);
  });
  cfg.getitem = (_ip, _me, key, node) => {
    const v = key.k === "str" ? entry(d, key.v) : undefined;
    return v === undefined
      ? unknown(`config key ${asString(key) ?? "?"} is not set in the script`, node)
      : leaf(root, v, node);
  };
  cfg.setattr = (_me, name, v) => {
    d.map.set(hashKey(str(name))!, [str(name), configDict(v) ?? v]);
    return true;
  };
  cfg.iter = () => keys();
  cfg.len = () => d.map.size;
  return cfg;
}

/** The dict under a DictConfig (or a plain dict). */
function configDict(v: Value | undefined): DictV | null {
  if (v?.k === "dict") return v;
  if (v?.k === "native" && v.type === "DictConfig") return v.data.dict as DictV;
  return null;
}

/** Plain Python containers with interpolations resolved (OmegaConf.to_container(resolve=True)). */
function plain(root: DictV, v: Value, node: Node | null): Value {
  const r = leaf(root, v, node);
  const d = configDict(r);
  if (d) return dictFrom([...d.map.values()].map(([k, x]) => [k, plain(root, x, node)]));
  if (r.k === "list") return list(r.items.map((x) => plain(root, x, node)));
  return r;
}

/** Deep merge, later configs winning key by key (OmegaConf.merge). */
export function merged(a: DictV, b: DictV): DictV {
  const out = dictFrom([...a.map.values()]) as DictV;
  for (const [h, [k, v]] of b.map) {
    const prev = out.map.get(h)?.[1];
    out.map.set(h, [k, prev?.k === "dict" && v.k === "dict" ? merged(prev, v) : v]);
  }
  return out;
}

/** `["a.b=3", "c=x"]` as a nested config; values typed the way a YAML scalar reads. */
function dotlist(items: string[]): DictV {
  const root = dictFrom([]) as DictV;
  for (const item of items) {
    const eq = item.indexOf("=");
    const path = item.slice(0, eq).split(".");
    const text = item.slice(eq + 1);
    const val: Value = /^-?\d+$/.test(text)
      ? int(Number(text))
      : /^-?(\d+\.\d*|\.\d+|\d+)(e-?\d+)?$/i.test(text)
        ? float(Number(text))
        : str(text);
    let d = root;
    for (const part of path.slice(0, -1)) {
      const next = entry(d, part);
      if (next?.k === "dict") d = next;
      else {
        const fresh = dictFrom([]) as DictV;
        d.map.set(hashKey(str(part))!, [str(part), fresh]);
        d = fresh;
      }
    }
    const last = path[path.length - 1]!;
    d.map.set(hashKey(str(last))!, [str(last), val]);
  }
  return root;
}

/** A config read from a file at launch: every value in it is unknown to the script. */
export function launchConfig(ip: Interp, what: string, node: Node | null): Value {
  ip.note(`${what}: the configuration is read at launch, so its values are not in the script`, node, LAUNCH_HINT);
  return unknown(`${what} (values come from a config file at launch)`, node);
}

const create = fn("OmegaConf.create", (_ip, [x], kw, node) => {
  const content = kw.get("content") ?? x;
  if (!content || content.k === "none") return dictConfig(dictFrom([]) as DictV);
  const d = configDict(content);
  if (d) return dictConfig(merged(dictFrom([]) as DictV, d));
  if (content.k === "list") return list(content.items);
  return unknown("OmegaConf.create from YAML text or an unknown value", node);
});

function omegaConf(): Value {
  return nativeModule(
    "omegaconf.OmegaConf",
    {
      create,
      load: fn("OmegaConf.load", (ip, [path], kw, node) => {
        const v = loadConfigAt(ip, path ?? kw.get("file_"), node, "OmegaConf.load");
        if (v?.k === "dict") return dictConfig(v);
        if (v?.k === "list") return list(v.items);
        return launchConfig(ip, `OmegaConf.load(${JSON.stringify(pathText(path ?? kw.get("file_")) ?? "…")})`, node);
      }),
      from_cli: fn("OmegaConf.from_cli", (ip, _a, _kw, node) => {
        ip.note("OmegaConf.from_cli(): command-line overrides given at launch may change these values", node);
        return dictConfig(dictFrom([]) as DictV);
      }),
      from_dotlist: fn("OmegaConf.from_dotlist", (ip, [items], _kw, node) => {
        const known = items?.k === "list" ? items.items.map((x) => asString(x) ?? "") : [];
        // sys.argv[1:] reads as empty here, but at launch it holds the overrides: only literals count.
        if (known.length > 0 && known.every((x) => x.includes("="))) {
          return dictConfig(dotlist(known));
        }
        ip.note("OmegaConf.from_dotlist(…): overrides given at launch may change these values", node);
        return dictConfig(dictFrom([]) as DictV);
      }),
      // Known configs merge key by key; a launch-time one (load, from_cli) may override any of them.
      merge: fn("OmegaConf.merge", (ip, args, _kw, node) => {
        let out = dictFrom([]) as DictV;
        for (const a of args) {
          const d = configDict(a);
          if (d) out = merged(out, d);
          // An unknown part (a file outside the workspace) may override any key: keep the known
          // values, as from_cli does, but say so instead of merging it away in silence.
          else if (a.k === "unknown")
            ip.note(
              "OmegaConf.merge of a config known only at launch: it may override these values",
              node,
              LAUNCH_HINT,
            );
        }
        return dictConfig(out);
      }),
      to_container: fn("OmegaConf.to_container", (_ip, [cfg], _kw, node) => {
        const d = configDict(cfg);
        const root = cfg?.k === "native" && cfg.type === "DictConfig" ? (cfg.data.root as DictV) : d;
        return d && root ? plain(root, d, node) : unknown("to_container of an unknown config", node);
      }),
      to_yaml: fn("OmegaConf.to_yaml", (_ip, _a, _kw, node) => unknown("YAML text of a config", node)),
      set_struct: fn("OmegaConf.set_struct", () => NONE),
      set_readonly: fn("OmegaConf.set_readonly", () => NONE),
      resolve: fn("OmegaConf.resolve", () => NONE),
    },
    (attr) => opaque(`OmegaConf.${attr}`),
  );
}

export function omegaconfModule(): Value {
  const OmegaConf = omegaConf();
  return nativeModule("omegaconf", { OmegaConf, DictConfig: create, ListConfig: create }, (attr) =>
    opaque(`omegaconf.${attr}`),
  );
}
