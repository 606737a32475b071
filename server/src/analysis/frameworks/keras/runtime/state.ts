// Per-analysis Keras state: every layer/model instance the script builds, the record of each layer
// call (a tree: calls made inside a custom layer's call() are its children), and the symbolic
// tensors' per-sample shapes (with None axes) and producing call, which functional models walk.

import type { Node } from "web-tree-sitter";
import type { Interp } from "../../../evaluate/interp";
import type { InstanceV, TensorV, Value } from "../../../evaluate/values";
import type { Range } from "../../../types";
import type { AppConfig, KerasAppRow } from "../applications";
import type { BuildResult, KArgs, KerasLayerSpec, Shape } from "../kerasLayerSpec";

/** Instance attributes where a keras.layers.Lambda keeps its function and `arguments=` (classes.ts). */
export const LAMBDA_FUNCTION = "__keras_lambda_function__";
export const LAMBDA_ARGUMENTS = "__keras_lambda_arguments__";

export type LayerKind = "catalog" | "custom" | "sequential" | "functional" | "subclass" | "zoo";

export interface LayerState {
  id: number;
  className: string;
  inst: InstanceV;
  kind: LayerKind;
  spec: KerasLayerSpec | null;
  args: KArgs | null;
  /** Why the weights are unknown (an argument could not be resolved, or the shapes do not fit). */
  problem: string | null;
  /** Why constructor arguments were unknown values (`Embedding(lookup.vocabulary_size(), 8)`), said with the problem. */
  unknownArgs?: string[];
  /** How the user can state what `problem` leaves unknown (a TF-Hub module's size: the footprint directives). */
  problemHint?: string;
  /**
   * A subclassed Model with no call() (a GAN wrapper that only overrides train_step): the layers it
   * holds as attributes, whose weights Keras counts as its own; its forward is unknown.
   */
  heldLayers?: LayerState[];
  /** Weights created by build() (catalog) or add_weight() (custom layers). */
  built: BuildResult | null;
  /** `trainable=` given to the constructor. */
  trainableArg: boolean;
  node: Node | null;
  site: Range | null;
  /** Sequential: its layers in order, and the per-sample input shape once known. */
  seqLayers: InstanceV[];
  seqInput: Shape | null;
  /** Functional: the model's input tensors and output value. */
  inputs: TensorV[];
  outputs: Value | null;
  /** The graph of calls that make up this model (functional/sequential/subclass). */
  graph: CallRecord[];
  /** Zoo model: name and its tabulated numbers, when the zoo knows them. */
  zoo: {
    name: string;
    params: number | null;
    macs: number | null;
    /** Said with the model's costs (empty when the catalog gives exact numbers). */
    note: string;
    /** keras.applications catalog row and the constructor's head choice. */
    app?: { row: KerasAppRow; config: AppConfig };
    /** Built with the catalogued ImageNet weights (`weights="imagenet"`, Keras' default), i.e. a fine-tune. */
    imagenet?: boolean;
    /** How a call's MACs were approximated (an input side the catalog does not tabulate). */
    approximation?: string | null;
    /** The stand-in layer that loops over `base.layers` reach (its `trainable` is reported, not applied). */
    layerProxy?: InstanceV;
  } | null;
  /** Per-sample input shape of the training data passed to fit() (fixes None axes for MACs). */
  fitInput: Shape[] | null;
}

export interface CallRecord {
  /** Creation order within the analysis (functional graphs list calls in script order). */
  seq: number;
  layer: LayerState;
  inputs: TensorV[];
  outputs: TensorV[];
  inputShapes: Shape[];
  outputShapes: Shape[];
  /** MACs of this layer's own computation (catalog rule); children add theirs. */
  ownMacs: number | null;
  children: CallRecord[];
}

export interface TensorInfo {
  shape: Shape;
  producer: CallRecord | null;
}

export interface KerasState {
  layers: Map<InstanceV, LayerState>;
  tensors: WeakMap<TensorV, TensorInfo>;
  /** Calls in progress, innermost last. */
  stack: CallRecord[];
  nextId: number;
  nextSeq: number;
  /** Set while replaying a graph for costing: calls are not kept on layers or events. */
  replaying: boolean;
}

const STATES = new WeakMap<Interp, KerasState>();

export function kerasState(ip: Interp): KerasState {
  let s = STATES.get(ip);
  if (!s) {
    // Keras models get ids far from torch's module ids so trace events never mix them up.
    s = { layers: new Map(), tensors: new WeakMap(), stack: [], nextId: 1_000_000, nextSeq: 0, replaying: false };
    STATES.set(ip, s);
  }
  return s;
}

export function layerOf(ip: Interp, v: Value | undefined): LayerState | null {
  if (!v || v.k !== "instance") return null;
  return kerasState(ip).layers.get(v) ?? null;
}

export function isModelKind(k: LayerKind): boolean {
  return k === "sequential" || k === "functional" || k === "subclass" || k === "zoo";
}
