// peft: `get_peft_model(model, LoraConfig(r=..., target_modules=...))` on a catalogued checkpoint
// freezes the base model and adds r × (in + out) trainable parameters to every targeted linear
// (A: in→r, B: r→out, no bias), plus a trainable copy of the task head (modules_to_save). The
// adapters' own MACs (the same r × (in + out) per token) join the model's forward.
import type { Node } from "web-tree-sitter";
import type { Interp } from "../../evaluate/interp";
import { fn, nativeModule, nativeObject } from "../../evaluate/nativeHelpers";
import { asInt, asString, type Kw, NONE, type Value } from "../../evaluate/values";
import { makeParam, namedParameters } from "../torch/moduleState";
import { hfInfoOf } from "./hfModel";
import { thousands } from "../../format";

/**
 * peft's TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING (peft/utils/constants.py), used when a
 * LoraConfig names no target_modules.
 */
export const PEFT_DEFAULT_TARGETS: Record<string, string[]> = {
  t5: ["q", "v"],
  bart: ["q_proj", "v_proj"],
  gpt2: ["c_attn"],
  bert: ["query", "value"],
  roberta: ["query", "value"],
  distilbert: ["q_lin", "v_lin"],
  albert: ["query", "value"],
  "deberta-v2": ["query_proj", "value_proj"],
  vit: ["query", "value"],
  llama: ["q_proj", "v_proj"],
  mistral: ["q_proj", "v_proj"],
  qwen2: ["q_proj", "v_proj"],
  phi: ["q_proj", "v_proj", "fc1", "fc2"],
  phi3: ["qkv_proj"],
  whisper: ["q_proj", "v_proj"],
  clip: ["q_proj", "v_proj"],
};

/** Task types whose peft model keeps the head trainable: modules_to_save = ["classifier", "score"] (PeftModelForSequenceClassification / ForTokenClassification). */
const HEAD_TASKS = new Set(["SEQ_CLS", "TOKEN_CLS"]);

/** peft matches a target key against a module's dotted name: equal, or the name ends with ".key". */
const matches = (name: string, key: string) =>
  name === key || name.endsWith(`.${key}`) || `.${name}`.endsWith(`.${key}`);

/**
 * Module paths inside one layer, as transformers names them, for the families whose full module
 * names are modelled: a regex target_modules is matched against these (peft: re.fullmatch).
 */
const QUALIFIED: Record<string, Record<string, string>> = {
  llama: {
    q_proj: "self_attn",
    k_proj: "self_attn",
    v_proj: "self_attn",
    o_proj: "self_attn",
    gate_proj: "mlp",
    up_proj: "mlp",
    down_proj: "mlp",
  },
  bert: { query: "attention.self", key: "attention.self", value: "attention.self" },
};
QUALIFIED.mistral = QUALIFIED.llama;
QUALIFIED.qwen2 = QUALIFIED.llama;
QUALIFIED.roberta = QUALIFIED.bert;

type Targets = { keys: string[] | "all-linear" | RegExp; how: string } | { unknown: string };

function targetsOf(kw: Kw, family: string): Targets {
  const t = kw.get("target_modules");
  const s = asString(t);
  if (s === "all-linear") return { keys: "all-linear", how: 'target_modules="all-linear"' };
  // A string is a regular expression peft full-matches against each module's dotted name.
  if (s) {
    if (!QUALIFIED[family])
      return { unknown: `target_modules="${s}" (a regex over module names not modelled for ${family})` };
    try {
      return { keys: new RegExp(`^(?:${s})$`), how: `target_modules="${s}"` };
    } catch {
      return { unknown: `target_modules="${s}" (a regex the analyzer cannot read)` };
    }
  }
  if (t?.k === "list" || t?.k === "tuple") {
    const keys = t.items.map(asString).filter((x): x is string => x !== null);
    return { keys, how: `target_modules=[${keys.join(", ")}]` };
  }
  if (t && t.k !== "none") return { unknown: "target_modules= (a value the script does not fix)" };
  const keys = PEFT_DEFAULT_TARGETS[family] ?? [];
  return { keys, how: `peft's default target modules for ${family}: ${keys.join(", ")}` };
}

/** `layers_to_transform=[0, 1]` / `=3`: the layer indices adapted; null for all; a string when unreadable. */
function layerFilter(kw: Kw): Set<number> | null | string {
  const v = kw.get("layers_to_transform");
  if (!v || v.k === "none") return null;
  const items = v.k === "list" || v.k === "tuple" ? v.items : [v];
  const ns = items.map(asInt);
  return ns.every((n) => n !== null)
    ? new Set(ns as number[])
    : "layers_to_transform= (indices the script does not fix)";
}

/** `rank_pattern={"v_proj": 16}`: the rank per module name; a string when unreadable. */
function rankPattern(kw: Kw): Map<string, number> | string {
  const v = kw.get("rank_pattern");
  const out = new Map<string, number>();
  if (!v || v.k === "none") return out;
  if (v.k !== "dict") return "rank_pattern= (a value the script does not fix)";
  for (const [k, r] of v.map.values()) {
    const key = asString(k);
    const n = asInt(r);
    // Plain module names only: a dotted or regex key needs module paths the model tree does not carry.
    if (!key || !/^\w+$/.test(key) || n === null) return `rank_pattern key ${key ?? "?"}`;
    out.set(key, n);
  }
  return out;
}

function getPeftModel(ip: Interp, [model, config]: Value[], kw: Kw, node: Node | null): Value {
  const m = model ?? NONE;
  const cfg = config ?? kw.get("peft_config");
  const info = hfInfoOf(m);
  const lkw = cfg?.k === "native" ? (cfg.data.kw as Kw | undefined) : undefined;
  if (!info || m.k !== "instance" || !m.mod || !lkw) {
    ip.note("LoRA adapters (peft): priced as the wrapped model; adapter-only gradients are not modelled", node);
    return m;
  }
  const r = asInt(lkw.get("r")) ?? 8; // peft LoraConfig: r=8 by default
  const family = info.sized.row.family;
  const targets = targetsOf(lkw, family);
  const only = layerFilter(lkw);
  const ranks = rankPattern(lkw);
  const pattern = asString(lkw.get("layers_pattern"));
  const blocks = info.slots.filter((x) => "count" in x.part);
  const unread =
    "unknown" in targets
      ? targets.unknown
      : typeof only === "string"
        ? only
        : typeof ranks === "string"
          ? ranks
          : lkw.has("layers_pattern") && !blocks.every((x) => (x.part as { path: string[] }).path.at(-1) === pattern)
            ? "layers_pattern="
            : only && blocks.some((x) => (x.part as { shared?: boolean }).shared)
              ? "layers_to_transform= on shared layers"
              : null;
  if (unread || "unknown" in targets || typeof only === "string" || typeof ranks === "string") {
    ip.note(
      `LoRA adapters (peft): ${unread} is not modelled, so the adapter count is unknown; priced as the wrapped model`,
      node,
    );
    return m;
  }
  const { keys, how } = targets;
  for (const [, p] of namedParameters(m.mod)) p.requiresGrad = false;
  let adapters = 0;
  let macs = 0;
  for (const { mod, part } of info.slots) {
    if (!("count" in part)) continue;
    for (const [i, layer] of [...mod.children.values()].entries()) {
      if (only && !only.has(i)) continue;
      const full = (l: string) => {
        const sub = QUALIFIED[family]?.[l];
        return [...part.path, String(i), ...(sub ? [sub] : []), l].join(".");
      };
      const hit = part.linears.filter((l) =>
        keys === "all-linear"
          ? true
          : keys instanceof RegExp
            ? keys.test(full(l.name))
            : keys.some((k) => matches(l.name, k)),
      );
      const rank = (l: { name: string }) => ranks.get(l.name.split(".").pop()!) ?? r;
      const each = hit.reduce((a, l) => a + rank(l) * (l.in + l.out), 0);
      if (each === 0) continue;
      layer.mod?.params.set("lora", makeParam([each]));
      adapters += each;
      macs += each * (part.shared ? part.count : 1);
    }
  }
  info.loraMacsPerToken += macs;
  // modules_to_save wraps a module: the original stays frozen and a trainable copy is added. peft's
  // sequence/token classification models default it to ["classifier", "score"].
  const task = (asString(lkw.get("task_type")) ?? "").replace(/^TaskType\./, "");
  const named = lkw.get("modules_to_save");
  const save =
    named?.k === "list" || named?.k === "tuple"
      ? named.items.map(asString).filter((x): x is string => x !== null)
      : HEAD_TASKS.has(task)
        ? ["classifier", "score"]
        : [];
  let head = 0;
  for (const { mod, part } of info.slots)
    if (!("count" in part) && part.params > 0 && part.path.some((x) => save.includes(x))) {
      mod.params.set("modules_to_save", makeParam([part.params]));
      head += part.params;
    }
  ip.note(
    `LoRA r=${r} (${how}): ${thousands(adapters)} adapter parameters${head ? ` + ${thousands(head)} in the trainable head copy` : ""}; the base model is frozen`,
    node,
  );
  return m;
}

/** TaskType.SEQ_CLS and friends evaluate to their names. */
const taskTypes = nativeObject("peft.TaskType", {}, {}, (_me, name) => ({ k: "str", v: name }));

/** peft: LoraConfig / get_peft_model / prepare_model_for_kbit_training / TaskType. */
export function peftRoot(_ip: Interp): Value {
  return nativeModule("peft", {
    get_peft_model: fn("peft.get_peft_model", getPeftModel),
    LoraConfig: fn("peft.LoraConfig", (_ip, _a, kw) => nativeObject("peft.LoraConfig", { kw }, {})),
    TaskType: taskTypes,
    prepare_model_for_kbit_training: fn("peft.prepare_model_for_kbit_training", (_ip, [m]) => m ?? NONE),
  });
}
