// The torch.nn layer catalog, keyed by class name (`TORCH_LAYERS.Conv2d`), merged from one table per family.

import type { LayerSpec } from "../layerSpec";
import { ACTIVATION_LAYERS } from "./activations";
import { CONV_LAYERS } from "./conv";
import { LINEAR_LAYERS } from "./linear";
import { NORM_LAYERS } from "./norm";
import { POOLING_LAYERS } from "./pooling";
import { RESHAPE_LAYERS } from "./reshape";

export const TORCH_LAYERS: Record<string, LayerSpec> = {
  ...LINEAR_LAYERS,
  ...CONV_LAYERS,
  ...NORM_LAYERS,
  ...ACTIVATION_LAYERS,
  ...POOLING_LAYERS,
  ...RESHAPE_LAYERS,
};
