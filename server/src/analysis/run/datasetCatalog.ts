// Looks up datasets a script loads by name (torchvision, keras.datasets, Hugging Face) and
// returns the split's sample count and native per-sample shape, with the row's source.
//
// API (stable; the interpreter calls it):
//   findDataset(qualifiedName, { train?, split?, config? }) → DatasetMatch | null
//     qualifiedName: "torchvision.datasets.MNIST", "keras.datasets.mnist" (".load_data" optional;
//       "tensorflow.keras." / "tf.keras." prefixes accepted), "hf:glue" / "datasets.load_dataset:glue"
//       or a bare HF path ("nyu-mll/glue", "imdb"); a bare class name ("CIFAR10") tries every family.
//     train: torchvision `train=` (true → "train", false → "test"); null/undefined = library default.
//     split: torchvision `split=` / HF `split=` (slices like "train[:10%]", "train[:1000]",
//       "train+validation" are applied) / keras "train" | "test".
//     config: HF config name ("sst2", "wikitext-2-raw-v1"); for EMNIST the torchvision `split=`
//       value ("balanced") is a config too and is accepted either as `config` or `split`.
//   splitOf(match, splitName) → DatasetMatch: the same dataset re-targeted at another split
//     (for `ds["validation"]` after `load_dataset(...)` without `split=`).
//   DatasetMatch is DatasetInfo without `range` (the caller adds it) plus provenance fields.
import type { DatasetInfo } from "../evaluate/trace";
import { DATASET_ROWS, type DatasetFamily, type DatasetRow } from "./data/datasets";
import { HF_DATASET_ROWS } from "./data/hfDatasets";

export interface DatasetMatch extends Omit<DatasetInfo, "range"> {
  family: DatasetFamily;
  /** The library's split expression actually priced ("train", "train[:10%]", "validation_matched"). */
  splitName: string | null;
  /** True when the script named no split and the library default (or "train") was assumed. */
  splitAssumed: boolean;
  /** Every split of the dataset and its size, for later `ds["test"]` lookups. */
  splits: Record<string, number>;
  modality: DatasetRow["modality"];
  source: string;
  /** Why samples is null or what was assumed ("GLUE needs a config: sst2, mnli, ..."). */
  note: string | null;
  /** The split is picked by the files passed, not an argument (`DatasetRow.splitFromPath`). */
  splitFromPath: boolean;
}

export interface DatasetQuery {
  train?: boolean | null;
  split?: string | null;
  config?: string | null;
}

const ALL_ROWS: DatasetRow[] = [...DATASET_ROWS, ...HF_DATASET_ROWS];

const PREFIXES: Array<[RegExp, DatasetFamily]> = [
  [/^torchvision\.datasets\./, "torchvision"],
  [/^(?:tensorflow\.|tf\.)?keras\.datasets\./, "keras"],
  [/^(?:hf:|datasets\.load_dataset:|load_dataset:)/, "huggingface"],
];

/** Finds a dataset by the name the script uses; null when the catalog does not know it. */
export function findDataset(qualifiedName: string, opts: DatasetQuery = {}): DatasetMatch | null {
  let name = qualifiedName.trim();
  let family: DatasetFamily | null = null;
  for (const [re, fam] of PREFIXES) {
    if (re.test(name)) {
      name = name.replace(re, "");
      family = fam;
      break;
    }
  }
  if (family === "keras") name = name.replace(/\.load_data$/, "");
  const candidates = rowsNamed(name, family);
  if (candidates.length === 0) return null;
  const fam = candidates[0].family;
  const sameFamily = candidates.filter((r) => r.family === fam);

  // A config picks one row of a multi-config dataset (GLUE task, EMNIST split, wikitext size).
  const configured = sameFamily.filter((r) => r.config !== undefined);
  let row: DatasetRow | undefined;
  let splitExpr = opts.split ?? null;
  if (configured.length > 0) {
    const want = (opts.config ?? "").toLowerCase();
    row = configured.find((r) => r.config?.toLowerCase() === want);
    if (!row && !opts.config) row = configured.find((r) => r.defaultConfig);
    if (!row && splitExpr && configured.some((r) => r.config === splitExpr)) {
      // torchvision EMNIST(split="balanced", train=...): `split` is the config there.
      row = configured.find((r) => r.config === splitExpr);
      splitExpr = null;
    }
    if (!row) {
      const base = configured[0];
      const options = configured.map((r) => r.config).join(", ");
      return {
        name: base.names[0],
        samples: null,
        sampleShape: base.sampleShape,
        split: null,
        tokensPerSample: null,
        family: fam,
        splitName: null,
        splitAssumed: true,
        splits: {},
        modality: base.modality,
        source: base.source,
        splitFromPath: false,
        note: `${base.names[0]} has several configs (${options}); the script's config ${opts.config ? `"${opts.config}" is not in the catalog` : "is not known"}`,
      };
    }
  } else {
    row = sameFamily[0];
  }

  let assumed = false;
  if (!splitExpr) {
    if (opts.train === true) splitExpr = "train";
    else if (opts.train === false) splitExpr = "test" in row.splits ? "test" : (otherThanDefault(row) ?? "test");
    else {
      splitExpr = row.defaultSplit ?? ("train" in row.splits ? "train" : Object.keys(row.splits)[0]);
      assumed = true;
    }
  }
  return withSplit(row, splitExpr, assumed);
}

/** The same dataset at another split (e.g. `ds["validation"]`); samples null when the split is not listed. */
export function splitOf(match: DatasetMatch, splitName: string): DatasetMatch {
  const samples = sizeOfSplitExpr(match.splits, splitName);
  return {
    ...match,
    samples,
    split: splitKind(splitName),
    splitName,
    splitAssumed: false,
    note: samples === null ? `split "${splitName}" is not one of ${Object.keys(match.splits).join(", ")}` : null,
  };
}

function withSplit(row: DatasetRow, splitExpr: string, assumed: boolean): DatasetMatch {
  const samples = sizeOfSplitExpr(row.splits, splitExpr);
  let note: string | null = null;
  if (samples === null) note = `split "${splitExpr}" is not one of ${Object.keys(row.splits).join(", ")}`;
  else if (assumed) note = `no split named; assumed "${splitExpr}"`;
  return {
    name: row.id,
    samples,
    sampleShape: row.sampleShape,
    split: splitKind(splitExpr),
    tokensPerSample: null,
    family: row.family,
    splitName: splitExpr,
    splitAssumed: assumed,
    splits: { ...row.splits },
    modality: row.modality,
    source: row.source,
    note,
    splitFromPath: row.splitFromPath === true,
  };
}

function rowsNamed(name: string, family: DatasetFamily | null): DatasetRow[] {
  const pool = family ? ALL_ROWS.filter((r) => r.family === family) : ALL_ROWS;
  const exact = pool.filter((r) => r.names.includes(name));
  if (exact.length > 0) return exact;
  const lower = name.toLowerCase();
  return pool.filter((r) => r.names.some((n) => n.toLowerCase() === lower));
}

function otherThanDefault(row: DatasetRow): string | undefined {
  return Object.keys(row.splits).find((k) => k !== (row.defaultSplit ?? "train"));
}

/** "train" | "val" | "test" for a library split name; null when it is neither (e.g. "unlabeled" stays train-like). */
export function splitKind(splitExpr: string): DatasetInfo["split"] {
  const base = splitExpr.split(/[[+]/)[0].trim().toLowerCase();
  if (/^(val|valid|validation|dev)(_|$)/.test(base)) return "val";
  if (/^(test|evaluation)(_|$)/.test(base)) return "test";
  if (/^(train|trainval|train-standard|train\+unlabeled|unlabeled|extra|background|all)/.test(base)) return "train";
  return null;
}

/**
 * Sample count of an HF-style split expression: "train", "train[:10%]", "train[1000:]",
 * "train[:50%]+validation". Percent bounds round to the nearest row, as `datasets` does by default.
 */
export function sizeOfSplitExpr(splits: Record<string, number>, expr: string): number | null {
  let total = 0;
  for (const part of expr.split("+")) {
    const m = /^\s*([\w.-]+)\s*(?:\[\s*(-?[\d_]+%?)?\s*:\s*(-?[\d_]+%?)?\s*\])?\s*$/.exec(part);
    if (!m) return null;
    const n = splits[m[1]];
    if (n === undefined) return null;
    if (m[2] === undefined && m[3] === undefined && !part.includes("[")) {
      total += n;
      continue;
    }
    const from = bound(m[2], n, 0);
    const to = bound(m[3], n, n);
    total += Math.max(0, Math.min(n, to) - Math.max(0, from));
  }
  return total;
}

function bound(text: string | undefined, n: number, fallback: number): number {
  if (text === undefined) return fallback;
  const t = text.replace(/_/g, "");
  const v = t.endsWith("%") ? Math.round((n * Number(t.slice(0, -1))) / 100) : Number(t);
  return v < 0 ? n + v : v;
}
