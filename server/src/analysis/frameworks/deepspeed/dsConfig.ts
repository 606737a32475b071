// A DeepSpeed config (a JSON file in the workspace or a dict in the script) read as the facts a run
// needs: the batch triple, fp16/bf16, and the ZeRO stage and offload. Values left "auto" are for the
// transformers integration to fill from TrainingArguments; everything else is taken as written.
import type { Node } from "web-tree-sitter";
import { loadConfigAt, pathText } from "../../evaluate/configFiles";
import type { Interp } from "../../evaluate/interp";
import { asInt, asString, type Value } from "../../evaluate/values";
import type { Precision } from "../../types";

/** One field: a number, "auto" (filled by transformers from TrainingArguments), or absent (null). */
export type DsInt = number | "auto" | null;
export type DsFlag = boolean | "auto" | null;

export interface DsConfig {
  /** Where the config came from, as the report says it ("ds_config.json", "the ds_config dict"). */
  source: string;
  trainBatch: DsInt;
  microBatch: DsInt;
  accumulation: DsInt;
  fp16: DsFlag;
  bf16: DsFlag;
  zeroStage: number | null;
  /** offload_optimizer / offload_param devices other than "none" ("optimizer to cpu"). */
  offload: string[];
}

function field(d: Value | undefined, key: string): Value | undefined {
  if (d?.k !== "dict") return undefined;
  for (const [k, v] of d.map.values()) if (k.k === "str" && k.v === key) return v;
  return undefined;
}

function dsInt(v: Value | undefined): DsInt {
  if (!v || v.k === "none") return null;
  if (asString(v) === "auto") return "auto";
  return asInt(v);
}

/** `"fp16": {"enabled": true}`; the section present without "enabled" is off (DeepSpeed's default). */
function dsFlag(section: Value | undefined): DsFlag {
  if (!section || section.k === "none") return null;
  const e = field(section, "enabled");
  if (!e || e.k === "none") return false;
  if (asString(e) === "auto") return "auto";
  return e.k === "bool" ? e.v : null;
}

const orAmp = (fp16: DsFlag, amp: DsFlag): DsFlag => (fp16 === true || amp === true ? true : (fp16 ?? amp));

/** Reads a config dict (already parsed); `source` names it in the report. */
export function readDsConfig(d: Value, source: string): DsConfig | null {
  if (d.k !== "dict") return null;
  const zero = field(d, "zero_optimization");
  const offload: string[] = [];
  for (const [key, what] of [
    ["offload_optimizer", "optimizer"],
    ["offload_param", "parameters"],
  ] as const) {
    const dev = asString(field(field(zero, key), "device"));
    if (dev && dev !== "none") offload.push(`${what} to ${dev}`);
  }
  return {
    source,
    trainBatch: dsInt(field(d, "train_batch_size")),
    microBatch: dsInt(field(d, "train_micro_batch_size_per_gpu")),
    accumulation: dsInt(field(d, "gradient_accumulation_steps")),
    // DeepSpeed also accepts "bfloat16" for the bf16 section; "amp" is NVIDIA apex's fp16 mixed precision.
    fp16: orAmp(dsFlag(field(d, "fp16")), dsFlag(field(d, "amp"))),
    bf16: dsFlag(field(d, "bf16") ?? field(d, "bfloat16")),
    zeroStage: asInt(field(zero, "stage")),
    offload,
  };
}

/**
 * The config a call names: a path (str or Path) to a workspace JSON file, or a dict. A path the
 * workspace lacks, or a value known only at run time, gives null with a note saying so.
 */
export function dsConfigOf(ip: Interp, v: Value | undefined, node: Node | null, via: string): DsConfig | null {
  if (v?.k === "dict") return readDsConfig(v, "the config dict");
  const name = pathText(v);
  if (name !== null) {
    const loaded = loadConfigAt(ip, v, node, via);
    if (loaded) return readDsConfig(loaded, name);
    ip.note(
      `${via}: ${name} is not in the workspace, so its batch sizes and precision are unknown`,
      node,
      "add the DeepSpeed JSON to the workspace, or state them with `# footprint:` directives",
    );
    return null;
  }
  ip.note(
    `${via}: the DeepSpeed config is chosen at launch (--deepspeed_config), so its batch sizes and precision are unknown`,
    node,
    'pass config="ds_config.json" in the script, or add `# footprint: device a100 x8` for the launch',
  );
  return null;
}

/** The run's precision from the config: bf16 wins over fp16 (DeepSpeed refuses both enabled). */
export function dsPrecision(c: DsConfig): Precision | null {
  if (c.bf16 === true) return "bf16-mixed";
  if (c.fp16 === true) return "fp16-mixed";
  return null;
}

/**
 * DeepSpeed's batch identity (docs, "Batch Size Related Parameters"):
 * train_batch_size = train_micro_batch_size_per_gpu × gradient_accumulation_steps × number of GPUs.
 * With all three given the GPU count follows; with micro alone accumulation is 1. Anything needing
 * the GPU count the launcher picks stays null.
 */
export function dsBatch(
  tbs: number | null,
  micro: number | null,
  accum: number | null,
): { micro: number | null; accum: number | null; gpus: number | null } {
  if (tbs !== null && micro !== null && accum !== null) {
    const gpus = tbs / (micro * accum);
    return { micro, accum, gpus: Number.isInteger(gpus) && gpus >= 1 ? gpus : null };
  }
  if (micro !== null) return { micro, accum: accum ?? (tbs === null ? 1 : null), gpus: null };
  return { micro: null, accum, gpus: null };
}

/** A config value as a number when it is one ("auto" and absent give null). */
export const num = (v: DsInt): number | null => (typeof v === "number" ? v : null);

/** One line for the report about ZeRO: its stage and any offload, which the estimate does not price. */
export function zeroLine(c: DsConfig): string | null {
  if (c.zeroStage === null && c.offload.length === 0) return null;
  const stage = c.zeroStage !== null ? `ZeRO stage ${c.zeroStage}` : "ZeRO";
  return c.offload.length > 0
    ? `${stage} with ${c.offload.join(", ")} (${c.source}): the offloaded work runs on the host, whose time the estimate does not price`
    : `${stage} (${c.source}): partitions optimizer state${c.zeroStage && c.zeroStage >= 2 ? ", gradients" : ""}${c.zeroStage === 3 ? " and parameters" : ""} across GPUs; the arithmetic per sample is unchanged`;
}
