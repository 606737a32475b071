// peft: `get_peft_model(model, LoraConfig(r=..., target_modules=...))` on a catalogued checkpoint
// freezes the base model and adds r × (in + out) trainable parameters to every targeted linear
// (A: in→r, B: r→out, no bias), plus a trainable copy of the task head (modules_to_save). The
// adapters' own MACs (the same r × (in + out) per token) join the model's forward. Which modules are
// targeted follows peft's matching rules over the architecture's module paths (peftTargets.ts).
import type { Node } from "web-tree-sitter";
import type { Interp } from "../../evaluate/interp";
import { fn, nativeModule, nativeObject } from "../../evaluate/nativeHelpers";
import { asInt, asString, type Kw, NONE, TRUE, truthy, type Value } from "../../evaluate/values";
import { makeParam, type ModuleState, namedParameters } from "../torch/moduleState";
import { enableGradientCheckpointing, hfInfoOf } from "./hfModel";
import { thousands } from "../../format";
import { layerFilter, layersPattern, moduleRefs, rankPattern, targeted, targetsOf } from "./peftTargets";

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

export function getPeftModel(ip: Interp, [model, config]: Value[], kw: Kw, node: Node | null): Value {
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
  const targets = targetsOf(lkw, PEFT_DEFAULT_TARGETS[family] ?? [], family);
  const only = layerFilter(lkw);
  const patterns = layersPattern(lkw);
  const ranks = rankPattern(lkw);
  const unread =
    "unknown" in targets
      ? targets.unknown
      : (unmodelledOption(lkw) ??
        (typeof only === "string"
          ? only
          : typeof patterns === "string"
            ? patterns
            : typeof ranks === "string"
              ? ranks
              : null));
  const gaveUp = (why: string) => {
    const msg = `LoRA adapters (peft): ${why}, so the adapter count is unknown; priced as the wrapped model`;
    ip.note(msg, node);
    // The base's parameters are right but its trainable share is not: the model's count is flagged.
    m.mod!.paramProblem ??= msg;
    return m;
  };
  if (
    unread ||
    "unknown" in targets ||
    typeof only === "string" ||
    typeof patterns === "string" ||
    typeof ranks === "string"
  )
    return gaveUp(`${unread} is not modelled`);
  const { keys, how } = targets;
  const task = (asString(lkw.get("task_type")) ?? "").replace(/^TaskType\./, "");
  const save = savedModules(lkw.get("modules_to_save"), task);
  const refs = moduleRefs(
    info.slots.map((x) => x.part),
    info.sized.row.config.vocab,
  );
  // "all-linear" leaves out the output embedding and, for SEQ_CLS, the head module named classifier/score
  // (peft's _maybe_include_all_linear_layers).
  const hits = refs.filter((x) =>
    keys === "all-linear"
      ? !!x.linear && !x.output && !(task === "SEQ_CLS" && ["classifier", "score"].includes(x.name))
      : targeted(x.name, keys, only, patterns),
  );
  const bad = hits.find((x) => !x.linear && !x.embedding);
  if (bad)
    return gaveUp(
      `${how} matches ${bad.name}, ${bad.kind} (peft cannot wrap it as a linear, or wraps a kind the analyzer does not size)`,
    );
  // An adapter inside a module modules_to_save also copies: whether the copy's adapters train depends on
  // the order peft wraps them in, so the count is left unknown rather than guessed.
  const inSaved = hits.find((x) => x.name.split(".").some((seg) => save.includes(seg)));
  if (inSaved) return gaveUp(`${how} matches ${inSaved.name}, inside modules_to_save (${save.join(", ")})`);
  if (hits.length === 0)
    return gaveUp(`${how} matches no module of ${info.req.checkpoint ?? info.req.className} (peft raises ValueError)`);
  for (const [, p] of namedParameters(m.mod)) p.requiresGrad = false;
  const useDora = lkw.get("use_dora");
  const dora = useDora?.k === "bool" && useDora.v;
  const rank = (name: string) => ranks.find(([re]) => re.test(name))?.[1] ?? r;
  // Adapters per layer module (or per piece), recorded where the tree holds that layer.
  const added = new Map<ModuleState, { params: number; calls: number }>();
  let adapters = 0;
  for (const x of hits) {
    const slot = info.slots.find((s) => s.part === x.part)!;
    const target = x.layer === null ? slot.mod : [...slot.mod.children.values()][x.layer]?.mod;
    if (!target) continue;
    // A linear gets A (in → r) and B (r → out); an nn.Embedding gets lora_embedding_A (r × num_embeddings)
    // and lora_embedding_B (embedding_dim × r), looked up then projected: r × dim MACs a token (peft
    // docs, LoRA: "nn.Embedding" among the supported layers; peft/tuners/lora/layer.py, class Embedding).
    // DoRA adds a magnitude vector of out_features (embedding_dim) beside them.
    const shape = x.linear ?? { in: x.embedding!.rows, out: x.embedding!.dim };
    const each = rank(x.name) * (shape.in + shape.out) + (dora ? shape.out : 0);
    const macs = x.linear ? each : rank(x.name) * shape.out;
    const calls = "count" in x.part && x.part.shared ? x.part.count : 1;
    const a = added.get(target) ?? { params: 0, calls };
    a.params += each;
    added.set(target, a);
    adapters += each;
    info.lora.push({ part: x.part, macsPerToken: macs * calls });
  }
  for (const [mod, a] of added) mod.params.set("lora", makeParam([a.params]));
  let head = 0;
  for (const { mod, part } of info.slots)
    if (!("count" in part) && part.params > 0 && part.path.some((x) => save.includes(x))) {
      mod.params.set("modules_to_save", makeParam([part.params]));
      head += part.params;
    }
  ip.note(
    `LoRA r=${r} (${how}): ${thousands(adapters)} adapter parameters in ${hits.length} modules${head ? ` + ${thousands(head)} in the trainable head copy` : ""}; the base model is frozen`,
    node,
  );
  return m;
}

/**
 * LoraConfig options that change the trainable count in ways not sized here: bias="all"/"lora_only"
 * (biases trainable), exclude_modules, and target_parameters (adapters on raw parameters).
 */
function unmodelledOption(kw: Kw): string | null {
  const bias = kw.get("bias");
  if (bias && asString(bias) !== "none") return `bias=${asString(bias) ?? "?"}`;
  for (const k of ["exclude_modules", "target_parameters"]) {
    const v = kw.get(k);
    if (v && v.k !== "none") return `${k}=`;
  }
  return null;
}

/**
 * modules_to_save wraps a module: the original stays frozen and a trainable copy is added. peft's
 * sequence/token classification models default it to ["classifier", "score"].
 */
function savedModules(named: Value | undefined, task: string): string[] {
  if (named?.k === "list" || named?.k === "tuple")
    return named.items.map(asString).filter((x): x is string => x !== null);
  return HEAD_TASKS.has(task) ? ["classifier", "score"] : [];
}

/** TaskType.SEQ_CLS and friends evaluate to their names. */
const taskTypes = nativeObject("peft.TaskType", {}, {}, (_me, name) => ({ k: "str", v: name }));

/** peft: LoraConfig / get_peft_model / prepare_model_for_kbit_training / TaskType. */
export function peftRoot(_ip: Interp): Value {
  return nativeModule("peft", {
    get_peft_model: fn("peft.get_peft_model", getPeftModel),
    LoraConfig: fn("peft.LoraConfig", (_ip, _a, kw) => nativeObject("peft.LoraConfig", { kw }, {})),
    TaskType: taskTypes,
    // prepare_model_for_kbit_training(model, use_gradient_checkpointing=True, ...): casts norms to fp32
    // and, by default, calls model.gradient_checkpointing_enable() (peft docs, peft.utils.other).
    prepare_model_for_kbit_training: fn("peft.prepare_model_for_kbit_training", (_ip, [m, useGc], kw) => {
      if (truthy(kw.get("use_gradient_checkpointing") ?? useGc ?? TRUE) !== false) enableGradientCheckpointing(m);
      return m ?? NONE;
    }),
  });
}
