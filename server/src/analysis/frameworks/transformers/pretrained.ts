// `AutoModel*.from_pretrained(checkpoint)` / `BertForSequenceClassification.from_pretrained(...)`:
// the single place where a Hugging Face checkpoint becomes a model value. A catalogued checkpoint
// (frameworks/zoo/data/huggingface.json) becomes a module tree sized for the requested head
// (hfModel.ts); any other stays a library object that still records device/precision/save facts
// and says why its size is unknown.
import type { Node } from "web-tree-sitter";
import type { Interp } from "../../evaluate/interp";
import { fn, nativeObject } from "../../evaluate/nativeHelpers";
import { asInt, asString, type Kw, NONE, type NativeV, unknown, type Value } from "../../evaluate/values";
import { deviceKindOf, precisionOfDtype } from "../torch/events";
import {
  applyOverrides,
  baseRowOf,
  type ConfigData,
  configDataOf,
  configObject,
  MODELLED_CONFIG_CLASSES,
} from "./hfConfig";
import { buildHfModel } from "./hfModel";
import { noteQuantization } from "./quantization";
import { findCheckpoint, type HfRow, sizeCheckpoint } from "./hfZoo";

/** What a script asked for: enough for a zoo lookup to size the model and its head. */
export interface PretrainedRequest {
  /** The checkpoint name as written ("bert-base-uncased", "meta-llama/Llama-2-7b-hf"); null when not a literal. */
  checkpoint: string | null;
  /** The class called ("AutoModelForSequenceClassification", "GPT2LMHeadModel"). */
  className: string;
  /** The head the class implies ("sequence-classification", "causal-lm", "base"...). */
  task: string;
  /** `num_labels=` for classification heads. */
  numLabels: number | null;
  /** False for `from_config(...)`: the same architecture trained from scratch. */
  pretrained: boolean;
  kw: Kw;
  /** A label keyword (`id2label=` built from the dataset) whose count is not known: the head is sized at the default. */
  labelsUnread?: string | null;
  /** The config object behind from_config(cfg), `XForY(cfg)` or from_pretrained(config=cfg). */
  config?: ConfigData | null;
}

/** Head implied by a transformers class name. */
export function taskOf(className: string): string {
  const rules: Array<[RegExp, string]> = [
    [/ForSequenceClassification$/, "sequence-classification"],
    [/ForTokenClassification$/, "token-classification"],
    [/ForQuestionAnswering$/, "question-answering"],
    [/(ForCausalLM|LMHeadModel)$/, "causal-lm"],
    [/ForMaskedLM$/, "masked-lm"],
    [/(ForSeq2SeqLM|ForConditionalGeneration)$/, "seq2seq-lm"],
    [/ForImageClassification$/, "image-classification"],
    [/ForMultipleChoice$/, "multiple-choice"],
    [/ForSpeechSeq2Seq$/, "seq2seq-lm"],
    [/ForPreTraining$/, "pretraining"],
    [/ForNextSentencePrediction$/, "next-sentence"],
    [/^T5EncoderModel$/, "encoder"],
  ];
  for (const [re, task] of rules) if (re.test(className)) return task;
  // The bare body: AutoModel, BertModel, LlamaModel. A part or another head (CLIPTextModel,
  // GPT2DoubleHeadsModel, XForCTC) is not modelled: its size is left unknown, not the body's.
  if (className === "AutoModel" || /^[A-Z]\w*Model$/.test(className)) {
    if (
      !/(Encoder|Decoder|Text|Vision|Audio|Projection|Heads|Speech|Prior|Generation)Model$|^AutoModel\w/.test(className)
    )
      return "base";
  }
  return `unmodelled:${className}`;
}

/**
 * The model value for a checkpoint: a module tree sized from the Hugging Face catalog for the head
 * the class asks for, else a library object whose size is noted as unknown.
 */
export function pretrainedModel(ip: Interp, req: PretrainedRequest, node: Node | null): Value {
  const base = req.config ? baseRowOf(req.config) : req.checkpoint ? findCheckpoint(req.checkpoint) : undefined;
  // Overrides: the config object's fields, then from_pretrained's own keyword arguments (which
  // transformers hands to the config).
  const overrides: Kw = new Map(req.config?.overrides ?? []);
  if (req.pretrained) for (const [k, v] of req.kw) overrides.set(k, v);
  const applied = base ? applyOverrides(base, overrides) : undefined;
  if (typeof applied === "string") {
    ip.note(
      `${req.checkpoint ?? "this model"} (${req.className}): the config override ${applied} may change the model's size and is not modelled, so parameters and FLOPs are unknown`,
      node,
      "the training run is still detected; its cost needs the model's parameters",
    );
    return libraryModel(req);
  }
  const row: HfRow | undefined = applied;
  const sized = row ? sizeCheckpoint(row, req.task, req.numLabels) : null;
  if (row && sized) {
    const model = buildHfModel(ip, req, sized, node);
    // from_pretrained(torch_dtype=torch.bfloat16): the weights, and so the training math, are in that dtype.
    const p = precisionOfDtype(req.kw.get("torch_dtype") ?? req.kw.get("dtype"));
    if (p && p !== "fp32")
      ip.event(
        { kind: "precision", precision: p, how: `from_pretrained(torch_dtype=${p})`, modelId: model.mod!.id },
        node,
      );
    noteQuantization(ip, req.kw, model.mod!.id, node);
    return model;
  }
  ip.note(
    row
      ? req.task.startsWith("unmodelled:")
        ? `${req.checkpoint} (${req.className}): the ${req.className} head/part is not modelled for the ${row.family} family, so parameters and FLOPs are unknown (not the base model's count)`
        : `${req.checkpoint} (${req.className}): the catalog has no ${req.task} head for the ${row.family} family, so parameters and FLOPs are unknown`
      : req.config?.configClass
        ? `${req.checkpoint} (${req.className}): a model built from ${req.config.configClass} is not modelled (only ${MODELLED_CONFIG_CLASSES.join(", ")} are), so parameters and FLOPs are unknown`
        : !req.pretrained && !req.config
          ? `${req.className}(config): the config object is not one the analyzer can read (a config class or AutoConfig.from_pretrained), so parameters and FLOPs are unknown`
          : `${req.checkpoint ?? "this checkpoint"} (${req.className}): not in the Hugging Face catalog (docs/ZOO.md), so parameters and FLOPs are unknown`,
    node,
    "the training run is still detected; its cost needs the model's parameters",
  );
  return libraryModel(req);
}

/** Maximum sequence length of a checkpoint (tokenizer model_max_length); null when the catalog does not know it. */
export function pretrainedMaxPositions(_ip: Interp, checkpoint: string): number | null {
  const row = findCheckpoint(checkpoint);
  return row ? (row.modelMaxLength ?? null) : null;
}

function libraryModel(req: PretrainedRequest): NativeV {
  const self: NativeV = nativeObject(
    "transformers.PreTrainedModel",
    { checkpoint: req.checkpoint, className: req.className, modelId: null },
    {
      to(ip, me, args, kw, node) {
        for (const a of [
          ...args,
          ...(kw.get("device") ? [kw.get("device")!] : []),
          ...(kw.get("dtype") ? [kw.get("dtype")!] : []),
        ]) {
          const d = deviceKindOf(a);
          if (d) ip.event({ kind: "device", device: d, count: null, how: ".to(device) on a transformers model" }, node);
          const p = precisionOfDtype(a);
          if (p && p !== "fp32")
            ip.event({ kind: "precision", precision: p, how: `.to(${asString(a)})`, modelId: null }, node);
        }
        return me;
      },
      cuda(ip, me, _a, _kw, node) {
        ip.event({ kind: "device", device: "gpu", count: null, how: ".cuda() on a transformers model" }, node);
        return me;
      },
      half(ip, me, _a, _kw, node) {
        ip.event({ kind: "precision", precision: "fp16", how: ".half()", modelId: null }, node);
        return me;
      },
      bfloat16(ip, me, _a, _kw, node) {
        ip.event({ kind: "precision", precision: "bf16", how: ".bfloat16()", modelId: null }, node);
        return me;
      },
      train: (_ip, me) => me,
      eval: (_ip, me) => me,
      float: (_ip, me) => me,
      gradient_checkpointing_enable: () => NONE,
      resize_token_embeddings: () => NONE,
      tie_weights: () => NONE,
      parameters: (_ip, _me, _a, _kw, node) => unknown(`parameters of ${req.checkpoint ?? req.className}`, node),
      named_parameters: (_ip, _me, _a, _kw, node) => unknown(`parameters of ${req.checkpoint ?? req.className}`, node),
      num_parameters: (_ip, _me, _a, _kw, node) => unknown(`size of ${req.checkpoint ?? req.className}`, node),
      generate: (_ip, _me, _a, _kw, node) => unknown("generated tokens", node),
      save_pretrained(ip, _me, _a, _kw, node) {
        ip.event({ kind: "save", modelId: null, how: "save_pretrained" }, node);
        return NONE;
      },
      push_to_hub: () => NONE,
    },
    (_me, name) => (name === "config" ? nativeObject("PretrainedConfig", {}, {}) : undefined),
  );
  // `outputs = model(**batch)`: outputs.loss is Unknown, whose .backward() still records the step.
  self.call = (_ip, _a, _kw, node) => unknown(`outputs of ${req.checkpoint ?? req.className}`, node);
  return self;
}

/** `SomeModelClass` namespace: from_pretrained / from_config build the model value. */
export function modelFactory(className: string): Value {
  const make = (ip: Interp, pretrained: boolean, first: Value | undefined, kw: Kw, node: Node | null) => {
    // from_pretrained(name, config=cfg); from_config(cfg); `BertForSequenceClassification(cfg)`.
    const cfgValue = pretrained ? kw.get("config") : (first ?? kw.get("config"));
    const config = configDataOf(cfgValue);
    const ckpt = pretrained ? asString(kw.get("pretrained_model_name_or_path") ?? first) : configName(config);
    return pretrainedModel(
      ip,
      {
        checkpoint: ckpt,
        className,
        task: taskOf(className),
        numLabels: labelsOf(kw) ?? configLabels(config),
        labelsUnread: labelsUnread(kw) ?? (config ? labelsUnread(config.overrides) : null),
        pretrained,
        kw,
        config,
      },
      node,
    );
  };
  const build = (pretrained: boolean) =>
    fn(`${className}.${pretrained ? "from_pretrained" : "from_config"}`, (ip, [first], kw, node) =>
      make(ip, pretrained, first, kw, node),
    );
  const cls = nativeObject(className, {}, {}, (_me, name) =>
    name === "from_pretrained" ? build(true) : name === "from_config" ? build(false) : undefined,
  );
  // `BertForSequenceClassification(BertConfig(...))`: a freshly initialised model of that config.
  cls.call = (ip, [first], kw, node) => make(ip, false, first, kw, node);
  return cls;
}

/** `id2label={0: "neg", 1: "pos"}`: as many labels as entries. */
function labelCount(v: Value | undefined): number | null {
  return v?.k === "dict" ? v.map.size : null;
}

/** `num_labels=`, else as many labels as `id2label` / `label2id` entries. */
function labelsOf(kw: Kw): number | null {
  return asInt(kw.get("num_labels")) ?? labelCount(kw.get("id2label")) ?? labelCount(kw.get("label2id"));
}

/** `num_labels` (or `id2label`) set on the config passed to from_config or the model class. */
function configLabels(c: ConfigData | null): number | null {
  return c ? labelsOf(c.overrides) : null;
}

/** The label keyword a script passes but whose value (a count built from data) the analyzer cannot read. */
function labelsUnread(kw: Kw): string | null {
  if (labelsOf(kw) !== null) return null;
  return ["num_labels", "id2label", "label2id"].find((k) => kw.has(k) && kw.get(k)?.k !== "none") ?? null;
}

/** Name of the config in messages: its checkpoint, or `BertConfig(...)`. */
function configName(c: ConfigData | null): string | null {
  return c ? (c.checkpoint ?? (c.configClass ? `${c.configClass}(...)` : null)) : null;
}

/**
 * `AutoConfig.from_pretrained(name, **overrides)` / `BertConfig.from_pretrained(...)` remember the
 * checkpoint and overrides; `BertConfig(**fields)` starts from that class's defaults.
 */
export function configFactory(className = "AutoConfig"): Value {
  const cls = nativeObject(
    className,
    {},
    {
      from_pretrained: (_ip, _me, [ckpt], kw) =>
        configObject({ checkpoint: asString(kw.get("pretrained_model_name_or_path") ?? ckpt), overrides: new Map(kw) }),
    },
  );
  if (className !== "AutoConfig")
    cls.call = (_ip, _a, kw) => configObject({ checkpoint: null, configClass: className, overrides: new Map(kw) });
  return cls;
}
