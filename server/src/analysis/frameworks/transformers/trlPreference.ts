// trl's DPOTrainer: each training sample is a preference pair, so the policy runs forward and backward
// on two sequences (chosen and rejected, concatenated into one batch: DPOTrainer.concatenated_forward)
// and a reference model runs forward-only on both. The reference is ref_model when given; else trl
// copies the policy (create_reference_model) or, with a peft adapter, runs the policy with the adapter
// disabled: either way one more forward of the policy's size. Sequences are truncated at max_length.
import type { Node } from "web-tree-sitter";
import type { Interp } from "../../evaluate/interp";
import type { DatasetInfo } from "../../evaluate/trace";
import { asInt, type Kw, NONE, truthy, type Value } from "../../evaluate/values";
import type { HfModelInfo } from "./hfModel";
import { defaultTokens } from "./hfZoo";

/** DPOConfig.max_length defaults to 1024 (trl docs, DPOConfig: "Maximum length of the full sequence (prompt + completion)"). */
const DPO_DEFAULT_LENGTH = 1024;

/** The train dataset as DPOTrainer feeds it: each pair's sequences truncated at max_length (an upper bound). */
export function dpoDataset(
  ds: { info: DatasetInfo; sample: Value } | null,
  argsKw: Kw | null,
  hf: HfModelInfo | null,
): { info: DatasetInfo; sample: Value } | null {
  if (!ds) return ds;
  const given = asInt(argsKw?.get("max_length") ?? NONE);
  const length = given ?? (hf ? Math.min(DPO_DEFAULT_LENGTH, defaultTokens(hf.sized.row)) : DPO_DEFAULT_LENGTH);
  const shown = given !== null ? `max_length=${given}` : `trl's default max_length ${length}`;
  const tokensHow = `DPOTrainer truncation at ${shown}, per sequence (an upper bound)`;
  return { ...ds, info: { ...ds.info, tokensPerSample: length, tokensHow } };
}

/**
 * What the run needs about the reference model: its own model (traced by the caller) or the policy
 * again; notes precompute_ref_log_probs, whose reference pass runs once before training.
 */
export function dpoReference(
  ip: Interp,
  trainerKw: Kw,
  argsKw: Kw | null,
  node: Node | null,
): { ref: Value | null; how: string } {
  const ref = trainerKw.get("ref_model");
  if (truthy(argsKw?.get("precompute_ref_log_probs") ?? NONE) === true)
    ip.note(
      "precompute_ref_log_probs=True: the reference model's forward runs once over the dataset before training, priced here as once per epoch (exact for one epoch)",
      node,
    );
  if (ref && ref.k !== "none") return { ref, how: "ref_model" };
  const peft = trainerKw.get("peft_config");
  return {
    ref: null,
    how:
      peft && peft.k !== "none"
        ? "the policy with its LoRA adapter disabled (no ref_model with peft_config)"
        : "a frozen copy of the policy (no ref_model: trl's create_reference_model)",
  };
}
