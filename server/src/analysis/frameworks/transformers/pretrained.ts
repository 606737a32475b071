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
import { buildHfModel } from "./hfModel";
import { findCheckpoint, sizeCheckpoint } from "./hfZoo";

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
  ];
  for (const [re, task] of rules) if (re.test(className)) return task;
  return "base";
}

/**
 * The model value for a checkpoint: a module tree sized from the Hugging Face catalog for the head
 * the class asks for, else a library object whose size is noted as unknown.
 */
export function pretrainedModel(ip: Interp, req: PretrainedRequest, node: Node | null): Value {
  const row = req.checkpoint ? findCheckpoint(req.checkpoint) : undefined;
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
    return model;
  }
  ip.note(
    row
      ? `${req.checkpoint} (${req.className}): the catalog has no ${req.task} head for the ${row.family} family, so parameters and FLOPs are unknown`
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
  const build = (pretrained: boolean) =>
    fn(`${className}.${pretrained ? "from_pretrained" : "from_config"}`, (ip, [first], kw, node) => {
      const ckpt = pretrained ? asString(kw.get("pretrained_model_name_or_path") ?? first) : configName(first);
      return pretrainedModel(
        ip,
        {
          checkpoint: ckpt,
          className,
          task: taskOf(className),
          numLabels: asInt(kw.get("num_labels")) ?? labelCount(kw.get("id2label")) ?? configLabels(first),
          pretrained,
          kw,
        },
        node,
      );
    });
  return nativeObject(className, {}, {}, (_me, name) =>
    name === "from_pretrained" ? build(true) : name === "from_config" ? build(false) : undefined,
  );
}

/** `id2label={0: "neg", 1: "pos"}`: as many labels as entries. */
function labelCount(v: Value | undefined): number | null {
  return v?.k === "dict" ? v.map.size : null;
}

/** `num_labels` given to AutoConfig.from_pretrained and passed on through from_config. */
function configLabels(v: Value | undefined): number | null {
  const o = v?.k === "native" ? (v.data.overrides as Kw | undefined) : undefined;
  return o ? asInt(o.get("num_labels")) : null;
}

/** Checkpoint behind `AutoConfig.from_pretrained(name)` values passed to from_config. */
function configName(v: Value | undefined): string | null {
  if (v?.k === "native" && typeof v.data.checkpoint === "string") return v.data.checkpoint;
  return null;
}

/** `AutoConfig.from_pretrained(name, **overrides)`: remembers the checkpoint for from_config. */
export function configFactory(): Value {
  return nativeObject(
    "AutoConfig",
    {},
    {
      from_pretrained: (_ip, _me, [ckpt], kw) =>
        nativeObject("PretrainedConfig", { checkpoint: asString(ckpt), overrides: kw }, {}),
    },
  );
}
