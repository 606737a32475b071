// hydra, where many research projects keep their hyperparameters: `@hydra.main(config_path,
// config_name)` composes the primary YAML with its defaults list (config groups), read from the
// workspace as data. A config the workspace lacks, `hydra.compose` and command-line overrides
// stay launch-time values, each said in a note.
import { dirname, join } from "node:path";
import type { Node } from "web-tree-sitter";
import { callValue } from "./calls/call";
import { findConfigFile, parseConfigText } from "./configFiles";
import type { Interp } from "./interp";
import { fn, nativeModule, opaque } from "./nativeHelpers";
import { hydraUtils } from "./stdlibHydraInstantiate";
import { dictConfig, entry, launchConfig, merged } from "./stdlibOmegaconf";
import { asString, builtin, dictFrom, hashKey, NONE, str, type Value } from "./values";

type DictV = Extract<Value, { k: "dict" }>;

/** Defaults lists that include each other deeper than this are cut (a cycle, not a config). */
const MAX_COMPOSE_DEPTH = 8;

/** A composed config, and whether its file asks to merge at the root (`# @package _global_`). */
interface Composed {
  dict: DictV;
  global: boolean;
}

interface Composition {
  files: string[];
  problems: string[];
}

/** A group file whose first lines say `# @package _global_` merges at the root, not under its group. */
const GLOBAL_PACKAGE = /^\s*#\s*@package\s+_global_\b/m;

function nestUnder(path: string[], d: DictV): DictV {
  let out = d;
  for (let i = path.length - 1; i >= 0; i--) out = dictFrom([[str(path[i]), out]]) as DictV;
  return out;
}

function without(d: DictV, key: string): DictV {
  const out = dictFrom([...d.map.values()]) as DictV;
  out.map.delete(hashKey(str(key))!);
  return out;
}

/**
 * Hydra's composition of `name` in `dir`: the defaults list in order (a group's option nested under
 * the group's path, unless the option file is `_global_`), and the file's own keys where `_self_`
 * stands, last when it is not listed (Hydra 1.1+).
 */
function compose(
  ip: Interp,
  dir: string,
  name: string,
  out: Composition,
  depth: number,
  optional = false,
): Composed | null {
  if (depth > MAX_COMPOSE_DEPTH) return null;
  const file = findConfigFile(ip, name.endsWith(".yaml") ? name : `${name}.yaml`, [dir]);
  if (!file) {
    if (!optional) out.problems.push(`${join(dir, name)}.yaml is not in the workspace`);
    return null;
  }
  const v = parseConfigText(file.text, file.shown);
  if (typeof v === "string") {
    out.problems.push(v);
    return null;
  }
  out.files.push(file.shown);
  const global = GLOBAL_PACKAGE.test(file.text.slice(0, 2000));
  if (v.k === "none") return { dict: dictFrom([]) as DictV, global };
  if (v.k !== "dict") return null;
  const defaults = entry(v, "defaults");
  const parts: Array<DictV | "self"> = [];
  for (const item of defaults?.k === "list" ? defaults.items : []) {
    if (item.k === "str") {
      if (item.v === "_self_") parts.push("self");
      else {
        const d = compose(ip, dir, item.v, out, depth + 1);
        if (d) parts.push(d.dict);
      }
      continue;
    }
    if (item.k !== "dict") continue;
    for (const [k, val] of item.map.values()) {
      const key = asString(k);
      if (!key) continue;
      const isOptional = /^optional\s/.test(key);
      const group = key.replace(/^(?:override|optional)\s+/, "").replace(/@.*$/, "");
      // An absolute group (`/model`) inside a group's own defaults list (an experiment overriding
      // the model) is chosen on the command line; only the primary config's list is composed here.
      if (group.startsWith("/") && depth > 0) {
        out.problems.push(`${file.shown} selects ${key}, which is composed only when chosen at launch`);
        continue;
      }
      for (const o of val.k === "list" ? val.items : [val]) {
        const option = asString(o);
        if (!option) continue; // `group: null` selects nothing
        const groupDir = join(dir, group.replace(/^\//, ""));
        const d = compose(ip, groupDir, option, out, depth + 1, isOptional);
        if (!d) continue;
        parts.push(d.global ? d.dict : nestUnder(group.replace(/^\//, "").split("/"), d.dict));
      }
    }
  }
  if (!parts.includes("self")) parts.push("self");
  const own = without(v, "defaults");
  let result = dictFrom([]) as DictV;
  for (const p of parts) result = merged(result, p === "self" ? own : p);
  return { dict: result, global };
}

/** The config `@hydra.main` hands its function: composed from the workspace, else a launch-time Unknown. */
function mainConfig(
  ip: Interp,
  scriptDir: string,
  configPath: string | null,
  name: string | null,
  node: Node | null,
): Value {
  const shown = `${configPath ? `${configPath}/` : ""}${name ?? "config"}.yaml`;
  if (name === null || configPath === null || configPath.startsWith("pkg://"))
    return launchConfig(ip, `@hydra.main(config_name=${JSON.stringify(name)}) reads ${shown}`, node);
  const out: Composition = { files: [], problems: [] };
  const dict = compose(ip, join(scriptDir, configPath), name, out, 0)?.dict;
  for (const p of out.problems) ip.note(`@hydra.main: ${p}; the values it sets are unknown`, node);
  if (!dict) return launchConfig(ip, `@hydra.main(config_name="${name}") reads ${shown}`, node);
  ip.note(
    `@hydra.main composes ${out.files.join(", ")} from the workspace: its values are used (command-line overrides at launch may change them)`,
    null,
  );
  return dictConfig(dict);
}

export function hydraModule(): Value {
  const main = fn("hydra.main", (ip, args, kw) => {
    // config_path is relative to the file that declares the function (Hydra's rule).
    const scriptDir = dirname(ip.currentFile);
    const configPath = asString(kw.get("config_path") ?? args[0] ?? NONE);
    const name = asString(kw.get("config_name") ?? args[1] ?? NONE);
    return builtin("decorator:hydra.main", (_ip2, [f]) =>
      f
        ? builtin("hydra.main wrapper", (ip2, fargs, kwargs, node) => {
            const cfg = fargs.length > 0 ? null : mainConfig(ip2, scriptDir, configPath, name, node);
            return callValue(ip2, f, cfg ? [cfg] : fargs, kwargs, node);
          })
        : NONE,
    );
  });
  const compose = fn("hydra.compose", (ip, [n], kw, node) =>
    launchConfig(ip, `hydra.compose("${asString(kw.get("config_name") ?? n) ?? "config"}")`, node),
  );
  const utils = nativeModule("hydra.utils", hydraUtils(), (attr) => opaque(`hydra.utils.${attr}`));
  return nativeModule("hydra", { main, compose, utils, initialize: opaque("hydra.initialize") }, (attr) =>
    opaque(`hydra.${attr}`),
  );
}
