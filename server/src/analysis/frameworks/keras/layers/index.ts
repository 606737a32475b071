// The Keras layer catalog: every keras.layers class the analysis knows, by class name (aliases
// such as Convolution2D and MaxPool2D included), plus the functional merge helpers.

import type { KerasLayerSpec } from "../kerasLayerSpec";
import { ATTENTION_LAYERS } from "./attention";
import { CONV_LAYERS } from "./conv";
import { CONV_RECURRENT_LAYERS } from "./convRecurrent";
import { CORE_LAYERS } from "./core";
import { EinsumDense } from "./einsumDense";
import { LOOKUP_LAYERS } from "./lookup";
import { MERGE_LAYERS } from "./merge";
import { NORM_LAYERS } from "./norm";
import { POOLING_LAYERS } from "./pooling";
import { PREPROCESSING_LAYERS } from "./preprocessing";
import { RECURRENT_LAYERS } from "./recurrent";
import { kerasLayerSpec, registerKerasLayers } from "./registry";
import { RNN_CELL_LAYERS } from "./rnnCells";
import { RESHAPING_LAYERS } from "./reshaping";
import { WRAPPER_LAYERS } from "./wrappers";

export const KERAS_LAYERS: Record<string, KerasLayerSpec> = {
  ...CORE_LAYERS,
  EinsumDense,
  ...CONV_LAYERS,
  ...POOLING_LAYERS,
  ...NORM_LAYERS,
  ...RECURRENT_LAYERS,
  ...RNN_CELL_LAYERS,
  ...CONV_RECURRENT_LAYERS,
  ...ATTENTION_LAYERS,
  ...MERGE_LAYERS,
  ...RESHAPING_LAYERS,
  ...PREPROCESSING_LAYERS,
  ...LOOKUP_LAYERS,
  ...WRAPPER_LAYERS,
};

registerKerasLayers(KERAS_LAYERS);

export { kerasLayerSpec };
export { MERGE_FUNCTIONS } from "./merge";
