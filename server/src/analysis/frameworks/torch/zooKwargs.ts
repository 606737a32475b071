// Keyword arguments of a torchvision builder beyond num_classes: the zoo table describes the default build, so a
// keyword that changes the architecture (width_mult, replace_stride_with_dilation, image_size, block, ...) makes
// what it changes unknown, naming the keyword, instead of pricing the default network. aux_logits is exact: the
// auxiliary classifier is a top-level child with its own tabulated parameters, and the eval forward never runs it.
import { asNumber, type Kw, truthy, type Value } from "../../evaluate/values";
import type { ZooEntry } from "./zoo";

/** Keywords that leave the weights and the forward's MACs as tabulated: loading, initialisation, regularisation. */
const NEUTRAL = new Set([
  "weights",
  "pretrained",
  "progress",
  "num_classes",
  "aux_logits",
  "init_weights",
  "zero_init_residual",
  "transform_input",
  "dropout",
  "attention_dropout",
  "stochastic_depth_prob",
  "layer_scale",
  "weights_backbone",
  "pretrained_backbone",
]);

/** Keywords that change the compute but no weight: dilated strides keep every kernel, larger maps cost more. */
const FLOPS_ONLY = new Set(["replace_stride_with_dilation"]);

/** A keyword given its default value builds the tabulated network (`width_mult=1.0`, no dilation). */
function isDefault(entry: ZooEntry, name: string, v: Value): boolean {
  if (v.k === "none") return true;
  if (name === "width_mult") return asNumber(v) === 1;
  if (name === "image_size") return asNumber(v) === entry.defaultResolution;
  if (name === "replace_stride_with_dilation")
    return (v.k === "list" || v.k === "tuple") && v.items.every((it) => truthy(it) === false);
  return false;
}

/**
 * What the builder's keywords leave unknown: a message for the parameters (the weights differ) and one for the
 * forward FLOPs, null where the table still applies.
 */
export function architectureKwargs(
  entry: ZooEntry,
  qualName: string,
  kw: Kw,
): { params: string | null; flops: string | null } {
  const changed = [...kw].filter(([k, v]) => !NEUTRAL.has(k) && !isDefault(entry, k, v)).map(([k]) => k);
  if (changed.length === 0) return { params: null, flops: null };
  const call = `${qualName}(${changed.map((k) => `${k}=…`).join(", ")})`;
  const weights = changed.filter((k) => !FLOPS_ONLY.has(k));
  return {
    params:
      weights.length > 0
        ? `${call}: ${weights.join(", ")} changes the architecture the zoo table describes (torchvision's default build), so the parameter count is unknown`
        : null,
    flops: `${call}: ${changed.join(", ")} changes the network torchvision's tabulated MACs describe`,
  };
}

/**
 * Whether the auxiliary classifiers are built. Inception v3 and GoogLeNet build them unless aux_logits=False; with
 * pretrained weights GoogLeNet drops them unless aux_logits=True (torchvision 0.14's googlenet builder).
 */
export function withAux(entry: ZooEntry, kw: Kw): boolean {
  const given = kw.get("aux_logits");
  if (given) return truthy(given) !== false;
  const weights = kw.get("weights") ?? kw.get("pretrained");
  const pretrained = weights !== undefined && truthy(weights) === true;
  return !(entry.builder === "GoogLeNet" && pretrained);
}
