// torch.nn loss modules (CrossEntropyLoss, MSELoss, BCEWithLogitsLoss, CTCLoss...): no parameters
// (class weights are buffers), 0 MACs; a scalar unless reduction='none' keeps per-element/sample values.

import { type Arg, type Args, ArgError, type ForwardResult, type LayerSpec, type Signature } from "../layerSpec";
import { dtypeOf, inputShape, stringArg, tensor } from "./argUtils";
import { broadcastShapes } from "./shapeUtils";

/**
 * How the unreduced loss is shaped: "class" drops the class dim (dim 1; unbatched (C) → scalar),
 * "elementwise" broadcasts input with target, "sample" keeps only the batch dim.
 */
export type LossKind = "class" | "elementwise" | "sample";

/** The reduction in force, honouring the deprecated size_average/reduce flags like torch's _Reduction. */
export function reductionOf(a: Args, owner: string): string {
  // Read directly: functional losses without these parameters must not see them as unknown.
  const sizeAverage = a.size_average;
  const reduce = a.reduce;
  if ((sizeAverage !== null && sizeAverage !== undefined) || (reduce !== null && reduce !== undefined)) {
    if (reduce === false) return "none";
    return sizeAverage === false ? "sum" : "mean";
  }
  const r = stringArg(a, "reduction", owner);
  if (!["none", "mean", "sum", "batchmean"].includes(r))
    throw new ArgError(`${owner}: reduction '${r}' is not none/mean/sum`);
  return r;
}

export function lossShape(
  x: number[] | null,
  target: number[] | null,
  reduction: string,
  kind: LossKind,
  owner: string,
): number[] | null {
  if (reduction !== "none") return [];
  if (x === null) return null;
  if (kind === "class") return x.length <= 1 ? [] : [x[0]!, ...x.slice(2)];
  if (kind === "sample") return x.length <= 1 ? [] : [x[0]!];
  if (target === null) return [...x];
  return broadcastShapes(x, target, owner);
}

function makeLoss(owner: string, signature: Signature, kind: LossKind, ctc = false): LayerSpec {
  return {
    signature,
    params: () => ({}),
    forward(a, inputs): ForwardResult {
      const reduction = reductionOf(a, owner);
      const x = inputShape(inputs, 0, owner);
      const second: Arg | undefined = inputs[1];
      const target = second === undefined || second === null ? null : inputShape([second], 0, `${owner} (target)`);
      // CTC's log_probs are (T, N, C) or unbatched (T, C): per-sample losses are (N) or a scalar.
      const ctcShape = (shape: number[] | null) => (shape === null ? null : shape.length === 3 ? [shape[1]!] : []);
      const out = ctc ? (reduction === "none" ? ctcShape(x) : []) : lossShape(x, target, reduction, kind, owner);
      return { output: tensor(out, dtypeOf(inputs[0])), macs: 0 };
    },
  };
}

const LEGACY = [
  ["size_average", null],
  ["reduce", null],
  ["reduction", "mean"],
] as const;

export const LOSS_LAYERS: Record<string, LayerSpec> = {
  CrossEntropyLoss: makeLoss(
    "CrossEntropyLoss",
    [
      ["weight", null],
      ["size_average", null],
      ["ignore_index", -100],
      ["reduce", null],
      ["reduction", "mean"],
      ["label_smoothing", 0.0],
    ],
    "class",
  ),
  NLLLoss: makeLoss(
    "NLLLoss",
    [
      ["weight", null],
      ["size_average", null],
      ["ignore_index", -100],
      ["reduce", null],
      ["reduction", "mean"],
    ],
    "class",
  ),
  MSELoss: makeLoss("MSELoss", [...LEGACY], "elementwise"),
  L1Loss: makeLoss("L1Loss", [...LEGACY], "elementwise"),
  SmoothL1Loss: makeLoss("SmoothL1Loss", [...LEGACY, ["beta", 1.0]], "elementwise"),
  HuberLoss: makeLoss(
    "HuberLoss",
    [
      ["reduction", "mean"],
      ["delta", 1.0],
    ],
    "elementwise",
  ),
  BCELoss: makeLoss("BCELoss", [["weight", null], ...LEGACY], "elementwise"),
  BCEWithLogitsLoss: makeLoss("BCEWithLogitsLoss", [["weight", null], ...LEGACY, ["pos_weight", null]], "elementwise"),
  KLDivLoss: makeLoss("KLDivLoss", [...LEGACY, ["log_target", false]], "elementwise"),
  SoftMarginLoss: makeLoss("SoftMarginLoss", [...LEGACY], "elementwise"),
  HingeEmbeddingLoss: makeLoss("HingeEmbeddingLoss", [["margin", 1.0], ...LEGACY], "elementwise"),
  PoissonNLLLoss: makeLoss(
    "PoissonNLLLoss",
    [
      ["log_input", true],
      ["full", false],
      ["size_average", null],
      ["eps", 1e-8],
      ["reduce", null],
      ["reduction", "mean"],
    ],
    "elementwise",
  ),
  GaussianNLLLoss: makeLoss(
    "GaussianNLLLoss",
    [
      ["full", false],
      ["eps", 1e-6],
      ["reduction", "mean"],
    ],
    "elementwise",
  ),
  MultiLabelSoftMarginLoss: makeLoss("MultiLabelSoftMarginLoss", [["weight", null], ...LEGACY], "sample"),
  MultiMarginLoss: makeLoss("MultiMarginLoss", [["p", 1], ["margin", 1.0], ["weight", null], ...LEGACY], "sample"),
  CosineEmbeddingLoss: makeLoss("CosineEmbeddingLoss", [["margin", 0.0], ...LEGACY], "sample"),
  MarginRankingLoss: makeLoss("MarginRankingLoss", [["margin", 0.0], ...LEGACY], "elementwise"),
  TripletMarginLoss: makeLoss(
    "TripletMarginLoss",
    [["margin", 1.0], ["p", 2.0], ["eps", 1e-6], ["swap", false], ...LEGACY],
    "sample",
  ),
  CTCLoss: makeLoss(
    "CTCLoss",
    [
      ["blank", 0],
      ["reduction", "mean"],
      ["zero_infinity", false],
    ],
    "sample",
    true,
  ),
};
