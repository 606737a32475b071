// The torch.nn layer catalog, keyed by class name (`TORCH_LAYERS.Conv2d`), merged from one table per family.

import type { LayerSpec } from "../layerSpec";
import { ACTIVATION_LAYERS } from "./activations";
import { ATTENTION_LAYERS } from "./attention";
import { CONV_LAYERS } from "./conv";
import { EMBEDDING_LAYERS } from "./embedding";
import { inferSizesFromInput } from "./inference";
import { LAZY_LAYERS } from "./lazy";
import { LINEAR_LAYERS } from "./linear";
import { LOSS_LAYERS } from "./losses";
import { NORM_LAYERS } from "./norm";
import { POOLING_LAYERS } from "./pooling";
import { RECURRENT_LAYERS } from "./recurrent";
import { RESHAPE_LAYERS } from "./reshape";
import { TRANSFORMER_LAYERS } from "./transformer";

const CATALOG: Record<string, LayerSpec> = {
  ...LINEAR_LAYERS,
  ...CONV_LAYERS,
  ...NORM_LAYERS,
  ...EMBEDDING_LAYERS,
  ...RECURRENT_LAYERS,
  ...ATTENTION_LAYERS,
  ...TRANSFORMER_LAYERS,
  ...ACTIVATION_LAYERS,
  ...POOLING_LAYERS,
  ...RESHAPE_LAYERS,
  ...LAZY_LAYERS,
  ...LOSS_LAYERS,
};

export const TORCH_LAYERS: Record<string, LayerSpec> = Object.fromEntries(
  Object.entries(CATALOG).map(([name, spec]) => [name, inferSizesFromInput(name, spec)]),
);

/**
 * Layers that hold other modules given as constructor arguments: the interpreter builds their children
 * (TransformerEncoder deep-copies `encoder_layer` into layers.0..num_layers-1, then adds `norm`).
 */
export const TORCH_LAYER_STACKS: Record<string, { layerArg: string; countArg: string; normArg: string }> = {
  TransformerEncoder: { layerArg: "encoder_layer", countArg: "num_layers", normArg: "norm" },
  TransformerDecoder: { layerArg: "decoder_layer", countArg: "num_layers", normArg: "norm" },
};
