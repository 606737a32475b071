// nn.Embedding.from_pretrained / nn.EmbeddingBag.from_pretrained: a layer sized by the tensor it is
// given (rows × dim), frozen unless freeze=False — pretrained word vectors are common in text models,
// and frozen ones still count as parameters.
import type { Node } from "web-tree-sitter";
import { instantiate } from "../../evaluate/classes";
import type { Interp } from "../../evaluate/interp";
import { type ClassV, int, type Kw, truthy, unknown, type Value } from "../../evaluate/values";

/** `from_pretrained`'s own keywords; the rest (padding_idx, max_norm, mode…) go to the constructor. */
const OWN = new Set(["embeddings", "freeze"]);

export function fromPretrained(ip: Interp, cls: ClassV, args: Value[], kw: Kw, node: Node | null): Value {
  const weights = kw.get("embeddings") ?? args[0];
  const freeze = kw.get("freeze") ?? args[1];
  const shape = weights?.k === "tensor" ? weights.shape : null;
  const rest: Kw = new Map([...kw].filter(([k]) => !OWN.has(k)));
  const sized =
    shape && shape.length === 2
      ? [int(shape[0]!), int(shape[1]!)]
      : [unknown(`${cls.name}.from_pretrained: the embeddings' shape is unknown`, node)];
  const layer = instantiate(ip, cls, sized, rest, node);
  // freeze defaults to True (the PyTorch docs): the weight takes no gradient.
  const frozen = freeze === undefined ? true : truthy(freeze) !== false;
  if (frozen && layer.k === "instance" && layer.mod) {
    const w = layer.mod.params.get("weight");
    if (w) layer.mod.params.set("weight", { ...w, requiresGrad: false });
  }
  return layer;
}
