// trl's SFTTrainer tokenizes (and optionally packs) the train dataset itself: the samples and tokens
// per sample it trains on come from SFTConfig's max_length / max_seq_length and packing, not the rows.
import type { Node } from "web-tree-sitter";
import type { Interp } from "../../evaluate/interp";
import { thousands } from "../../format";
import type { DatasetInfo } from "../../evaluate/trace";
import { asInt, type Kw, NONE, truthy, type Value } from "../../evaluate/values";
import type { HfModelInfo } from "./hfModel";
import { defaultTokens } from "./hfZoo";

/**
 * trl's default sequence length: SFTConfig.max_length defaults to 1024 (trl ≥ 0.16 docs, "Sequences
 * longer than max_length are truncated"); before, max_seq_length=None meant min(tokenizer
 * model_max_length, 1024). Both give 1024 capped at the checkpoint's own maximum.
 */
const TRL_DEFAULT_LENGTH = 1024;

/**
 * The train dataset as SFTTrainer feeds it. Without packing, each row is truncated at the length
 * (an upper bound on its tokens). With packing=True, rows are concatenated and cut into blocks of
 * exactly that length (trl docs, "Packing"), so the sample count is the corpus's token total / the
 * length: unknown from the script, and said so rather than taking the row count.
 */
export function sftDataset(
  ip: Interp,
  ds: { info: DatasetInfo; sample: Value } | null,
  argsKw: Kw | null,
  trainerKw: Kw,
  hf: HfModelInfo | null,
  node: Node | null,
): { info: DatasetInfo; sample: Value } | null {
  if (!ds) return ds;
  const read = (name: string) => argsKw?.get(name) ?? trainerKw.get(name);
  const given = asInt(read("max_length") ?? read("max_seq_length") ?? NONE);
  const cap = hf ? Math.min(TRL_DEFAULT_LENGTH, defaultTokens(hf.sized.row)) : TRL_DEFAULT_LENGTH;
  const length = given ?? cap;
  const shown = given !== null ? `max_length=${given}` : `trl's default length ${length}`;
  if (truthy(read("packing") ?? NONE) === true) {
    ip.note(
      `SFTTrainer packing=True: rows are packed into blocks of ${length} tokens, so the samples are the corpus's tokens / ${length}, not its ${ds.info.samples !== null ? thousands(ds.info.samples) : "unknown number of"} rows`,
      node,
      "add `# footprint: samples N` (the number of packed blocks)",
    );
    const tokensHow = `SFTTrainer packing=True, ${shown}: every sample is a full block`;
    return { ...ds, info: { ...ds.info, samples: null, tokensPerSample: length, tokensHow } };
  }
  // A dataset the script tokenized already keeps its own length (SFTTrainer skips tokenizing it).
  if (ds.info.tokensPerSample !== null) return ds;
  const tokensHow = `SFTTrainer truncation at ${shown} (an upper bound)`;
  return { ...ds, info: { ...ds.info, tokensPerSample: length, tokensHow } };
}
