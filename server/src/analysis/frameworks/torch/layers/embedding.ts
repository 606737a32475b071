// torch.nn lookup and similarity layers: Embedding, EmbeddingBag, CosineSimilarity, PairwiseDistance (0 MACs).

import { ArgError, type LayerSpec, REQUIRED, ShapeError } from "../layerSpec";
import { boolArg, dtypeOf, inputShape, intArg, optIntArg, sizeArg, stringArg, tensor, unknownResult } from "./argUtils";
import { broadcastShapes, normalizeDim, showShape } from "./shapeUtils";

function checkPaddingIdx(owner: string, paddingIdx: number | null, n: number): void {
  if (paddingIdx !== null && (paddingIdx >= n || paddingIdx < -n)) {
    throw new ArgError(`${owner}: padding_idx ${paddingIdx} must be within num_embeddings ${n}`);
  }
}

const Embedding: LayerSpec = {
  signature: [
    ["num_embeddings", REQUIRED],
    ["embedding_dim", REQUIRED],
    ["padding_idx", null],
    ["max_norm", null],
    ["norm_type", 2.0],
    ["scale_grad_by_freq", false],
    ["sparse", false],
    ["_weight", null],
    ["_freeze", false],
    ["device", null],
    ["dtype", null],
  ],
  params(a) {
    const n = sizeArg(a, "num_embeddings", "Embedding");
    // padding_idx only zeroes one row's gradient; the weight keeps every row.
    checkPaddingIdx("Embedding", optIntArg(a, "padding_idx", "Embedding"), n);
    return { weight: [n, sizeArg(a, "embedding_dim", "Embedding")] };
  },
  forward(a, inputs) {
    const dim = sizeArg(a, "embedding_dim", "Embedding");
    const x = inputShape(inputs, 0, "Embedding");
    if (x === null) return unknownResult();
    return { output: tensor([...x, dim]), macs: 0 };
  },
};

const EmbeddingBag: LayerSpec = {
  signature: [
    ["num_embeddings", REQUIRED],
    ["embedding_dim", REQUIRED],
    ["max_norm", null],
    ["norm_type", 2.0],
    ["scale_grad_by_freq", false],
    ["mode", "mean"],
    ["sparse", false],
    ["_weight", null],
    ["include_last_offset", false],
    ["padding_idx", null],
    ["device", null],
    ["dtype", null],
  ],
  params(a) {
    const n = sizeArg(a, "num_embeddings", "EmbeddingBag");
    const mode = stringArg(a, "mode", "EmbeddingBag");
    if (!["sum", "mean", "max"].includes(mode)) throw new ArgError(`EmbeddingBag: mode '${mode}' is not sum/mean/max`);
    checkPaddingIdx("EmbeddingBag", optIntArg(a, "padding_idx", "EmbeddingBag"), n);
    return { weight: [n, sizeArg(a, "embedding_dim", "EmbeddingBag")] };
  },
  forward(a, inputs, kwargs) {
    const dim = sizeArg(a, "embedding_dim", "EmbeddingBag");
    const x = inputShape(inputs, 0, "EmbeddingBag");
    if (x === null) return unknownResult();
    if (x.length === 2) return { output: tensor([x[0]!, dim]), macs: 0 };
    if (x.length !== 1) throw new ShapeError(`EmbeddingBag expected a 1-d or 2-d input, got ${showShape(x)}`);
    // A 1-d input is split into bags by offsets: one bag per offset (the last one closes when include_last_offset).
    const offsetsArg = kwargs.offsets ?? inputs[1];
    const offsets = offsetsArg === undefined ? null : inputShape([offsetsArg], 0, "EmbeddingBag (offsets)");
    if (offsetsArg === undefined || offsetsArg === null) {
      throw new ShapeError("EmbeddingBag: a 1-d input needs offsets");
    }
    if (offsets === null) return unknownResult();
    const bags = offsets[0]! - (boolArg(a, "include_last_offset", "EmbeddingBag") ? 1 : 0);
    return { output: tensor([bags, dim]), macs: 0 };
  },
};

const CosineSimilarity: LayerSpec = {
  signature: [
    ["dim", 1],
    ["eps", 1e-8],
  ],
  params: () => ({}),
  forward(a, inputs) {
    const x1 = inputShape(inputs, 0, "CosineSimilarity");
    const x2 = inputShape(inputs, 1, "CosineSimilarity");
    if (x1 === null || x2 === null) return unknownResult(dtypeOf(inputs[0]));
    const b = broadcastShapes(x1, x2, "CosineSimilarity");
    const d = normalizeDim(intArg(a, "dim", "CosineSimilarity"), b.length, "CosineSimilarity");
    return { output: tensor([...b.slice(0, d), ...b.slice(d + 1)], dtypeOf(inputs[0])), macs: 0 };
  },
};

const PairwiseDistance: LayerSpec = {
  signature: [
    ["p", 2.0],
    ["eps", 1e-6],
    ["keepdim", false],
  ],
  params: () => ({}),
  forward(a, inputs) {
    const x1 = inputShape(inputs, 0, "PairwiseDistance");
    const x2 = inputShape(inputs, 1, "PairwiseDistance");
    if (x1 === null || x2 === null) return unknownResult(dtypeOf(inputs[0]));
    const b = broadcastShapes(x1, x2, "PairwiseDistance");
    // The norm is taken over the last dim.
    const out = boolArg(a, "keepdim", "PairwiseDistance") ? [...b.slice(0, -1), 1] : b.slice(0, -1);
    return { output: tensor(out, dtypeOf(inputs[0])), macs: 0 };
  },
};

export const EMBEDDING_LAYERS: Record<string, LayerSpec> = {
  Embedding,
  EmbeddingBag,
  CosineSimilarity,
  PairwiseDistance,
};
