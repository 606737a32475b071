// The `transformers`, `trl` and `peft` namespaces: resolves a name a script imports to the
// native class or function modelled in this folder (Trainer, TrainingArguments, tokenizers,
// data collators, model classes with from_pretrained, schedulers; peft in peftLora.ts). `accelerate` is not modelled:
// an Accelerator loop is a plain PyTorch loop to run detection and is seen through its backward.
import type { Interp } from "../../evaluate/interp";
import { fn, nativeModule, nativeObject } from "../../evaluate/nativeHelpers";
import { NONE, unknown, type Value } from "../../evaluate/values";
import { makeOptimizer, makeScheduler } from "../torch/training";
import { hfArgumentParserClass } from "./argParser";
import { configFactory, modelFactory } from "./pretrained";
import { bitsAndBytesConfigClass } from "./quantization";
export { peftRoot } from "./peftLora";
import { collatorFactory, tokenizerFactory } from "./tokenizers";
import { trainerClass, trainingArgsClass } from "./trainer";

/** Model classes: AutoModel*, BertModel, GPT2LMHeadModel, T5ForConditionalGeneration... */
const MODEL_CLASS = /^(AutoModel\w*|\w+(Model|LMHeadModel|For[A-Z]\w+))$/;
const TOKENIZER_CLASS = /^(AutoTokenizer|\w+Tokenizer(Fast)?|AutoProcessor|AutoImageProcessor|AutoFeatureExtractor)$/;
const CONFIG_CLASS = /^(AutoConfig|\w+Config)$/;

const schedulerFn = (name: string) => fn(`transformers.${name}`, makeScheduler);

function resolveTransformers(attr: string): Value | undefined {
  if (attr === "TrainingArguments" || attr === "Seq2SeqTrainingArguments") return trainingArgsClass(attr);
  if (attr === "Trainer" || attr === "Seq2SeqTrainer") return trainerClass(attr);
  if (attr === "HfArgumentParser") return hfArgumentParserClass();
  if (attr.startsWith("DataCollator") || attr === "default_data_collator") return collatorFactory(attr);
  if (attr === "BitsAndBytesConfig") return bitsAndBytesConfigClass();
  if (TOKENIZER_CLASS.test(attr)) return tokenizerFactory(attr);
  if (CONFIG_CLASS.test(attr)) return configFactory(attr);
  if (MODEL_CLASS.test(attr)) return modelFactory(attr);
  if (/^get_\w*schedule\w*$/.test(attr) || attr === "get_scheduler") return schedulerFn(attr);
  if (attr === "AdamW" || attr === "Adafactor") return fn(`transformers.${attr}`, makeOptimizer(attr));
  if (attr === "set_seed" || attr === "enable_full_determinism") return fn(`transformers.${attr}`, () => NONE);
  if (attr.endsWith("Callback")) return fn(`transformers.${attr}`, () => nativeObject(attr, {}, {}));
  if (attr === "pipeline")
    return fn("transformers.pipeline", (_ip, _a, _kw, node) =>
      unknown("a transformers pipeline (inference only)", node),
    );
  return undefined;
}

export function transformersRoot(_ip: Interp): Value {
  return nativeModule("transformers", {}, (attr) => {
    // Submodules (`transformers.optimization`, `transformers.trainer_utils`) expose the same names.
    if (/^[a-z_]+$/.test(attr) && !/^get_|^set_seed$|^pipeline$|^enable_|^default_/.test(attr))
      return nativeModule(`transformers.${attr}`, {}, resolveTransformers);
    return resolveTransformers(attr);
  });
}

/** trl: SFTTrainer / SFTConfig and DPOTrainer / DPOConfig train like Trainer / TrainingArguments. */
export function trlRoot(_ip: Interp): Value {
  return nativeModule("trl", {
    SFTTrainer: trainerClass("SFTTrainer"),
    SFTConfig: trainingArgsClass("SFTConfig"),
    DPOTrainer: trainerClass("DPOTrainer"),
    DPOConfig: trainingArgsClass("DPOConfig"),
  });
}
