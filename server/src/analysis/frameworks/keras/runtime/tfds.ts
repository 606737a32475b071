// tensorflow_datasets: tfds.load(name, split=…) as tf.data pipelines with the split's size from a
// small table of the TFDS catalog, so fit() and hand-written loops see samples and their batch.

import type { Node } from "web-tree-sitter";
import type { Interp } from "../../../evaluate/interp";
import { fn, nativeModule, nativeObject, opaque } from "../../../evaluate/nativeHelpers";
import { asInt, asString, dictFrom, int, str, tuple, type Value } from "../../../evaluate/values";
import { sizeOfSplitExpr } from "../../../run/datasetCatalog";
import type { Shape } from "../kerasLayerSpec";
import { pipeline } from "./tfData";

interface TfdsRow {
  splits: Record<string, number>;
  /** The per-sample feature `as_supervised` yields first (image or text), None for varying sides. */
  shape: Shape;
}

/** Split sizes and feature shapes from each dataset's page at tensorflow.org/datasets/catalog/<name>. */
const TFDS: Record<string, TfdsRow> = {
  mnist: { splits: { train: 60000, test: 10000 }, shape: [28, 28, 1] },
  fashion_mnist: { splits: { train: 60000, test: 10000 }, shape: [28, 28, 1] },
  cifar10: { splits: { train: 50000, test: 10000 }, shape: [32, 32, 3] },
  cifar100: { splits: { train: 50000, test: 10000 }, shape: [32, 32, 3] },
  imdb_reviews: { splits: { train: 25000, test: 25000, unsupervised: 50000 }, shape: [] },
  tf_flowers: { splits: { train: 3670 }, shape: [null, null, 3] },
  cats_vs_dogs: { splits: { train: 23262 }, shape: [null, null, 3] },
};

/** One split expression ("train", "train[:80%]", "train+test") as a pipeline; unknown sizes stay null. */
function splitPipeline(ip: Interp, name: string, expr: string, batch: number | null, node: Node | null): Value {
  const row = TFDS[name];
  const samples = row ? sizeOfSplitExpr(row.splits, expr) : null;
  if (samples === null)
    ip.note(
      row
        ? `tfds.load("${name}"): split "${expr}" is not one of ${Object.keys(row.splits).join(", ")}`
        : `tfds.load("${name}"): the dataset's split sizes are not in the catalog`,
      node,
      "add `# footprint: samples N`",
    );
  const range = ip.range(node) ?? undefined;
  return pipeline({ samples, elements: row ? [row.shape] : null, batch, range });
}

/** ds_info.splits["train"].num_examples, for the shuffle buffers and step counts scripts compute. */
function info(name: string): Value {
  const row = TFDS[name];
  const splits = dictFrom(
    Object.entries(row?.splits ?? {}).map(([k, n]) => [
      str(k),
      nativeObject("tfds.SplitInfo", {}, {}, (_s, attr) => (attr === "num_examples" ? int(n) : undefined)),
    ]),
  );
  return nativeObject("tfds.DatasetInfo", {}, {}, (_s, attr) => (attr === "splits" ? splits : undefined));
}

/**
 * tfds.load(name, split=None, batch_size=None, with_info=False): a list of splits gives a tuple of
 * datasets, no split a dict of every split; `batch_size=` batches them (-1: each split one batch).
 */
const load = fn("tensorflow_datasets.load", (ip, [nameArg, splitArg], kw, node) => {
  const name = (asString(kw.get("name") ?? nameArg) ?? "").split(":")[0]!;
  const bs = kw.has("batch_size") ? asInt(kw.get("batch_size")) : null;
  const split = kw.get("split") ?? splitArg;
  const batchFor = (expr: string) => (bs !== -1 ? bs : TFDS[name] ? sizeOfSplitExpr(TFDS[name]!.splits, expr) : null);
  const one = (expr: string) => splitPipeline(ip, name, expr, batchFor(expr), node);
  let ds: Value;
  const s = asString(split);
  if (s !== null) ds = one(s);
  else if (split && (split.k === "list" || split.k === "tuple"))
    ds = tuple(split.items.map((it) => one(asString(it) ?? "?")));
  else ds = dictFrom(Object.keys(TFDS[name]?.splits ?? {}).map((k) => [str(k), one(k)]));
  const withInfo = kw.get("with_info");
  return withInfo?.k === "bool" && withInfo.v ? tuple([ds, info(name)]) : ds;
});

/** The `tensorflow_datasets` package: load; the rest (builders, download config) is opaque. */
export function tfdsRoot(): Value {
  return nativeModule("tensorflow_datasets", { load }, (attr) => opaque(`tensorflow_datasets.${attr}`));
}
