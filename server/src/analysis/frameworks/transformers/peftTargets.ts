// Which modules of a catalogued checkpoint a LoraConfig adapts, by peft's own rules
// (peft/tuners/tuners_utils.py, check_target_module_exists) over the module paths the architecture
// really has (hfArch*.ts name every linear below its layer or piece):
// - target_modules as a list: a module is targeted when its full dotted name equals an entry or ends
//   with "." + entry; layers_to_transform then keeps the layer index read from the name;
// - target_modules as a string: re.fullmatch against the full name (layers_to_transform is not read);
// - "all-linear": every linear but the output (vocabulary) layer.
// A target that also matches a module LoRA cannot wrap (a container, a norm, an embedding whose
// table shape the architecture does not give) or that matches nothing makes the count unknown: peft raises there, or wraps a kind of
// layer the analyzer does not size.
import { asInt, asString, type Kw } from "../../evaluate/values";
import type { HfBlock, HfLinear, HfPiece } from "./hfArch";

export type Targets = { keys: string[] | "all-linear" | RegExp; how: string } | { unknown: string };

/** Python `re` syntax the JS engine spells differently: named groups and the end-of-string anchor. */
export function pythonRegex(src: string, anchored: "full" | "suffix"): RegExp | null {
  const js = src
    .replace(/\(\?P</g, "(?<")
    .replace(/\(\?P=(\w+)\)/g, "\\k<$1>")
    .replace(/\\Z/g, "$");
  try {
    return new RegExp(anchored === "full" ? `^(?:${js})$` : `^(?:.*\\.)?(?:${js})$`);
  } catch {
    return null;
  }
}

export function targetsOf(kw: Kw, defaults: string[], family: string): Targets {
  const t = kw.get("target_modules");
  const s = asString(t);
  if (s === "all-linear") return { keys: "all-linear", how: 'target_modules="all-linear"' };
  if (s !== null) {
    const re = pythonRegex(s, "full");
    return re
      ? { keys: re, how: `target_modules="${s}"` }
      : { unknown: `target_modules="${s}" (a regex JS cannot read)` };
  }
  if (t?.k === "list" || t?.k === "tuple" || t?.k === "set") {
    const keys = t.items.map(asString);
    if (keys.some((k) => k === null)) return { unknown: "target_modules= (entries the script does not fix)" };
    return { keys: keys as string[], how: `target_modules=[${keys.join(", ")}]` };
  }
  if (t && t.k !== "none") return { unknown: "target_modules= (a value the script does not fix)" };
  return { keys: defaults, how: `peft's default target modules for ${family}: ${defaults.join(", ")}` };
}

/** `layers_to_transform=[0, 1]` / `=3`: the layer indices kept; null for all; a string when unreadable. */
export function layerFilter(kw: Kw): Set<number> | null | string {
  const v = kw.get("layers_to_transform");
  if (!v || v.k === "none") return null;
  const items = v.k === "list" || v.k === "tuple" ? v.items : [v];
  const ns = items.map(asInt);
  if (ns.length === 0) return null;
  return ns.every((n) => n !== null)
    ? new Set(ns as number[])
    : "layers_to_transform= (indices the script does not fix)";
}

/** `layers_pattern="layers"` (or a list): the name segment before the layer index; a string when unreadable. */
export function layersPattern(kw: Kw): string[] | null | string {
  const v = kw.get("layers_pattern");
  if (!v || v.k === "none") return null;
  const items = v.k === "list" || v.k === "tuple" ? v.items.map(asString) : [asString(v)];
  return items.every((x) => x !== null) ? (items as string[]) : "layers_pattern= (a value the script does not fix)";
}

/** `rank_pattern={"v_proj": 16}`: each key a regex peft matches as `(.*\.)?key$` on the full name. */
export function rankPattern(kw: Kw): Array<[RegExp, number]> | string {
  const v = kw.get("rank_pattern");
  const out: Array<[RegExp, number]> = [];
  if (!v || v.k === "none") return out;
  if (v.k !== "dict") return "rank_pattern= (a value the script does not fix)";
  for (const [k, r] of v.map.values()) {
    const key = asString(k);
    const n = asInt(r);
    const re = key === null ? null : pythonRegex(key, "suffix");
    if (!re || n === null) return `rank_pattern key ${key ?? "?"}`;
    out.push([re, n]);
  }
  return out;
}

/** One module of the model as peft's named_modules() lists it. */
export interface ModuleRef {
  name: string;
  /** The linear's shape; absent for modules LoRA does not wrap as a plain linear. */
  linear?: HfLinear;
  /** Why a non-linear module cannot be sized as a LoRA target. */
  kind?: string;
  /** An nn.Embedding's table: peft's LoRA Embedding layer adds A (r × rows) and B (dim × r). */
  embedding?: { rows: number; dim: number };
  /** The breakdown part and layer index the module lives in (for where adapters are recorded). */
  part: HfPiece | HfBlock;
  layer: number | null;
  /** The model's vocabulary projection, which "all-linear" leaves out. */
  output?: boolean;
}

/** Every module of a breakdown by full dotted name: linears, their containers, and the other pieces. */
export function moduleRefs(parts: Array<HfPiece | HfBlock>, vocab: number): ModuleRef[] {
  const out = new Map<string, ModuleRef>();
  const container = (name: string, part: HfPiece | HfBlock, layer: number | null) => {
    const segs = name.split(".");
    for (let i = 1; i < segs.length; i++) {
      const n = segs.slice(0, i).join(".");
      if (!out.has(n)) out.set(n, { name: n, kind: "a container module", part, layer });
    }
  };
  for (const part of parts) {
    const base = part.path.join(".");
    if ("count" in part) {
      for (let i = 0; i < (part.shared ? 1 : part.count); i++)
        for (const l of part.linears) {
          const name = `${base}.${i}.${l.name}`;
          container(name, part, i);
          out.set(name, { name, linear: l, part, layer: i });
        }
      continue;
    }
    container(base, part, null);
    if (!part.linears?.length) {
      const kind = part.embedding || part.type === "Embedding" ? "an embedding" : "not a linear layer";
      if (!out.has(base) || out.get(base)!.kind === "a container module")
        out.set(base, {
          name: base,
          kind: part.params > 0 ? kind : "a container module",
          part,
          layer: null,
          ...(part.table ? { embedding: part.table } : {}),
        });
      continue;
    }
    for (const l of part.linears) {
      const name = l.name ? `${base}.${l.name}` : base;
      container(name, part, null);
      out.set(name, { name, linear: l, part, layer: null, output: !!part.head && l.out === vocab });
    }
  }
  return [...out.values()];
}

/** peft's layer index of a module name: the number after `layers_pattern` (else after any segment), last one. */
export function layerIndex(name: string, patterns: string[] | null): number | null {
  const res = patterns?.length ? patterns.map((p) => new RegExp(`^.*\\.${p}\\.(\\d+)\\.`)) : [/^.*\.[^.]*\.(\d+)\./];
  for (const re of res) {
    const m = re.exec(name);
    if (m) return Number(m[1]);
  }
  return null;
}

/** Whether peft targets a module name: list suffix match (with the layer filter) or a full-match regex. */
export function targeted(
  name: string,
  keys: string[] | RegExp,
  only: Set<number> | null,
  patterns: string[] | null,
): boolean {
  if (keys instanceof RegExp) return keys.test(name);
  if (keys.includes(name)) return true;
  if (!keys.some((k) => name.endsWith(`.${k}`))) return false;
  if (!only) return true;
  const i = layerIndex(name, patterns);
  return i !== null && only.has(i);
}
