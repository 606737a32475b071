// Config objects and their overrides: `BertConfig(hidden_size=256, ...)`, `AutoConfig.from_pretrained(
// "gpt2", n_layer=6)`, `cfg.n_layer = 6` and `from_pretrained(name, num_hidden_layers=6)`. The fields
// the sizing reads (hfArch.ts) are applied to a catalog row; any other field that may change the
// model's size makes its parameters unknown, naming the field, instead of printing the unmodified count.
import { nativeObject } from "../../evaluate/nativeHelpers";
import { asInt, type Kw, type NativeV, type Value } from "../../evaluate/values";
import type { HfConfig } from "./hfArch";
import { findCheckpoint, type HfRow } from "./hfZoo";

/**
 * Config classes whose defaults are exactly a catalogued checkpoint's config (transformers'
 * configuration_*.py), with the fields the defaults leave out: a fresh config has 2 labels, and
 * LlamaConfig's num_key_value_heads follows num_attention_heads.
 */
const CONFIG_DEFAULTS: Record<string, [string, Array<keyof HfConfig>]> = {
  BertConfig: ["bert-base-uncased", []],
  GPT2Config: ["gpt2", []],
  DistilBertConfig: ["distilbert-base-uncased", []],
  T5Config: ["t5-small", []],
  LlamaConfig: ["meta-llama/Llama-2-7b-hf", ["kvHeads"]],
  ViTConfig: ["google/vit-base-patch16-224", ["numLabels"]],
};

/** config.json keys the formulas read, per family, mapped to the catalog's field names. */
const COMMON: Record<string, keyof HfConfig> = {
  vocab_size: "vocab",
  hidden_size: "hidden",
  num_hidden_layers: "layers",
  num_attention_heads: "heads",
  intermediate_size: "intermediate",
  max_position_embeddings: "maxPositions",
  num_key_value_heads: "kvHeads",
  head_dim: "headDim",
  type_vocab_size: "typeVocab",
  embedding_size: "embeddingSize",
  image_size: "imageSize",
  patch_size: "patchSize",
  tie_word_embeddings: "tied",
};
const FIELDS: Record<string, Record<string, keyof HfConfig>> = {
  gpt2: {
    vocab_size: "vocab",
    n_embd: "hidden",
    n_layer: "layers",
    n_head: "heads",
    n_inner: "intermediate",
    n_positions: "maxPositions",
    tie_word_embeddings: "tied",
  },
  distilbert: {
    vocab_size: "vocab",
    dim: "hidden",
    n_layers: "layers",
    n_heads: "heads",
    hidden_dim: "intermediate",
    max_position_embeddings: "maxPositions",
  },
  t5: {
    vocab_size: "vocab",
    d_model: "hidden",
    num_layers: "layers",
    num_decoder_layers: "decoderLayers",
    num_heads: "heads",
    d_kv: "headDim",
    d_ff: "intermediate",
    relative_attention_num_buckets: "relBuckets",
    tie_word_embeddings: "tied",
  },
  // bart, whisper and clip name their sizes per tower (encoder_layers, vision_config...): not applied.
  bart: {},
  whisper: {},
  clip: {},
};

/** Keys that do not change a model's parameters: loading options, dropout, labels (read elsewhere), ids. */
const NEUTRAL =
  /dropout|_eps$|^layer_norm_epsilon$|^initializer|^output_|_token_id$|^use_|^return_|^hidden_act$|^activation_function$|^attn_implementation$|^torch_dtype$|^dtype$|^problem_type$|^rope_|^trust_remote_code$|^revision$|^cache_dir$|^token$|^local_files_only$|^device_map$|^low_cpu_mem_usage$|^force_download$|^resume_download$|^proxies$|^num_labels$|^id2label$|^label2id$|^quantization_config$|^load_in_[48]bit$|^max_memory$|^offload|^subfolder$|^variant$|^from_tf$|^from_flax$|^gradient_checkpointing$|^pretrained_model_name_or_path$|^config$|^finetuning_task$|^ignore_mismatched_sizes$|^summary_|^scale_attn|^reorder_and_upcast_attn$|^max_length$|^pretraining_tp$|^_attn_implementation$|^sliding_window$|^use_sliding_window$|^max_window_layers$|^torch_compile$/;

export interface ConfigData {
  /** `AutoConfig.from_pretrained(name)`; null for a config class called directly. */
  checkpoint: string | null;
  /** `BertConfig(...)`: the class whose defaults the fields start from. */
  configClass?: string;
  overrides: Kw;
}

/** A config object: reads back the fields set on it; `cfg.n_layer = 6` joins the overrides. */
export function configObject(data: ConfigData): NativeV {
  const cfg = nativeObject("PretrainedConfig", data as unknown as Record<string, unknown>, {}, (_me, name) =>
    data.overrides.get(name),
  );
  cfg.setattr = (_me, name, v) => {
    data.overrides.set(name, v);
    return true;
  };
  return cfg;
}

export function configDataOf(v: Value | undefined): ConfigData | null {
  return v?.k === "native" && v.type === "PretrainedConfig" && v.data.overrides instanceof Map
    ? (v.data as unknown as ConfigData)
    : null;
}

/** The catalog row a config starts from: its checkpoint's, or the defaults of a config class. */
export function baseRowOf(data: ConfigData): HfRow | undefined {
  if (data.checkpoint) return findCheckpoint(data.checkpoint);
  const d = data.configClass ? CONFIG_DEFAULTS[data.configClass] : undefined;
  const row = d ? findCheckpoint(d[0]) : undefined;
  if (!row || !d) return undefined;
  const config = { ...row.config };
  for (const k of d[1]) delete config[k];
  return { ...row, id: `${data.configClass}(...)`, aliases: [], config, modelMaxLength: undefined };
}

/**
 * The row with the overrides applied; a string naming the first override that may change the size
 * but is not applied (an unmodelled field, or a value the script does not fix).
 */
export function applyOverrides(row: HfRow, overrides: Kw): HfRow | string {
  const fields = FIELDS[row.family] ?? COMMON;
  const config: HfConfig = { ...row.config };
  let hiddenSet = false;
  let interSet = false;
  let maxLength = row.modelMaxLength;
  for (const [key, v] of overrides) {
    if (NEUTRAL.test(key)) continue;
    const field = fields[key];
    if (!field) return `${key}=`;
    if (field === "tied") {
      if (v.k !== "bool") return `${key}=`;
      config.tied = v.v;
      continue;
    }
    // n_inner=None: GPT-2's 4 × n_embd.
    if (key === "n_inner" && v.k === "none") continue;
    const n = asInt(v);
    if (n === null || n <= 0) return `${key}=`;
    (config as unknown as Record<string, number>)[field] = n;
    if (field === "hidden") hiddenSet = true;
    if (field === "intermediate") interSet = true;
    if (field === "maxPositions") maxLength = undefined;
  }
  // GPT-2's n_inner is None in its config.json: the MLP is 4 × n_embd wide.
  if (row.family === "gpt2" && hiddenSet && !interSet) config.intermediate = 4 * config.hidden;
  if (row.family === "vit") config.maxPositions = (config.imageSize! / config.patchSize!) ** 2 + 1;
  if (overrides.size === 0) return row;
  return { ...row, config, modelMaxLength: maxLength };
}
