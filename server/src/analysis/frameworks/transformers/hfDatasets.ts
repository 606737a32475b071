// The Hugging Face `datasets` package: load_dataset → Dataset / DatasetDict values sized from the
// dataset catalog, and the methods that keep or change the row count (map, filter, select,
// shuffle, train_test_split, shard...). A Dataset is also a torch dataset (type "dataset"), so
// DataLoader and the Trainer read the same DatasetInfo.
import type { Node } from "web-tree-sitter";
import type { Interp } from "../../evaluate/interp";
import { iterate } from "../../evaluate/iteration";
import { fn, nativeModule, nativeObject } from "../../evaluate/nativeHelpers";
import type { DatasetInfo } from "../../evaluate/trace";
import type { Unknown } from "../../types";
import {
  asNumber,
  asString,
  dictFrom,
  int,
  list,
  NONE,
  type NativeV,
  rangeLength,
  str,
  truthy,
  unknown,
  type Value,
} from "../../evaluate/values";
import { type DatasetMatch, findDataset, splitOf } from "../../run/datasetCatalog";
import { datasetOf } from "../torch/data";
import { mapRows } from "./datasetMap";

/** A split: the DatasetInfo torch code reads, one row (dict of known columns), and the catalog match. */
export interface HfSplit {
  info: DatasetInfo;
  row: Value;
  match: DatasetMatch | null;
  /** The "tokens per sample are unknown" note of the map() that tokenized these rows; regrouping into blocks resolves it. */
  tokensNote?: Unknown;
}

const resized = (s: HfSplit, samples: number | null): HfSplit => ({ ...s, info: { ...s.info, samples } });

/** A Dataset value; `data.info` / `data.sample` make it a torch dataset for DataLoader and datasetOf. */
export function hfDataset(s: HfSplit): NativeV {
  const ds = nativeObject(
    "dataset",
    { info: s.info, sample: s.row, hf: s },
    {
      map: (ip, _me, args, kw, node) => hfDataset(mapRows(ip, s, args, kw, node)),
      filter(ip, _me, _a, _kw, node) {
        ip.note("Dataset.filter keeps an unknown number of rows", node, "add `# footprint: samples N`");
        return hfDataset(resized(s, null));
      },
      select: (ip, _me, [idx], _kw, node) => hfDataset(resized(s, countOf(ip, idx, node))),
      shuffle: (_ip, me) => me,
      sort: (_ip, me) => me,
      flatten: (_ip, me) => me,
      with_format: (_ip, me) => me,
      set_format: () => NONE,
      set_transform: () => NONE,
      with_transform: (_ip, me) => me,
      remove_columns: (_ip, me) => me,
      rename_column: (_ip, me) => me,
      rename_columns: (_ip, me) => me,
      select_columns: (_ip, me) => me,
      cast_column: (_ip, me) => me,
      class_encode_column: (_ip, me) => me,
      add_column: (_ip, me) => me,
      to_iterable_dataset: (_ip, me) => me,
      take: (_ip, _me, [n]) => hfDataset(resized(s, minKnown(s.info.samples, asNumber(n)))),
      skip: (_ip, _me, [n]) => {
        const k = asNumber(n);
        return hfDataset(resized(s, s.info.samples !== null && k !== null ? Math.max(0, s.info.samples - k) : null));
      },
      shard(_ip, _me, args, kw) {
        const n = asNumber(kw.get("num_shards") ?? args[0]);
        const i = asNumber(kw.get("index") ?? args[1]);
        return hfDataset(resized(s, s.info.samples !== null && n ? shardRows(s.info.samples, n, i) : null));
      },
      train_test_split: (_ip, _me, _a, kw) => trainTestSplit(s, kw),
    },
    (_me, name) => {
      if (name === "num_rows") return s.info.samples !== null ? int(s.info.samples) : unknown("rows of the dataset");
      if (name === "column_names" || name === "features") return unknown(`${name} of the dataset`);
      return undefined;
    },
  );
  ds.len = () => s.info.samples;
  ds.getitem = (_ip, _me, key, node) =>
    key.k === "str" ? unknown(`column ${key.v} of the dataset`, node) : key.k === "num" ? s.row : unknown("rows", node);
  return ds;
}

const minKnown = (a: number | null, b: number | null) => (a !== null && b !== null ? Math.min(a, b) : b);

/** Number of indices in `select(range(n))` / a list / an array, without listing a large range. */
function countOf(ip: Interp, idx: Value | undefined, node: Node | null): number | null {
  if (!idx) return null;
  if (idx.k === "range") return rangeLength(idx);
  if (idx.k === "tensor") return idx.shape?.[0] ?? null;
  const items = iterate(ip, idx, node);
  return items ? items.length : null;
}

/** `train_test_split(test_size=…)`: n_test = ceil(test_size·n) for a fraction, n_train = n − n_test (datasets docs). */
function trainTestSplit(s: HfSplit, kw: Map<string, Value>): Value {
  const n = s.info.samples;
  const test = asNumber(kw.get("test_size"));
  const train = asNumber(kw.get("train_size"));
  const count = (x: number | null) => (n === null || x === null ? null : x < 1 ? x * n : x);
  let nTest = test !== null ? count(test) : null;
  let nTrain = train !== null ? count(train) : null;
  if (nTest !== null) nTest = Math.ceil(nTest);
  if (nTrain !== null) nTrain = Math.floor(nTrain);
  if (test === null && train === null && n !== null) nTest = Math.ceil(0.25 * n);
  if (nTrain === null && nTest !== null && n !== null) nTrain = n - nTest;
  if (nTest === null && nTrain !== null && n !== null) nTest = n - nTrain;
  return hfDatasetDict(
    (split) => {
      if (split === "train") return { ...resized(s, nTrain), info: { ...s.info, samples: nTrain, split: "train" } };
      if (split === "test") return { ...resized(s, nTest), info: { ...s.info, samples: nTest, split: "test" } };
      return null;
    },
    ["train", "test"],
  );
}

/** A DatasetDict: `dd["train"]` gives a split; map/filter/... apply to every split. */
export function hfDatasetDict(splitFn: (name: string) => HfSplit | null, names: string[]): NativeV {
  const each =
    (op: (ds: NativeV, ip: Interp, args: Value[], kw: Map<string, Value>, node: Node | null) => Value) =>
    (ip: Interp, _me: NativeV, args: Value[], kw: Map<string, Value>, node: Node | null): Value => {
      // Functions passed to map run once (on the first split), then the row change applies to all.
      const results = new Map<string, HfSplit>();
      const mapped = (name: string): HfSplit | null => {
        const base = splitFn(name);
        if (!base) return null;
        const hit = results.get(name);
        if (hit) return hit;
        const out = op(hfDataset(base), ip, args, kw, node);
        const r = out.k === "native" ? ((out.data.hf as HfSplit | undefined) ?? null) : null;
        if (r) results.set(name, r);
        return r;
      };
      if (names.length > 0) mapped(names[0]);
      return hfDatasetDict(mapped, names);
    };
  const method = (name: string) =>
    each((ds, ip, args, kw, node) => {
      const m = ds.getattr(ip, ds, name, node);
      return m && m.k === "builtin" ? m.fn(ip, args, kw, node) : ds;
    });
  const methods: Record<string, ReturnType<typeof each>> = {};
  for (const m of [
    "map",
    "filter",
    "shuffle",
    "select",
    "remove_columns",
    "rename_column",
    "rename_columns",
    "with_format",
    "cast_column",
    "select_columns",
    "class_encode_column",
    "flatten",
    "sort",
    "with_transform",
  ])
    methods[m] = method(m);
  methods.set_format = () => NONE;
  methods.set_transform = () => NONE;
  methods.keys = () => list(names.map(str));
  methods.values = (_ip) => list(names.map((n) => splitValue(splitFn, n, null)));
  methods.items = (_ip) => list(names.map((n) => ({ k: "tuple", items: [str(n), splitValue(splitFn, n, null)] })));
  const dd = nativeObject("DatasetDict", { names }, methods, (_me, name) =>
    name === "column_names" || name === "num_rows" ? unknown(`${name} per split`) : undefined,
  );
  dd.getitem = (_ip, _me, key, node) => {
    const k = asString(key);
    return k === null ? unknown("split name is unknown", node) : splitValue(splitFn, k, node);
  };
  dd.iter = () => names.map(str);
  return dd;
}

function splitValue(splitFn: (name: string) => HfSplit | null, name: string, node: Node | null): Value {
  const s = splitFn(name);
  return s ? hfDataset(s) : unknown(`split "${name}" is not in the dataset`, node);
}

/** Split of a catalog match as an HfSplit (samples null when the split is not listed). */
function fromMatch(ip: Interp, m: DatasetMatch, node: Node | null): HfSplit {
  const info: DatasetInfo = {
    name: m.name,
    samples: m.samples,
    sampleShape: m.sampleShape,
    split: m.split,
    tokensPerSample: m.tokensPerSample,
    range: ip.range(node),
  };
  return { info, row: dictFrom([]), match: m };
}

function unknownSplit(ip: Interp, name: string | null, split: string | null, node: Node | null): HfSplit {
  const info: DatasetInfo = {
    name,
    samples: null,
    sampleShape: null,
    split: null,
    tokensPerSample: null,
    range: ip.range(node),
  };
  if (split === "train" || split === "test") info.split = split;
  return { info, row: dictFrom([]), match: null };
}

/** `load_dataset(path, name=None, split=None, ...)`. */
function loadDataset(ip: Interp, args: Value[], kw: Map<string, Value>, node: Node | null): Value {
  const path = asString(kw.get("path") ?? args[0]);
  const config = asString(kw.get("name") ?? args[1]);
  const splitArg = kw.get("split");
  const streaming = truthy(kw.get("streaming") ?? NONE) === true;
  const base = path ? findDataset(`hf:${path}`, { config }) : null;
  const label = `${path ?? "?"}${config ? `/${config}` : ""}`;
  if (!base)
    ip.note(
      `dataset ${label} is not in the dataset catalog (local files or a private dataset)`,
      node,
      "add `# footprint: samples N`",
    );
  else if (base.samples === null && base.note)
    ip.note(`dataset ${label}: ${base.note}`, node, "add `# footprint: samples N`");
  if (streaming) ip.note(`dataset ${label} is streamed: its length is taken from the catalog when known`, node);
  const split = (name: string): HfSplit =>
    base ? fromMatch(ip, splitOf(base, name), node) : unknownSplit(ip, path, name, node);
  const one = (v: Value): Value => {
    const s = asString(v);
    return s !== null ? hfDataset(split(s)) : unknown("split is unknown", node);
  };
  if (splitArg && splitArg.k !== "none") {
    if (splitArg.k === "list" || splitArg.k === "tuple") return list(splitArg.items.map(one));
    return one(splitArg);
  }
  const names = base && Object.keys(base.splits).length > 0 ? Object.keys(base.splits) : ["train"];
  return hfDatasetDict((n) => (!base || n in base.splits ? split(n) : null), names);
}

/** `Dataset.from_dict({...})` / `from_list([...])` / `from_pandas(df)`: sized when the columns are known lists. */
function fromColumns(ip: Interp, [data]: Value[], node: Node | null): Value {
  let n: number | null = null;
  if (data?.k === "dict") {
    const first = [...data.map.values()][0]?.[1];
    n = first && (first.k === "list" || first.k === "tuple") ? first.items.length : null;
  } else if (data?.k === "list") n = data.items.length;
  return hfDataset({
    ...unknownSplit(ip, null, null, node),
    info: { ...unknownSplit(ip, null, null, node).info, samples: n },
  });
}

/** `concatenate_datasets([a, b])`: row counts add. */
function concatenate(ip: Interp, [dss]: Value[], node: Node | null): Value {
  const items = dss ? (iterate(ip, dss, node) ?? []) : [];
  const parts = items.map((d) => datasetOf(ip, d, node));
  const first = parts[0];
  if (!first) return unknown("concatenation of unknown datasets", node);
  const total = parts.every((p) => p?.info.samples != null)
    ? parts.reduce((a, p) => a + (p?.info.samples ?? 0), 0)
    : null;
  const hf = items[0]?.k === "native" ? (items[0].data.hf as HfSplit | undefined) : undefined;
  return hfDataset({ info: { ...first.info, samples: total }, row: hf?.row ?? first.sample, match: hf?.match ?? null });
}

export function datasetsRoot(): Value {
  const datasetClass = nativeObject(
    "datasets.Dataset",
    {},
    {
      from_dict: (ip, _me, args, _kw, node) => fromColumns(ip, args, node),
      from_list: (ip, _me, args, _kw, node) => fromColumns(ip, args, node),
      from_pandas: (ip, _me, _a, _kw, node) => fromColumns(ip, [], node),
      from_generator: (ip, _me, _a, _kw, node) => fromColumns(ip, [], node),
    },
  );
  return nativeModule("datasets", {
    load_dataset: fn("datasets.load_dataset", (ip, args, kw, node) => loadDataset(ip, args, kw, node)),
    load_from_disk: fn("datasets.load_from_disk", (ip, _a, _kw, node) => {
      ip.note("load_from_disk: the saved dataset's size is not known", node, "add `# footprint: samples N`");
      return hfDatasetDict((n) => unknownSplit(ip, null, n, node), ["train"]);
    }),
    concatenate_datasets: fn("datasets.concatenate_datasets", (ip, args, _kw, node) => concatenate(ip, args, node)),
    Dataset: datasetClass,
    DatasetDict: fn("datasets.DatasetDict", (_ip, [d], kw) => {
      // DatasetDict({"train": a, "test": b}) or DatasetDict(train=a, test=b).
      const splits = new Map(kw);
      if (d?.k === "dict") for (const [k, v] of d.map.values()) if (k.k === "str") splits.set(k.v, v);
      const hfOf = (v: Value | undefined) => (v?.k === "native" ? ((v.data.hf as HfSplit | undefined) ?? null) : null);
      return hfDatasetDict((n) => hfOf(splits.get(n)), [...splits.keys()]);
    }),
  });
}

/**
 * Rows in shard `index` of `n`: Dataset.shard gives the first len % n shards one row more (contiguous:
 * div = len // n, the shard holds div + 1 when index < len % n; the strided layout, range(index, len,
 * n), has the same sizes). An unknown index takes the larger size, an upper bound.
 */
export function shardRows(rows: number, n: number, index: number | null): number {
  const div = Math.floor(rows / n);
  if (index === null || index < 0) return Math.ceil(rows / n);
  return div + (index < rows % n ? 1 : 0);
}
