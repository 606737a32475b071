// Config objects and their overrides: `BertConfig(hidden_size=256, ...)`, `AutoConfig.from_pretrained(
// "gpt2", n_layer=6)`, `cfg.n_layer = 6` and `from_pretrained(name, num_hidden_layers=6)`. The fields
// the sizing reads (hfArch.ts) are applied to a catalog row; any other field that may change the
// model's size makes its parameters unknown, naming the field, instead of printing the unmodified count.
import { nativeObject } from "../../evaluate/nativeHelpers";
import { asInt, asString, int, type Kw, type NativeV, type Value } from "../../evaluate/values";
import type { HfConfig } from "./hfArch";
import { configValue, familyFields, NEUTRAL } from "./hfConfigFields";
import { findCheckpoint, type HfRow } from "./hfZoo";

/**
 * Config classes called without a checkpoint start from their own defaults (transformers'
 * configuration_*.py): either exactly a catalogued checkpoint's config, less the fields the defaults
 * leave out (a fresh config has 2 labels; LlamaConfig's num_key_value_heads follows
 * num_attention_heads), or, where no published checkpoint has the defaults, the values written out.
 */
type ClassDefaults =
  | { checkpoint: string; drop?: Array<keyof HfConfig> }
  | { family: string; config: Omit<HfConfig, "family">; source: string };
const CONFIG_DEFAULTS: Record<string, ClassDefaults> = {
  BertConfig: { checkpoint: "bert-base-uncased" },
  GPT2Config: { checkpoint: "gpt2" },
  DistilBertConfig: { checkpoint: "distilbert-base-uncased" },
  T5Config: { checkpoint: "t5-small" },
  LlamaConfig: { checkpoint: "meta-llama/Llama-2-7b-hf", drop: ["kvHeads"] },
  ViTConfig: { checkpoint: "google/vit-base-patch16-224", drop: ["numLabels"] },
  // BartConfig(): d_model=1024, 12 + 12 layers, ffn 4096, 1024 positions, vocab 50265 = facebook/bart-large.
  BartConfig: { checkpoint: "facebook/bart-large" },
  // WhisperConfig(): d_model=384, 4 + 4 layers, ffn 1536, 80 mel bins, 1500 / 448 positions = openai/whisper-tiny.
  WhisperConfig: { checkpoint: "openai/whisper-tiny" },
  // CLIPConfig(): CLIPTextConfig (512 wide, 12 layers, 77 positions) and CLIPVisionConfig (768 wide, 12
  // layers, 224 px, patch 32), projection_dim=512 = openai/clip-vit-base-patch32.
  CLIPConfig: { checkpoint: "openai/clip-vit-base-patch32" },
  RobertaConfig: {
    family: "roberta",
    // Unlike roberta-base's config.json (514 positions, 1 token type), the class keeps BERT's 512 and 2.
    config: { vocab: 50265, hidden: 768, layers: 12, heads: 12, intermediate: 3072, maxPositions: 512, typeVocab: 2 },
    source: "transformers/models/roberta/configuration_roberta.py, RobertaConfig.__init__ defaults",
  },
  AlbertConfig: {
    family: "albert",
    // The defaults are ALBERT-xxlarge's shape.
    config: {
      vocab: 30000,
      embeddingSize: 128,
      hidden: 4096,
      layers: 12,
      heads: 64,
      intermediate: 16384,
      maxPositions: 512,
      typeVocab: 2,
    },
    source: "transformers/models/albert/configuration_albert.py, AlbertConfig.__init__ defaults",
  },
  DebertaV2Config: {
    family: "deberta-v2",
    // deberta-v2-xlarge's widths, but relative_attention=False and position_biased_input=True by default.
    config: {
      vocab: 128100,
      hidden: 1536,
      layers: 24,
      heads: 24,
      intermediate: 6144,
      maxPositions: 512,
      typeVocab: 0,
      deberta: {
        relative: false,
        buckets: -1,
        maxRelative: -1,
        normRel: false,
        shareKeys: false,
        posAtt: [],
        biasedInput: true,
      },
    },
    source: "transformers/models/deberta_v2/configuration_deberta_v2.py, DebertaV2Config.__init__ defaults",
  },
};

/** Config classes the analyzer can size from scratch, for messages. */
export const MODELLED_CONFIG_CLASSES = Object.keys(CONFIG_DEFAULTS);

export interface ConfigData {
  /** `AutoConfig.from_pretrained(name)`; null for a config class called directly. */
  checkpoint: string | null;
  /** `BertConfig(...)`: the class whose defaults the fields start from. */
  configClass?: string;
  overrides: Kw;
}

/** A config object: reads back the fields set on it; `cfg.n_layer = 6` joins the overrides. */
export function configObject(data: ConfigData): NativeV {
  // A field the script did not set reads back as the base config's (its checkpoint's or its class's defaults).
  const cfg = nativeObject("PretrainedConfig", data as unknown as Record<string, unknown>, {}, (_me, name) => {
    const set = data.overrides.get(name);
    if (set) return set;
    const base = baseRowOf(data);
    const row = base ? applyOverrides(base, data.overrides) : undefined;
    if (!row || typeof row === "string") return undefined;
    const id2label = data.overrides.get("id2label");
    const labels = id2label?.k === "dict" ? id2label.map.size : (row.config.numLabels ?? 2);
    const v = name === "num_labels" ? labels : configValue(row.config, name);
    return v !== undefined ? int(v) : undefined;
  });
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
  if (!d) return undefined;
  const id = `${data.configClass}(...)`;
  if ("family" in d) {
    const config = { ...d.config, family: d.family } as HfConfig;
    const published = { params: 0, tolerance: 0, task: "base", class: id, source: d.source };
    return { id, aliases: [], family: d.family, config, configSource: d.source, published };
  }
  const row = findCheckpoint(d.checkpoint);
  if (!row) return undefined;
  const config = { ...row.config };
  for (const k of d.drop ?? []) delete config[k];
  return { ...row, id, aliases: [], config, modelMaxLength: undefined };
}

/** `text_config={...}` / `text_config=CLIPTextConfig(...)`: the nested config's keys and values. */
function entriesOf(v: Value): Array<[string, Value]> | null {
  if (v.k === "dict") {
    const out: Array<[string, Value]> = [];
    for (const [k, x] of v.map.values()) {
      const key = asString(k);
      if (key === null) return null;
      out.push([key, x]);
    }
    return out;
  }
  const cfg = configDataOf(v);
  // A nested config class starts from its own defaults, which are the CLIP ones the row already holds.
  return cfg && !cfg.checkpoint ? [...cfg.overrides] : null;
}

/**
 * The row with the overrides applied; a string naming the first override that may change the size
 * but is not applied (an unmodelled field, or a value the script does not fix).
 */
export function applyOverrides(row: HfRow, overrides: Kw): HfRow | string {
  if (overrides.size === 0) return row;
  const fields = familyFields(row.family, entriesOf);
  const config: HfConfig = structuredClone(row.config);
  // BART and Whisper keep separate encoder/decoder depths and widths: pin the decoder's before either changes.
  if (row.family === "bart" || row.family === "whisper") {
    config.decoderLayers ??= config.layers;
    config.decoderIntermediate ??= config.intermediate;
  }
  for (const [key, v] of overrides) {
    if (NEUTRAL.test(key)) continue;
    const set = fields[key];
    if (!set || !set(config, v)) return `${key}=`;
  }
  // GPT-2's n_inner is None in its config.json: the MLP is 4 × n_embd wide.
  if (row.family === "gpt2" && config.hidden !== row.config.hidden && asInt(overrides.get("n_inner")) === null)
    config.intermediate = 4 * config.hidden;
  if (row.family === "vit") config.maxPositions = (config.imageSize! / config.patchSize!) ** 2 + 1;
  const maxLength = config.maxPositions === row.config.maxPositions ? row.modelMaxLength : undefined;
  return { ...row, config, modelMaxLength: maxLength };
}
