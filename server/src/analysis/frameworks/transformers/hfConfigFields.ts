// What each config.json key means to the sizing, per family, as transformers' configuration_*.py
// names it: a setter that writes the key's value into the catalog's HfConfig, or refuses a value the
// formulas cannot read (the caller then names the key as the reason the size is unknown). Keys a
// family's table does not list are unknown too, unless they are neutral (dropout, ids, loading options).
import { asInt, asString, type Value } from "../../evaluate/values";
import type { DebertaLayout, HfConfig } from "./hfArch";

/** Writes one key's value into a config; false when the value is not one the formulas can use. */
export type Setter = (c: HfConfig, v: Value) => boolean;
type NumField = {
  [K in keyof HfConfig]-?: NonNullable<HfConfig[K]> extends number ? K : never;
}[keyof HfConfig];

const num =
  (f: NumField): Setter =>
  (c, v) => {
    const n = asInt(v);
    if (n === null || n <= 0) return false;
    (c as unknown as Record<string, number>)[f] = n;
    return true;
  };
/** A key the sizing ignores only at the value transformers' own layout assumes (ALBERT's one layer group). */
const only =
  (...ok: Array<number | boolean>): Setter =>
  (_c, v) =>
    (v.k === "num" || v.k === "bool") && ok.includes(v.v);
/** Attention heads change neither parameters nor MACs of these families (the inner width is d_model). */
const heads = num("heads");

/** BERT-style names (configuration_bert.py), shared by RoBERTa, ALBERT, DeBERTa-v2, ViT, Llama-style decoders. */
const COMMON: Record<string, Setter> = {
  vocab_size: num("vocab"),
  hidden_size: num("hidden"),
  num_hidden_layers: num("layers"),
  num_attention_heads: heads,
  intermediate_size: num("intermediate"),
  max_position_embeddings: num("maxPositions"),
  num_key_value_heads: num("kvHeads"),
  head_dim: num("headDim"),
  type_vocab_size: (c, v) => {
    const n = asInt(v);
    if (n === null || n < 0) return false;
    c.typeVocab = n;
    return true;
  },
  image_size: num("imageSize"),
  patch_size: num("patchSize"),
  tie_word_embeddings: (c, v) =>
    put(asBool, (x) => {
      c.tied = x;
    })(v),
};

/** Sets a field from a bool / int / string-list value; false when the value is not of that kind. */
const asBool = (v: Value) => (v.k === "bool" ? v.v : null);
function put<T>(read: (v: Value) => T | null, write: (x: T) => void): (v: Value) => boolean {
  return (v) => {
    const x = read(v);
    if (x === null) return false;
    write(x);
    return true;
  };
}

/** DebertaV2Config's relative-attention keys (modeling_deberta_v2.py reads them with these defaults). */
const deberta =
  (apply: (d: DebertaLayout, v: Value) => boolean): Setter =>
  (c, v) => {
    c.deberta = { ...debertaLayout(c) };
    return apply(c.deberta, v);
  };

/** A catalogued DeBERTa-v3 row: relative attention over 256 buckets, shared keys, LayerNorm'd rel embeddings. */
export function debertaLayout(c: HfConfig): DebertaLayout {
  return (
    c.deberta ?? {
      relative: true,
      buckets: c.relBuckets ?? 256,
      maxRelative: -1,
      normRel: true,
      shareKeys: true,
      posAtt: ["p2c", "c2p"],
      biasedInput: false,
    }
  );
}

const strList = (v: Value): string[] | null => {
  const s = asString(v);
  // pos_att_type="p2c|c2p" is the legacy spelling transformers still splits.
  if (s !== null)
    return s
      .toLowerCase()
      .split("|")
      .map((x) => x.trim());
  if (v.k === "none") return [];
  if (v.k !== "list" && v.k !== "tuple") return null;
  const out = v.items.map(asString);
  return out.every((x) => x !== null) ? (out as string[]) : null;
};

const DEBERTA: Record<string, Setter> = {
  ...COMMON,
  relative_attention: deberta((d, v) =>
    put(asBool, (x) => {
      d.relative = x;
    })(v),
  ),
  position_biased_input: deberta((d, v) =>
    put(asBool, (x) => {
      d.biasedInput = x;
    })(v),
  ),
  position_buckets: deberta((d, v) =>
    put(asInt, (x) => {
      d.buckets = x;
    })(v),
  ),
  max_relative_positions: deberta((d, v) =>
    put(asInt, (x) => {
      d.maxRelative = x;
    })(v),
  ),
  share_att_key: deberta((d, v) =>
    put(asBool, (x) => {
      d.shareKeys = x;
    })(v),
  ),
  pos_att_type: deberta((d, v) =>
    put(strList, (x) => {
      d.posAtt = x;
    })(v),
  ),
  norm_rel_ebd: deberta((d, v) =>
    put(asString, (x) => {
      d.normRel = x.toLowerCase().split("|").includes("layer_norm");
    })(v),
  ),
  // A convolution beside the first layer (deberta-v2-xlarge) is not modelled; 0 means none.
  conv_kernel_size: only(0),
  // embed_proj (embedding_size != hidden_size) is not modelled: only the tied width is read.
  embedding_size: (c, v) => asInt(v) === c.hidden,
  legacy: (_c, v) => v.k === "bool",
};

/** BART / Whisper: one width, separate encoder and decoder depths and FFN widths (configuration_bart.py). */
const SEQ2SEQ: Record<string, Setter> = {
  vocab_size: num("vocab"),
  d_model: num("hidden"),
  hidden_size: num("hidden"),
  encoder_layers: num("layers"),
  decoder_layers: num("decoderLayers"),
  encoder_ffn_dim: num("intermediate"),
  decoder_ffn_dim: num("decoderIntermediate"),
  encoder_attention_heads: heads,
  decoder_attention_heads: heads,
  num_attention_heads: heads,
  // Multiplies the embeddings by sqrt(d_model): no parameters.
  scale_embedding: (_c, v) => v.k === "bool",
  tie_word_embeddings: only(true),
};

/** CLIPTextConfig / CLIPVisionConfig keys, written into the text (top-level) or vision fields. */
const CLIP_TEXT: Record<string, Setter> = {
  vocab_size: num("vocab"),
  hidden_size: num("hidden"),
  intermediate_size: num("intermediate"),
  num_hidden_layers: num("layers"),
  num_attention_heads: heads,
  max_position_embeddings: num("maxPositions"),
  // The text config's own projection_dim is read by CLIPTextModelWithProjection only; CLIPModel uses the top-level one.
  projection_dim: (_c, v) => asInt(v) !== null,
};
const VISION_KEYS: Record<string, keyof NonNullable<HfConfig["vision"]>> = {
  hidden_size: "hidden",
  intermediate_size: "intermediate",
  num_hidden_layers: "layers",
  num_attention_heads: "heads",
  image_size: "imageSize",
  patch_size: "patchSize",
  num_channels: "channels",
};

/** The key/value pairs of a nested config: a dict literal or a config object (`CLIPTextConfig(...)`). */
export type Entries = (v: Value) => Array<[string, Value]> | null;

function nested(entries: Entries, apply: (c: HfConfig, key: string, v: Value) => boolean): Setter {
  return (c, v) => {
    const kv = entries(v);
    if (!kv) return false;
    for (const [key, x] of kv) if (!NEUTRAL.test(key) && !apply(c, key, x)) return false;
    return true;
  };
}

export function clipFields(entries: Entries): Record<string, Setter> {
  const text = nested(entries, (c, k, v) => CLIP_TEXT[k]?.(c, v) ?? false);
  const vision = nested(entries, (c, k, v) => {
    const f = VISION_KEYS[k];
    const n = asInt(v);
    if (!f || !c.vision || n === null || n <= 0) return projectionKey(k, v);
    c.vision = { ...c.vision, [f]: n };
    return true;
  });
  return {
    text_config: text,
    text_config_dict: text,
    vision_config: vision,
    vision_config_dict: vision,
    projection_dim: num("projectionDim"),
    // A scalar parameter's starting value, not its count.
    logit_scale_init_value: () => true,
  };
}
const projectionKey = (k: string, v: Value) => k === "projection_dim" && asInt(v) !== null;

/** config.json keys per family; a family not listed reads COMMON. */
export function familyFields(family: string, entries: Entries): Record<string, Setter> {
  switch (family) {
    case "gpt2":
      return {
        vocab_size: num("vocab"),
        n_embd: num("hidden"),
        n_layer: num("layers"),
        n_head: heads,
        // n_inner=None: GPT-2's 4 × n_embd (resolved after all keys are read).
        n_inner: (c, v) => v.k === "none" || num("intermediate")(c, v),
        n_positions: num("maxPositions"),
        tie_word_embeddings: COMMON.tie_word_embeddings,
      };
    case "distilbert":
      return {
        vocab_size: num("vocab"),
        dim: num("hidden"),
        n_layers: num("layers"),
        n_heads: heads,
        hidden_dim: num("intermediate"),
        max_position_embeddings: num("maxPositions"),
      };
    case "t5":
      return {
        vocab_size: num("vocab"),
        d_model: num("hidden"),
        num_layers: num("layers"),
        num_decoder_layers: num("decoderLayers"),
        num_heads: num("heads"),
        d_kv: num("headDim"),
        d_ff: num("intermediate"),
        relative_attention_num_buckets: num("relBuckets"),
        tie_word_embeddings: COMMON.tie_word_embeddings,
      };
    case "albert":
      // One group of one layer is the layout hfArch.ts builds (every published ALBERT uses it).
      return { ...COMMON, embedding_size: num("embeddingSize"), num_hidden_groups: only(1), inner_group_num: only(1) };
    case "deberta-v2":
      return DEBERTA;
    case "bart":
      return { ...SEQ2SEQ, max_position_embeddings: num("maxPositions") };
    case "whisper":
      return {
        ...SEQ2SEQ,
        // WhisperConfig's attribute_map sends num_hidden_layers to encoder_layers; BartConfig keeps it as a
        // plain attribute the model never reads, so for BART it stays an unread (unknown) key.
        num_hidden_layers: num("layers"),
        max_target_positions: num("maxPositions"),
        max_source_positions: num("sourcePositions"),
        num_mel_bins: num("melBins"),
      };
    case "clip":
      return clipFields(entries);
    default:
      return COMMON;
  }
}

/** Keys that do not change a model's parameters: loading options, dropout, labels (read elsewhere), ids. */
export const NEUTRAL =
  /dropout|_eps$|^layer_norm_epsilon$|^initializer|^init_std$|^output_|_token_id$|^use_|^return_|^hidden_act$|^activation_function$|^attn_implementation$|^torch_dtype$|^dtype$|^problem_type$|^rope_|^trust_remote_code$|^revision$|^cache_dir$|^token$|^local_files_only$|^device_map$|^low_cpu_mem_usage$|^force_download$|^resume_download$|^proxies$|^num_labels$|^id2label$|^label2id$|^quantization_config$|^load_in_[48]bit$|^max_memory$|^offload|^subfolder$|^variant$|^from_tf$|^from_flax$|^gradient_checkpointing$|^pretrained_model_name_or_path$|^config$|^finetuning_task$|^ignore_mismatched_sizes$|^summary_|^scale_attn|^reorder_and_upcast_attn$|^max_length$|^pretraining_tp$|^_attn_implementation$|^sliding_window$|^use_sliding_window$|^max_window_layers$|^torch_compile$|layerdrop$|^pooler_hidden_act$|^is_encoder_decoder$|^decoder_start_token_id$|^forced_\w+_token_id$|^begin_suppress_tokens$|^suppress_tokens$|^mask_(time|feature)_\w+$|^apply_spec_augment$|^median_filter_width$|^classifier_proj_size$|^num_beams$|^early_stopping$|^no_repeat_ngram_size$|^length_penalty$|^min_length$|^task_specific_params$/;

/** Reading a config back (`config.hidden_size`, `model.config.d_model`): each key's catalog field. */
const READ_BACK: Record<string, (c: HfConfig) => number | undefined> = {
  hidden_size: (c) => c.hidden,
  d_model: (c) => c.hidden,
  n_embd: (c) => c.hidden,
  dim: (c) => c.hidden,
  num_hidden_layers: (c) => c.layers,
  n_layer: (c) => c.layers,
  n_layers: (c) => c.layers,
  num_layers: (c) => c.layers,
  encoder_layers: (c) => c.layers,
  decoder_layers: (c) => c.decoderLayers ?? c.layers,
  num_decoder_layers: (c) => c.decoderLayers ?? c.layers,
  num_attention_heads: (c) => c.heads,
  n_head: (c) => c.heads,
  n_heads: (c) => c.heads,
  num_heads: (c) => c.heads,
  encoder_attention_heads: (c) => c.heads,
  decoder_attention_heads: (c) => c.heads,
  num_key_value_heads: (c) => c.kvHeads ?? c.heads,
  intermediate_size: (c) => c.intermediate,
  d_ff: (c) => c.intermediate,
  hidden_dim: (c) => c.intermediate,
  encoder_ffn_dim: (c) => c.intermediate,
  decoder_ffn_dim: (c) => c.decoderIntermediate ?? c.intermediate,
  vocab_size: (c) => c.vocab,
  max_position_embeddings: (c) => c.maxPositions,
  n_positions: (c) => c.maxPositions,
  max_target_positions: (c) => c.maxPositions,
  max_source_positions: (c) => c.sourcePositions ?? 1500,
  num_mel_bins: (c) => c.melBins ?? 80,
  type_vocab_size: (c) => c.typeVocab,
  embedding_size: (c) => c.embeddingSize,
  image_size: (c) => c.imageSize,
  patch_size: (c) => c.patchSize,
  projection_dim: (c) => c.projectionDim,
};
/** Names every config answers through transformers' attribute_map, whatever the family calls them. */
const UNIVERSAL = new Set(["hidden_size", "num_hidden_layers", "num_attention_heads", "vocab_size"]);

/** A size key of a config as transformers would return it; undefined when the family has no such key. */
export function configValue(c: HfConfig, key: string): number | undefined {
  // GPT-2's n_inner is None in its config.json (the width is derived), so it is not read back as a number.
  if (key === "n_inner") return undefined;
  const has = UNIVERSAL.has(key) || key in familyFields(c.family, () => null);
  return has ? READ_BACK[key]?.(c) : undefined;
}
