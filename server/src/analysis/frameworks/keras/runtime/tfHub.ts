// tensorflow_hub.KerasLayer(handle, trainable=False): a pretrained module whose weights are not in
// the script. A few common handles are sized from cited figures (HUB_MODULES); any other handle is
// an explicit unknown naming it, with the directives that state the model's size instead.

import type { Node } from "web-tree-sitter";
import type { Interp } from "../../../evaluate/interp";
import { fn, nativeModule, opaque } from "../../../evaluate/nativeHelpers";
import { asString, type InstanceV, type Kw, type Value } from "../../../evaluate/values";
import { type AppConfig, appForward, appWeights, findKerasApp } from "../applications";
import type { CallResult, KerasLayerSpec, Shape } from "../kerasLayerSpec";
import { declaredInputShape, ensureState, kerasClasses } from "./classes";

/** A catalogued hub module: weights (trainable share as published) and its forward on an input. */
interface HubModule {
  params: number;
  /** Weights that stay non-trainable even with trainable=True (BatchNorm moving statistics). */
  frozen: number;
  forward(input: Shape): CallResult;
  source: string;
}

/**
 * The TF-Hub MobileNetV2 (TF-Slim, depth multiplier 1.0, 224×224) is Keras' MobileNetV2 architecture:
 * the module page (tfhub.dev google/imagenet/mobilenet_v2_100_224) describes the same rounding of
 * depths to multiples of 8 and the 1280-wide last layer, and TensorFlow's "Transfer learning with
 * TensorFlow Hub" tutorial prints `keras_layer (KerasLayer) (None, 1280) 2257984` for
 * tf2-preview/mobilenet_v2/feature_vector — the keras.applications catalog's headless MobileNetV2
 * total. The classification module adds TF-Slim's 1001-way logits (ImageNet + background) on the
 * 1280 features: the catalog row at classes=1001. MACs are the catalog's at the input side (exact at
 * tabulated sides; elsewhere left unknown rather than scaled).
 */
function mobilenetV2(classification: boolean): HubModule | null {
  const row = findKerasApp("MobileNetV2");
  if (!row) return null;
  const config: AppConfig = { includeTop: classification, classes: 1001, pooling: "avg" };
  const w = appWeights(row, config);
  return {
    params: w.params,
    frozen: w.nonTrainable,
    forward: (input) => {
      const f = appForward("MobileNetV2", row, config, input);
      return { outputs: [f.output], macs: f.approximation ? null : f.macs };
    },
    source: "keras.applications MobileNetV2 (alpha 1.0) catalog row; tensorflow.org hub_with_keras tutorial summary",
  };
}

/**
 * NNLM 50-dimensional text embedding: a token table averaged per sentence, 48,190,600 weights and a
 * (50) output per string (TensorFlow's text_classification_with_hub tutorial prints
 * `keras_layer (KerasLayer) (None, 50) 48190600` for google/tf2-preview/nnlm-en-dim50/1). A lookup
 * and a mean: no multiply-accumulates counted, as for Embedding.
 */
const NNLM50: HubModule = {
  params: 48_190_600,
  frozen: 0,
  forward: () => ({ outputs: [[50]], macs: 0 }),
  source: "tensorflow.org text_classification_with_hub tutorial summary",
};

/** Handle patterns (tfhub.dev and Kaggle Models spellings) → module. */
const HUB_MODULES: Array<[RegExp, () => HubModule | null]> = [
  [/mobilenet_v2_100_224\/feature_vector|tf2-preview\/mobilenet_v2\/feature_vector/i, () => mobilenetV2(false)],
  [/mobilenet_v2_100_224\/classification|tf2-preview\/mobilenet_v2\/classification/i, () => mobilenetV2(true)],
  [/(?:^|\/)nnlm-en-dim50\/\d/i, () => NNLM50],
];

function findHubModule(handle: string): HubModule | null {
  for (const [re, make] of HUB_MODULES) if (re.test(handle)) return make();
  return null;
}

const HINT =
  "add `# footprint: params N` and `# footprint: flops N` (the whole model: the module's published size plus your layers)";

/** The layer `hub.KerasLayer(...)` returns: a catalog-kind layer with a spec made for this module. */
function kerasLayer(ip: Interp, args: Value[], kw: Kw, node: Node | null): Value {
  const inst: InstanceV = { k: "instance", cls: kerasClasses(ip).Layer, attrs: new Map(), mod: null };
  const st = ensureState(ip, inst, node, "catalog");
  st.className = "KerasLayer";
  st.seqInput = declaredInputShape(kw);
  // hub.KerasLayer's trainable defaults to False (tensorflow_hub/keras_layer.py).
  const t = kw.get("trainable");
  st.trainableArg = t?.k === "bool" ? t.v : false;
  const handle = asString(kw.get("handle") ?? args[0]);
  const mod = handle === null ? null : findHubModule(handle);
  if (!mod) {
    st.problem =
      handle === null
        ? "hub.KerasLayer: the module handle is not a string the analysis can read, so its weights, FLOPs and output are unknown"
        : `hub.KerasLayer("${handle}"): this TF-Hub module is not catalogued, so its weights, FLOPs and output are unknown`;
    st.problemHint = HINT;
    ip.note(st.problem, node, HINT);
    return inst;
  }
  const spec: KerasLayerSpec = {
    signature: [["**kwargs", null]],
    build: () => ({
      weights: { hub_trainable: [mod.params - mod.frozen], hub_frozen: [mod.frozen] },
      trainable: { hub_trainable: true, hub_frozen: false },
    }),
    call: (_a, inputs) => mod.forward(inputs[0] ?? []),
  };
  st.spec = spec;
  st.args = { "**kwargs": {} };
  return inst;
}

/** The tensorflow_hub package: KerasLayer; the rest (hub.load, resolve) opaque. */
export function tfHubRoot(): Value {
  return nativeModule(
    "tensorflow_hub",
    { KerasLayer: fn("tensorflow_hub.KerasLayer", (ip, args, kw, node) => kerasLayer(ip, args, kw, node)) },
    (attr) => opaque(`tensorflow_hub.${attr}`),
  );
}
