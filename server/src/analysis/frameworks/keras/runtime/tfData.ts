// tf.data pipelines (from_tensor_slices, image_dataset_from_directory and their batch/repeat/take
// chain) and what Model.fit reads from its x / validation_data: samples, batch, endless or not.

import type { Node } from "web-tree-sitter";
import type { Interp } from "../../../evaluate/interp";
import { fn, nativeObject } from "../../../evaluate/nativeHelpers";
import {
  asInt,
  asNumber,
  asString,
  NONE,
  type NativeV,
  tensor,
  truthy,
  tuple,
  type Value,
} from "../../../evaluate/values";
import type { Range } from "../../../types";
import type { FitData } from "../../../evaluate/trace";
import type { Shape } from "../kerasLayerSpec";
import { tensorsIn } from "./tensors";

/** A tf.data pipeline: sample count (when known), per-sample element shape(s) and batch size. */
interface Pipeline {
  samples: number | null;
  elements: Shape[] | null;
  /** Elements per batch after `.batch(n)`; null when never batched or when n is unknown. */
  batch: number | null;
  /** `.repeat()` without a count: one pass never ends, so fit needs steps_per_epoch to end an epoch. */
  infinite?: boolean;
  /** Per-sample shapes of each component of a tuple element (`(x, y)`); absent = one component. */
  parts?: Array<Shape | null>;
  /** `.batch(n, drop_remainder=True)`: the last partial batch is dropped. */
  dropRemainder?: boolean;
  /** Where the pipeline was made: the loader a hand-written loop over it reports. */
  range?: Range;
}

export function pipeline(p: Pipeline): NativeV {
  const same = (q: Partial<Pipeline>) => pipeline({ ...p, ...q });
  const ds = nativeObject(
    "tf.data.Dataset",
    { pipeline: p },
    {
      batch: (_ip, _s, [b, drop], kw) => {
        const size = asInt(kw.get("batch_size") ?? b);
        const d = kw.get("drop_remainder") ?? drop;
        const dropRemainder = d?.k === "bool" && truthy(d) === true;
        // drop_remainder=True drops the last partial batch: ⌊n / b⌋ batches of b (tf.data Dataset.batch).
        const samples = dropRemainder && size && p.samples !== null ? Math.floor(p.samples / size) * size : p.samples;
        return same({ batch: size, dropRemainder, samples });
      },
      shuffle: () => same({}),
      prefetch: () => same({}),
      cache: () => same({}),
      repeat: (_ip, _s, [count], kw) => repeat(p, kw.get("count") ?? count),
      map: () => same({}),
      unbatch: () => same({ batch: null }),
      take: (_ip, _s, [n], kw) => take(p, asInt(kw.get("count") ?? n)),
    },
  );
  const loop = loopOver(p);
  if (loop) ds.loop = loop;
  return ds;
}

/**
 * `for x, y in dataset:` in a hand-written loop: one symbolic batch per pass, the batches per pass
 * (ceil(samples / batch), floor with drop_remainder; tf.data's Dataset.batch) and the loader the
 * loop run reads its samples and batch size from. An endless `.repeat()` has no trip count.
 */
function loopOver(p: Pipeline): NativeV["loop"] | undefined {
  if (!p.range) return undefined;
  const b = p.batch;
  const sized = (shape: Shape | null | undefined, dtype: string): Value => {
    const full = shape ? (b !== null ? [b, ...shape] : shape) : null;
    return tensor(full?.every((d): d is number => d !== null) ? full : null, dtype);
  };
  const sample = p.parts
    ? tuple(p.parts.map((s, i) => sized(s, i === 0 ? "float32" : "int64")))
    : sized(p.elements?.[0], "float32");
  const samples = p.infinite ? null : p.samples;
  const trips =
    samples === null ? null : b === null ? samples : (p.dropRemainder ? Math.floor : Math.ceil)(samples / b);
  const first = p.elements?.[0];
  return {
    sample,
    tripCount: trips,
    over: "loader",
    loader: {
      dataset: {
        name: null,
        samples,
        sampleShape: first?.every((d): d is number => d !== null) ? first : null,
        split: null,
        tokensPerSample: null,
        range: p.range,
      },
      batchSize: b,
      dropLast: p.dropRemainder === true,
      numWorkers: null,
      pinMemory: null,
      range: p.range,
      kind: "tf.data",
      samplesHow: "the tf.data dataset's elements",
    },
  };
}

/** repeat(n) makes n passes; repeat() / repeat(None) / repeat(-1) never ends (tf.data docs). */
function repeat(p: Pipeline, count: Value | undefined): NativeV {
  if (!count || count.k === "none" || asInt(count) === -1) return pipeline({ ...p, samples: null, infinite: true });
  const n = asInt(count);
  return pipeline({ ...p, samples: n !== null && p.samples !== null ? p.samples * n : null });
}

/** take(n) keeps n elements: n samples before .batch(), n batches after it; it ends an endless pipeline. */
function take(p: Pipeline, n: number | null): NativeV {
  if (n === -1) return pipeline(p);
  if (n === null) return pipeline({ ...p, samples: null, infinite: false });
  // A partial last batch is ignored: n full batches are the upper bound.
  const kept = p.batch === null ? n : n * p.batch;
  return pipeline({ ...p, samples: p.samples === null ? kept : Math.min(kept, p.samples), infinite: false });
}

function pipelineOf(v: Value | undefined): Pipeline | null {
  return v?.k === "native" && v.type === "tf.data.Dataset" ? (v.data.pipeline as Pipeline) : null;
}

/** (samples, per-sample shapes) of what fit()/from_tensor_slices() receive. */
export function dataOf(v: Value | undefined): { samples: number | null; shapes: Shape[] | null } {
  const p = pipelineOf(v);
  if (p) return { samples: p.samples, shapes: p.elements };
  const ts = tensorsIn(v);
  if (ts.length === 0 || ts.some((t) => !t.shape || t.shape.length === 0)) return { samples: null, shapes: null };
  return { samples: ts[0]!.shape![0]!, shapes: ts.map((t) => t.shape!.slice(1)) };
}

/**
 * What fit draws from `v` per epoch. A tf.data dataset carries its own batch (Keras ignores fit's
 * batch_size for it); arrays are batched by `batch` (fit's batch_size, null = the library default).
 */
export function fitData(v: Value | undefined, batch: number | null, steps: number | null): FitData {
  const p = pipelineOf(v);
  if (p) return { samples: p.samples, batch: p.batch, dataset: true, infinite: p.infinite === true, steps };
  // An object of the script's own class (a keras.utils.Sequence, a generator class) yields whole
  // batches of its own size: fit's batch_size does not apply, so neither does its default.
  if (v?.k === "instance") return { samples: null, batch: null, dataset: true, infinite: false, steps };
  return { samples: dataOf(v).samples, batch, dataset: false, infinite: false, steps };
}

export const fromTensorSlices = fn("tf.data.Dataset.from_tensor_slices", (ip, [data], _kw, node) => {
  const items = data?.k === "tuple" ? data.items : null;
  const first = items ? items[0] : data?.k === "list" ? data.items[0] : data;
  const d = dataOf(first);
  const parts = items?.map((it) => dataOf(it).shapes?.[0] ?? null);
  const range = ip.range(node) ?? undefined;
  return pipeline({ samples: d.samples, elements: d.shapes, batch: null, ...(parts ? { parts } : {}), range });
});

/** keras.utils.image_dataset_from_directory: images of image_size, count unknown (files on disk). */
export const imageDatasetFromDirectory = fn("keras.utils.image_dataset_from_directory", (ip, _args, kw, node) => {
  const size = kw.get("image_size");
  const hw = size && (size.k === "tuple" || size.k === "list") ? size.items.map(asInt) : [256, 256];
  const batch = asInt(kw.get("batch_size")) ?? 32;
  ip.note(
    "image_dataset_from_directory: the number of images is unknown (files on disk)",
    node,
    "add `# footprint: samples N`",
  );
  const make = () => pipeline({ samples: null, elements: [[hw[0] ?? null, hw[1] ?? null, 3]], batch });
  return asString(kw.get("subset")) === "both" ? tuple([make(), make()]) : make();
});

/** keras.utils.text_dataset_from_directory: one string per sample (shape ()), count unknown (files on disk). */
export const textDatasetFromDirectory = fn("keras.utils.text_dataset_from_directory", (ip, _args, kw, node) => {
  const batch = kw.has("batch_size") ? asInt(kw.get("batch_size")) : 32;
  ip.note(
    "text_dataset_from_directory: the number of texts is unknown (files on disk)",
    node,
    "add `# footprint: samples N`",
  );
  const make = () => pipeline({ samples: null, elements: [[]], batch });
  return asString(kw.get("subset")) === "both" ? tuple([make(), make()]) : make();
});

/** The images a flow_from_directory / flow_from_dataframe reads: (h, w, channels of color_mode). */
function targetShape(kw: Map<string, Value>): Shape {
  const size = kw.get("target_size");
  const hw = size && (size.k === "tuple" || size.k === "list") ? size.items.map(asInt) : [256, 256];
  const mode = asString(kw.get("color_mode")) ?? "rgb";
  const channels = mode === "grayscale" ? 1 : mode === "rgba" ? 4 : mode === "rgb" ? 3 : null;
  return [hw[0] ?? null, hw[1] ?? null, channels];
}

/**
 * keras.preprocessing.image.ImageDataGenerator: its iterators are Sequences that fit() draws whole
 * batches from (fit's batch_size does not apply), ⌈n / batch_size⌉ batches an epoch; batch_size
 * defaults to 32 in flow and flow_from_directory (keras.io ImageDataGenerator API). With
 * validation_split, subset="training" keeps the last n − ⌊n × split⌋ samples and "validation" the
 * first ⌊n × split⌋ (NumpyArrayIterator).
 */
export const imageDataGenerator = fn("keras.preprocessing.image.ImageDataGenerator", (_ip, _args, genKw) => {
  const split = asNumber(genKw.get("validation_split")) ?? 0;
  const batchOf = (kw: Map<string, Value>, at: Value | undefined) =>
    kw.has("batch_size") || at ? asInt(kw.get("batch_size") ?? at) : 32;
  return nativeObject(
    "keras.ImageDataGenerator",
    {},
    {
      fit: () => NONE,
      flow: (_ip2, _s, [x, _y, b], kw) => {
        const d = dataOf(kw.get("x") ?? x);
        let n = d.samples;
        const subset = asString(kw.get("subset"));
        if (n !== null && split > 0 && subset) {
          const held = Math.floor(n * split);
          n = subset === "validation" ? held : n - held;
        } else if (split > 0 && subset) n = null;
        return pipeline({ samples: n, elements: d.shapes, batch: batchOf(kw, b) });
      },
      flow_from_directory: (ip2, _s, _a, kw, node) => fromFiles(ip2, kw, node, "flow_from_directory"),
      flow_from_dataframe: (ip2, _s, _a, kw, node) => fromFiles(ip2, kw, node, "flow_from_dataframe"),
    },
  );
});

function fromFiles(ip: Interp, kw: Map<string, Value>, node: Node | null, how: string): Value {
  ip.note(`${how}: the number of images is unknown (files on disk)`, node, "add `# footprint: samples N`");
  const batch = kw.has("batch_size") ? asInt(kw.get("batch_size")) : 32;
  return pipeline({ samples: null, elements: [targetShape(kw)], batch });
}
