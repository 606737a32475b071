// Data pipeline: torchvision datasets (via the dataset catalog; transforms in transforms.ts),
// TensorDataset, user Dataset subclasses (__len__/__getitem__), random_split/Subset, and
// DataLoader, whose iteration yields one symbolic batch [B, *sampleShape] and a trip count.
import type { Node } from "web-tree-sitter";
import { callMethod } from "../../evaluate/calls/call";
import type { Interp } from "../../evaluate/interp";
import { iterate } from "../../evaluate/iteration";
import { nativeObject } from "../../evaluate/nativeHelpers";
import type { DatasetInfo, LoaderInfo } from "../../evaluate/trace";
import {
  asInt,
  asNumber,
  asString,
  dictFrom,
  int,
  list,
  NONE,
  rangeLength,
  type NativeFn,
  type NativeV,
  openKw,
  tensor,
  truthy,
  tuple,
  unknown,
  type Value,
} from "../../evaluate/values";
import { nodeRange } from "../../parse/nodes";
import { findDataset, splitOf } from "../../run/datasetCatalog";
import { lengthOf, samplerInfo } from "./samplers";
import { firstShape, transformedSample } from "./transforms";

/** A dataset value: catalog facts plus one symbolic sample `(x, y)`. */
export function makeDataset(info: DatasetInfo, sample: Value): NativeV {
  const ds = nativeObject("dataset", { info, sample }, {}, (_self, name) =>
    name === "classes" || name === "targets" ? unknown("dataset labels at run time") : undefined,
  );
  ds.len = () => info.samples;
  ds.getitem = () => sample;
  // torchvision's __len__ is len(self.data) (MNIST, CIFAR, SVHN, STL10) or len(self.samples) (ImageFolder):
  // `ds.data = ds.data[:5000]` shrinks the epoch. Before, the catalog's full size stayed (10x here);
  // a new length the analysis cannot read makes the samples unknown instead.
  ds.setattr = (_self, name, v) => {
    if (name === "data" || name === "samples" || name === "imgs") info.samples = knownLength(v);
    return true;
  };
  return ds;
}

function knownLength(v: Value): number | null {
  if (v.k === "list" || v.k === "tuple") return v.items.length;
  if (v.k === "tensor") return v.shape?.length ? v.shape[0] : null;
  if (v.k === "range") return rangeLength(v);
  return null;
}

/** ConcatDataset([a, b]): their samples added up; each sample is the first dataset's. */
export const concatDataset: NativeFn = (ip, [parts], _kw, node) => {
  const items = parts ? iterate(ip, parts, node) : null;
  const infos = (items ?? []).map((d) => datasetOf(ip, d, node));
  const first = infos[0];
  if (!first || infos.some((x) => !x)) return unknown("ConcatDataset of datasets the analysis cannot read", node);
  const all = infos as NonNullable<(typeof infos)[number]>[];
  const samples = all.every((x) => x.info.samples !== null) ? all.reduce((n, x) => n + (x.info.samples ?? 0), 0) : null;
  const same = <K extends "name" | "split">(k: K) =>
    all.every((x) => x.info[k] === first.info[k]) ? first.info[k] : null;
  return makeDataset(
    { ...first.info, samples, name: same("name"), split: same("split"), range: ip.range(node) },
    first.sample,
  );
};

export function torchvisionDataset(name: string): NativeFn {
  return (ip, args, kw, node) => {
    const train = kw.get("train");
    const qualified = `torchvision.datasets.${name}`;
    const config = yearArgument(args, kw);
    const split = splitArgument(qualified, args, kw, config.name);
    let match = findDataset(qualified, { train: train ? truthy(train) : null, split: split.name, config: config.name });
    if (match?.splitFromPath && match.splitAssumed) {
      // COCO-style: no split argument, the folder and annotation file name it ("val2017").
      const picked = splitFromPaths(match.splits, [...args, ...kw.values()]);
      if (picked.split) match = splitOf(match, picked.split);
      else split.unread = picked.unread;
    }
    if (!match) ip.note(`dataset ${qualified} is not in the dataset catalog`, node, "add `# footprint: samples N`");
    else if (match.samples === null && match.note)
      ip.note(`${qualified}: ${match.note}`, node, "add `# footprint: samples N`");
    else if (config.unread) {
      // A year the analysis cannot read: the default year's size would be a silent guess.
      match.samples = null;
      ip.note(`${qualified}: the year (${config.unread}) cannot be read`, node, "add `# footprint: samples N`");
    } else if (split.unread && match.splitAssumed) {
      // The split argument is there but not readable: the default split's size would be a silent guess.
      match.samples = null;
      ip.note(`${qualified}: the split (${split.unread}) cannot be read`, node, "add `# footprint: samples N`");
    }
    const raw = match?.sampleShape ?? null;
    // Positional transform: (root, train, transform) for MNIST/CIFAR; a string there is a split (VOC's image_set).
    const posTransform = args[2] && args[2].k !== "str" && args[2].k !== "bool" ? args[2] : undefined;
    const x = transformedSample(ip, kw.get("transform") ?? posTransform, raw, node);
    const shape = firstShape(x);
    const info: DatasetInfo = {
      name: match?.name ?? null,
      samples: match?.samples ?? null,
      sampleShape: shape,
      split: match?.split ?? null,
      tokensPerSample: null,
      range: ip.range(node),
    };
    tagOrigin(x, `dataset ${match?.name ?? name}`);
    return makeDataset(info, tuple([x, tensor([], "int64")]));
  };
}

// Keywords that name a torchvision split: most datasets take `split=` (SVHN, STL10, CelebA, Food101),
// the VOC ones `image_set=` ("train" | "val" | "trainval"). Before, `image_set="val"` was ignored and
// the validation set silently priced at the train split's size.
const SPLIT_KEYWORDS = ["split", "image_set"];

/**
 * The split a torchvision dataset call names: a split keyword, else a positional string that is one
 * of the dataset's splits (`STL10(root, "test")`, `VOCSegmentation(root, "2012", "val")`; VOC's year
 * is not a split). `unread` names an argument that is there but not a readable string.
 */
function splitArgument(
  qualified: string,
  args: Value[],
  kw: Map<string, Value>,
  config: string | null,
): { name: string | null; unread: string | null } {
  for (const key of SPLIT_KEYWORDS) {
    const v = kw.get(key);
    if (v === undefined) continue;
    const s = asString(v);
    return s !== null ? { name: s, unread: null } : { name: null, unread: `${key}=` };
  }
  for (const v of args.slice(1)) {
    const s = asString(v);
    if (s === null) continue;
    const m = findDataset(qualified, { split: s, config });
    if (m && m.samples !== null && !m.splitAssumed) return { name: s, unread: null };
  }
  return { name: null, unread: null };
}

/**
 * VOC's `year=` (or a positional "2007"): the catalog row it picks. Before, every year was priced
 * as 2012 (VOC2007 trainval detection is 5,011 images, 2012's 11,540).
 */
function yearArgument(args: Value[], kw: Map<string, Value>): { name: string | null; unread: string | null } {
  const v = kw.get("year");
  if (v !== undefined) {
    const s = asString(v);
    return s !== null ? { name: s, unread: null } : { name: null, unread: "year=" };
  }
  for (const a of args.slice(1)) {
    const s = asString(a);
    if (s !== null && /^(19|20)\d\d$/.test(s)) return { name: s, unread: null };
  }
  return { name: null, unread: null };
}

/**
 * The one split whose name is a word of the path strings a dataset is handed ("val" in
 * "coco/val2017" and "instances_val2017.json"); `unread` says why none was picked (a path the
 * analysis cannot read, or several splits named), so the size is unknown rather than the train split's.
 */
function splitFromPaths(
  splits: Record<string, number>,
  values: Value[],
): { split: string | null; unread: string | null } {
  const found = new Set<string>();
  let unreadPath = false;
  for (const v of values) {
    const s = asString(v);
    if (s === null) {
      if (v.k === "unknown") unreadPath = true;
      continue;
    }
    const words = s.toLowerCase().split(/[^a-z]+/);
    for (const name of Object.keys(splits)) if (words.includes(name.toLowerCase())) found.add(name);
  }
  if (found.size === 1) return { split: [...found][0], unread: null };
  if (found.size > 1) return { split: null, unread: `paths naming several splits (${[...found].join(", ")})` };
  return { split: null, unread: unreadPath ? "a path argument" : "no split in the paths" };
}

/** Marks where a sample's tensors (each view of a tuple) came from, for the model's input source. */
function tagOrigin(v: Value, origin: string): void {
  if (v.k === "tensor") v.origin = origin;
  else if (v.k === "tuple" || v.k === "list") for (const x of v.items) tagOrigin(x, origin);
}

export const imageFolder: NativeFn = (ip, args, kw, node) => {
  const x = transformedSample(ip, kw.get("transform") ?? args[1], null, node);
  const shape = firstShape(x);
  tagOrigin(x, "dataset ImageFolder");
  return makeDataset(
    { name: null, samples: null, sampleShape: shape, split: null, tokensPerSample: null, range: ip.range(node) },
    tuple([x, tensor([], "int64")]),
  );
};

export const tensorDataset: NativeFn = (ip, tensors, _kw, node) => {
  const first = tensors[0];
  const n = first?.k === "tensor" && first.shape?.length ? first.shape[0] : null;
  const sample = tuple(tensors.map((t) => (t.k === "tensor" ? tensor(t.shape ? t.shape.slice(1) : null, t.dtype) : t)));
  const shape = first?.k === "tensor" && first.shape ? first.shape.slice(1) : null;
  return makeDataset(
    { name: null, samples: n, sampleShape: shape, split: null, tokensPerSample: null, range: ip.range(node) },
    sample,
  );
};

/** Dataset facts of any dataset-like value (catalog, TensorDataset, user subclass); null if none. */
export function datasetOf(
  ip: Interp,
  ds: Value | undefined,
  node: Node | null,
): { info: DatasetInfo; sample: Value } | null {
  if (!ds) return null;
  if (ds.k === "list" || ds.k === "tuple") {
    const info: DatasetInfo = {
      name: null,
      samples: ds.items.length,
      sampleShape: null,
      split: null,
      tokensPerSample: null,
      range: ip.range(node),
    };
    return { info, sample: ds.items[0] ?? unknown("empty dataset", node) };
  }
  if (ds.k === "native" && ds.type === "dataset")
    return { info: ds.data.info as DatasetInfo, sample: ds.data.sample as Value };
  if (ds.k === "instance" && !ds.mod) {
    const n = asInt(callMethod(ip, ds, "__len__", [], node));
    const sample = callMethod(ip, ds, "__getitem__", [int(0)], node);
    const x = sample.k === "tuple" ? sample.items[0] : sample;
    const shape = x?.k === "tensor" ? x.shape : null;
    return {
      info: { name: null, samples: n, sampleShape: shape, split: null, tokensPerSample: null, range: ip.range(node) },
      sample,
    };
  }
  return null;
}

function subset(ip: Interp, ds: Value | undefined, samples: number | null, node: Node | null): Value {
  const base = datasetOf(ip, ds, node);
  if (!base) return unknown("subset of an unknown dataset", node);
  return makeDataset({ ...base.info, samples }, base.sample);
}

export const randomSplit: NativeFn = (ip, [ds, lengths], _kw, node) => {
  const base = datasetOf(ip, ds, node);
  const ls = lengths ? (iterate(ip, lengths, node) ?? []).map(asNumber) : [];
  const total = base?.info.samples ?? null;
  const fractions =
    ls.length > 0 &&
    ls.every((x) => x !== null && x <= 1) &&
    Math.abs(ls.reduce<number>((a, b) => a + (b ?? 0), 0) - 1) < 1e-6;
  return list(
    ls.map((l, i) => {
      let n: number | null = l;
      if (fractions && total !== null) {
        // torch floors each fraction and hands the remainder out round-robin from the first split.
        const floors = ls.map((f) => Math.floor(total * (f ?? 0)));
        const rem = total - floors.reduce((a, b) => a + b, 0);
        n = floors[i] + (i < rem ? 1 : 0);
      } else if (fractions) n = null;
      return subset(ip, ds, n, node);
    }),
  );
};

export const subsetOf: NativeFn = (ip, [ds, indices], _kw, node) =>
  // Its length, not its items: Subset(ds, range(45000)) is longer than a loop may list.
  subset(ip, ds, lengthOf(ip, indices, node), node);

function collate(v: Value, b: number): Value {
  if (v.k === "tensor")
    return { ...tensor(v.shape ? [b, ...v.shape] : null, v.dtype), ...(v.origin ? { origin: v.origin } : {}) };
  if (v.k === "num") return tensor([b], v.int ? "int64" : "float32");
  if (v.k === "tuple" || v.k === "list") return { k: v.k, items: v.items.map((x) => collate(x, b)) };
  if (v.k === "dict") return dictFrom(Array.from(v.map.values(), ([k, x]) => [k, collate(x, b)]));
  return v;
}

/** Samples one rank draws (DistributedSampler: ceil(N / W), floor with its drop_last); the set when W is unknown. */
function perRank(n: number | null, shard: LoaderInfo["shard"]): number | null {
  const w = shard?.replicas;
  if (n === null || !w) return n;
  return shard.samplerDropLast && n % w !== 0 ? Math.floor(n / w) : Math.ceil(n / w);
}

export const dataLoader: NativeFn = (ip, args, kw, node) => {
  const get = (name: string, i: number) => kw.get(name) ?? args[i];
  const ds = datasetOf(ip, get("dataset", 0), node);
  const bsVal = get("batch_size", 1);
  // `DataLoader(ds, **cfg["loader"])` with cfg read at run time: what is left out may be set there.
  const open = openKw(kw) !== undefined;
  let batchSize = bsVal === undefined ? (open ? null : 1) : asInt(bsVal);
  let dropLast = truthy(kw.get("drop_last") ?? NONE) === true;
  const nw = kw.get("num_workers");
  const pm = kw.get("pin_memory");
  const here = ip.range(node);
  const info: LoaderInfo = {
    ...(here === null && ip.currentFile !== ip.ctx.path ? { builtIn: ip.currentFile } : {}),
    dataset: ds?.info ?? null,
    batchSize,
    dropLast,
    numWorkers: nw === undefined ? 0 : asInt(nw),
    pinMemory: pm === undefined ? false : truthy(pm),
    range:
      here ??
      ip.foreignCallSite ??
      (node ? nodeRange(node) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }),
  };
  // A sampler draws its own count per epoch (WeightedRandomSampler(num_samples=)); a batch sampler
  // also sets the batch, and batch_size must then be left at its default.
  const bsm = samplerInfo(ip, get("batch_sampler", 4), node, true);
  const smp = bsm ?? samplerInfo(ip, get("sampler", 3), node);
  if (bsm) {
    info.batchSize = bsm.batchSize ?? null;
    batchSize = info.batchSize;
    dropLast = bsm.dropLast === true;
    info.dropLast = dropLast;
  }
  if (smp?.assumeDataset)
    ip.note(
      `DataLoader sampler is not modelled: priced as one pass over the dataset per epoch`,
      node,
      "add `# footprint: samples N` (samples per epoch) if it draws another count",
    );
  else if (smp && ds) {
    info.dataset = { ...ds.info, samples: smp.samples };
    info.samplesHow = `${smp.how} over ${ds.info.name ?? "the dataset"}`;
    if (smp.samples === null)
      ip.note(`DataLoader samples per epoch are unknown: ${smp.how}`, node, "add `# footprint: samples N`");
  }
  if (smp?.shard && !bsm) info.shard = { replicas: smp.shard.replicas, samplerDropLast: smp.shard.dropLast };
  // len(loader) is one rank's batches: with num_replicas written, that rank's share of the set.
  const samples = perRank(info.dataset?.samples ?? null, info.shard);
  const tripCount =
    samples !== null && batchSize
      ? dropLast
        ? Math.floor(samples / batchSize)
        : Math.ceil(samples / batchSize)
      : null;
  ip.event({ kind: "loader", loader: info }, node);
  const batch = ds ? collate(ds.sample, batchSize ?? 1) : unknown("batch of an unknown dataset", node);
  const loader = nativeObject("DataLoader", { info }, {}, (_self, name) =>
    name === "dataset"
      ? (get("dataset", 0) ?? NONE)
      : name === "batch_size"
        ? batchSize !== null
          ? int(batchSize)
          : NONE
        : undefined,
  );
  loader.loop = { sample: batch, tripCount, over: "loader", loader: info };
  loader.len = () => tripCount;
  return loader;
};
