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

function targetsOf(kw: Kw, family: string): { keys: string[] | "all-linear"; how: string } {
  const t = kw.get("target_modules");
  const s = asString(t);
  if (s === "all-linear") return { keys: "all-linear", how: 'target_modules="all-linear"' };
  if (s) return { keys: [s], how: `target_modules="${s}"` };
  if (t?.k === "list" || t?.k === "tuple") {
    const keys = t.items.map(asString).filter((x): x is string => x !== null);
    return { keys, how: `target_modules=[${keys.join(", ")}]` };
  }
  const keys = PEFT_DEFAULT_TARGETS[family] ?? [];
  return { keys, how: `peft's default target modules for ${family}: ${keys.join(", ")}` };
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
  const { keys, how } = targetsOf(lkw, info.sized.row.family);
  for (const [, p] of namedParameters(m.mod)) p.requiresGrad = false;
  let adapters = 0;
  let macs = 0;
  for (const { mod, part } of info.slots) {
    if (!("count" in part)) continue;
    const hit = part.linears.filter((l) => (keys === "all-linear" ? true : keys.some((k) => matches(l.name, k))));
    const each = hit.reduce((a, l) => a + r * (l.in + l.out), 0);
    if (each === 0) continue;
    for (const layer of mod.children.values()) layer.mod?.params.set("lora", makeParam([each]));
    adapters += each * (part.shared ? 1 : part.count);
    macs += each * part.count;
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
