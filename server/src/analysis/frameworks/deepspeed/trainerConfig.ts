// `TrainingArguments(deepspeed="ds_config.json")`: the transformers integration fills every "auto"
// in the DeepSpeed config from the TrainingArguments and refuses any other value that disagrees
// (transformers integrations/deepspeed.py, HfTrainerDeepSpeedConfig.trainer_config_process /
// fill_match: "Please correct the following DeepSpeed config values that mismatch TrainingArguments
// values", a ValueError). So the schedule stays the Trainer's; the config adds the GPU count when its
// train_batch_size is a number, the ZeRO offload, and the mismatches that stop the run.
import type { Node } from "web-tree-sitter";
import type { Interp } from "../../evaluate/interp";
import { type Kw, NONE, truthy } from "../../evaluate/values";
import { type DsConfig, type DsFlag, type DsInt, dsConfigOf } from "./dsConfig";
import { applyDsConfig } from "./package";

/** The `how` of the device event a Trainer under DeepSpeed records (runFacts.ts: launcher-started). */
const TRAINER_DS_HOW = "TrainingArguments(deepspeed=...)";

/** TrainingArguments' own values for the fields the integration matches (library defaults when unset). */
export interface TrainerDsArgs {
  batchSize: number | null;
  gradientAccumulation: number | null;
  kw: Kw;
}

const flag = (kw: Kw, name: string) => truthy(kw.get(name) ?? NONE) === true;

export function trainerDeepSpeed(ip: Interp, a: TrainerDsArgs, node: Node | null): void {
  const v = a.kw.get("deepspeed");
  if (!v || v.k === "none") return;
  const c = dsConfigOf(ip, v, node, TRAINER_DS_HOW);
  if (!c) {
    ip.event({ kind: "device", device: "gpu", count: null, how: TRAINER_DS_HOW }, node);
    return;
  }
  // TrainingArguments defaults: per_device_train_batch_size 8, gradient_accumulation_steps 1.
  const micro = a.batchSize ?? 8;
  const accum = a.gradientAccumulation ?? 1;
  const fp16 = flag(a.kw, "fp16") || flag(a.kw, "fp16_full_eval");
  const bf16 = flag(a.kw, "bf16") || flag(a.kw, "bf16_full_eval");
  const off: string[] = [];
  const matchInt = (name: string, ds: DsInt, hf: number) => {
    if (typeof ds === "number" && ds !== hf) off.push(`${name} ${ds} vs ${hf}`);
  };
  const matchFlag = (name: string, ds: DsFlag, hf: boolean) => {
    if (typeof ds === "boolean" && ds !== hf) off.push(`${name} ${ds} vs ${hf}`);
  };
  matchInt("train_micro_batch_size_per_gpu", c.microBatch, micro);
  matchInt("gradient_accumulation_steps", c.accumulation, accum);
  matchFlag("fp16.enabled", c.fp16, fp16);
  matchFlag("bf16.enabled", c.bf16, bf16);
  if (off.length > 0)
    ip.note(
      `${c.source} disagrees with TrainingArguments (${off.join(", ")}): transformers raises ValueError before training, so the run as written does not start`,
      node,
      'set those DeepSpeed values to "auto" or make them equal to the TrainingArguments',
    );
  // Precision is the TrainingArguments' (the hfTrainer event carries it); the batch triple is the
  // Trainer's per-device batch and accumulation with the config's train_batch_size, when it is a number.
  const resolved: DsConfig = { ...c, microBatch: micro, accumulation: accum, fp16: null, bf16: null };
  if (typeof c.trainBatch !== "number") resolved.trainBatch = null;
  applyDsConfig(ip, resolved, node, TRAINER_DS_HOW, true);
}
