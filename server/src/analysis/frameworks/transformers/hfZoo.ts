// The Hugging Face catalog (frameworks/zoo/data/huggingface.json): finds a checkpoint by its name
// or an org-prefixed alias and sizes it with the head a script asks for (hfArch.ts).
import catalog from "../zoo/data/huggingface.json";
import { embeddingParams, forwardMacs, type HfBreakdown, type HfConfig, hfBreakdown, totalParams } from "./hfArch";

export interface HfPublished {
  params: number;
  tolerance: number;
  task: string;
  class: string;
  source: string;
  /** "truncated": the figure cuts digits off (0.494B → 0.49B), so the count lies in [params, params + tolerance). */
  rounding?: string;
  nonEmbedding?: number;
  note?: string;
}

export interface HfRow {
  id: string;
  aliases: string[];
  family: string;
  config: HfConfig;
  configSource: string;
  published: HfPublished;
  modelMaxLength?: number;
  note?: string;
}

const ROWS: HfRow[] = (
  catalog.models as unknown as Array<Omit<HfRow, "config"> & { config: Omit<HfConfig, "family"> }>
).map((r) => ({ ...r, config: { ...r.config, family: r.family } as HfConfig }));

const BY_NAME = new Map<string, HfRow>();
for (const r of ROWS) {
  for (const n of [r.id, ...r.aliases]) {
    BY_NAME.set(n.toLowerCase(), r);
    // "google-bert/bert-base-uncased" is also written "bert-base-uncased", and the reverse.
    const bare = n.split("/").pop()!.toLowerCase();
    if (!BY_NAME.has(bare)) BY_NAME.set(bare, r);
  }
}

export function hfRows(): readonly HfRow[] {
  return ROWS;
}

/** The catalog row of a checkpoint name as a script writes it; undefined when not catalogued. */
export function findCheckpoint(name: string): HfRow | undefined {
  const key = name.trim().replace(/\/+$/, "").toLowerCase();
  return BY_NAME.get(key) ?? BY_NAME.get(key.split("/").pop()!);
}

/** Everything the analyzer needs about a checkpoint with a head: params, per-sample MACs at a length. */
export interface HfSized {
  row: HfRow;
  breakdown: HfBreakdown;
  params: number;
  nonEmbeddingParams: number;
  /** Forward MACs per sample at a sequence length (and, for encoder–decoders, a decoder length). */
  macsAt: (tokens: number, decoderTokens?: number) => number;
}

export function sizeCheckpoint(row: HfRow, task: string, numLabels: number | null): HfSized | null {
  const b = hfBreakdown(row.config, task, numLabels);
  if (!b) return null;
  const params = totalParams(b);
  return {
    row,
    breakdown: b,
    params,
    nonEmbeddingParams: params - embeddingParams(b),
    macsAt: (t, d) => forwardMacs(b, t, d ?? t),
  };
}

/** Tokens a sample has when the script does not say: the tokenizer's model_max_length, else max positions. */
export function defaultTokens(row: HfRow): number {
  if (row.family === "vit") return (row.config.imageSize! / row.config.patchSize!) ** 2 + 1;
  return row.modelMaxLength ?? row.config.maxPositions;
}
