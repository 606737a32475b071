// torch.utils.data samplers: they, not the dataset, decide how many samples a DataLoader draws per
// epoch (WeightedRandomSampler(w, num_samples=20000) over CIFAR-10 is 20,000 a pass, not 50,000).
import type { Node } from "web-tree-sitter";
import { callMethod } from "../../evaluate/calls/call";
import type { Interp } from "../../evaluate/interp";
import { nativeObject } from "../../evaluate/nativeHelpers";
import { asInt, type Kw, type NativeFn, NONE, rangeLength, truthy, type Value } from "../../evaluate/values";
import { thousands } from "../../format";
import { datasetOf } from "./data";

/** What a sampler hands the loader: samples per epoch (null: unknown) and, for a BatchSampler, the batch. */
export interface SamplerInfo {
  samples: number | null;
  /** How the count was read, for the run's evidence ("WeightedRandomSampler(num_samples=20000)"). */
  how: string;
  batchSize?: number | null;
  dropLast?: boolean;
  /** Unknown sampler: price one pass over the dataset per epoch and say so. */
  assumeDataset?: boolean;
  /** DistributedSampler: `samples` is the whole set, split over the ranks when the run is priced. */
  shard?: { replicas: number | null; dropLast: boolean };
}

/** len() of an index list, range, tensor or dataset without listing it (Subset(ds, range(45000))). */
export function lengthOf(ip: Interp, v: Value | undefined, node: Node | null): number | null {
  if (!v) return null;
  if (v.k === "list" || v.k === "tuple" || v.k === "set") return v.items.length;
  if (v.k === "range") return rangeLength(v);
  if (v.k === "tensor") return v.shape?.length ? v.shape[0] : null;
  if (v.k === "native" && v.type !== "dataset") return v.len?.() ?? null;
  return datasetOf(ip, v, node)?.info.samples ?? null;
}

function sampler(info: SamplerInfo): Value {
  const s = nativeObject("sampler", { info }, {});
  s.len = () => (info.batchSize ? batches(info) : info.samples);
  return s;
}

function batches(info: SamplerInfo): number | null {
  if (info.samples === null || !info.batchSize) return null;
  return info.dropLast ? Math.floor(info.samples / info.batchSize) : Math.ceil(info.samples / info.batchSize);
}

const arg = (args: Value[], kw: Kw, i: number, name: string) => kw.get(name) ?? args[i];
const count = (n: number | null) => (n === null ? "unknown" : thousands(n));

export const SAMPLERS: Record<string, NativeFn> = {
  // RandomSampler(data_source, replacement=False, num_samples=None): num_samples, else len(data_source).
  RandomSampler: (ip, args, kw, node) => {
    const ns = arg(args, kw, 2, "num_samples");
    if (ns !== undefined && ns.k !== "none") {
      const n = asInt(ns);
      return sampler({ samples: n, how: `RandomSampler(num_samples=${count(n)})` });
    }
    return sampler({ samples: lengthOf(ip, arg(args, kw, 0, "data_source"), node), how: "RandomSampler" });
  },
  SequentialSampler: (ip, args, kw, node) =>
    sampler({ samples: lengthOf(ip, arg(args, kw, 0, "data_source"), node), how: "SequentialSampler" }),
  SubsetRandomSampler: (ip, args, kw, node) => {
    const n = lengthOf(ip, arg(args, kw, 0, "indices"), node);
    return sampler({ samples: n, how: `SubsetRandomSampler over ${count(n)} indices` });
  },
  // WeightedRandomSampler(weights, num_samples, replacement=True): num_samples draws, whatever the data.
  WeightedRandomSampler: (_ip, args, kw) => {
    const n = asInt(arg(args, kw, 1, "num_samples"));
    return sampler({ samples: n, how: `WeightedRandomSampler(num_samples=${count(n)})` });
  },
  // DistributedSampler(dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False)
  // splits the dataset across replicas: together they see it all (padded to a multiple of the world
  // size) each epoch; the split per rank is applied when the device count is known (epochPlan.ts).
  DistributedSampler: (ip, args, kw, node) => {
    const replicas = asInt(arg(args, kw, 1, "num_replicas") ?? NONE);
    return sampler({
      samples: lengthOf(ip, arg(args, kw, 0, "dataset"), node),
      how: "DistributedSampler (all replicas)",
      shard: {
        replicas: replicas !== null && replicas > 0 ? replicas : null,
        dropLast: truthy(arg(args, kw, 5, "drop_last") ?? NONE) === true,
      },
    });
  },
  BatchSampler: (ip, args, kw, node) => {
    const inner = samplerInfo(ip, arg(args, kw, 0, "sampler"), node);
    return sampler({
      samples: inner?.samples ?? null,
      how: `BatchSampler over ${inner?.how ?? "an unknown sampler"}`,
      batchSize: asInt(arg(args, kw, 1, "batch_size")),
      dropLast: truthy(arg(args, kw, 2, "drop_last") ?? NONE) === true,
    });
  },
};

/**
 * The samples per epoch a `sampler=` / `batch_sampler=` argument draws: a modelled sampler's count,
 * a user class's __len__ (a batch sampler's __len__ counts batches), or null with `how` saying why.
 */
export function samplerInfo(ip: Interp, v: Value | undefined, node: Node | null, batched = false): SamplerInfo | null {
  if (!v || v.k === "none") return null;
  if (v.k === "native" && v.type === "sampler") return v.data.info as SamplerInfo;
  if (v.k === "instance" && !v.mod) {
    const n = asInt(callMethod(ip, v, "__len__", [], node));
    const name = v.cls.name;
    return batched
      ? { samples: null, how: `${name} (batch sampler, ${count(n)} batches)`, batchSize: null }
      : { samples: n, how: `${name}.__len__` };
  }
  if (v.k === "list" || v.k === "range" || v.k === "tuple")
    return { samples: lengthOf(ip, v, node), how: "the sampler's index list" };
  // A library's sampler (imbalanced-class samplers, distributed wrappers) nearly always draws one
  // pass over its dataset: priced so, and said (`assumed`), rather than dropping the whole run.
  return { samples: null, how: "a sampler that is not modelled", assumeDataset: true };
}
