// The `keras` and `tensorflow` namespaces: keras.layers (catalog classes, Layer, Input, merge
// helpers), Sequential/Model, datasets, callbacks, utils, mixed_precision, applications, tf.data
// and tf.distribute.

import { kerasTensorOp } from "./tensorOps";
import type { Interp } from "../../../evaluate/interp";
import { fn, nativeModule, opaque } from "../../../evaluate/nativeHelpers";
import { asInt, builtin, int, NONE, tensor, tuple, unknown, type Value } from "../../../evaluate/values";
import { MERGE_FUNCTIONS } from "../layers/index";
import { opsMatmul } from "./opsMatmul";
import { sampleShape } from "./tensors";
import { applicationsModule } from "./applications";
import { distributeModule } from "./distribute";
import { activationsModule, sameShapeOps } from "./elementwise";
import { catalogClass, inputLayerClass, kerasClasses, kerasInput, lambdaClass, mergeFunction } from "./classes";
import {
  callback,
  loadData,
  modelMethods,
  padSequences,
  policyClass,
  setGlobalPolicy,
  toCategorical,
} from "./training";
import { gradientTape, lossScaleOptimizer, optimizersModule } from "./customLoop";
import { fromTensorSlices, imageDataGenerator, imageDatasetFromDirectory, textDatasetFromDirectory } from "./tfData";

const DATASETS = [
  "mnist",
  "fashion_mnist",
  "cifar10",
  "cifar100",
  "imdb",
  "reuters",
  "boston_housing",
  "california_housing",
];

function constantOfShape(v: Value | undefined): Value {
  const items = v && (v.k === "tuple" || v.k === "list") ? v.items.map((d) => asInt(d)) : [asInt(v)];
  return items.every((d): d is number => d !== null) ? tensor(items) : tensor(null);
}

/** keras.ops pieces custom layers use to size things: shape() (None batch) and arange(). */
function opsModule(): Value {
  return nativeModule(
    "keras.ops",
    {
      shape: fn("keras.ops.shape", (ip, [x], _kw, node) => {
        const s = sampleShape(ip, x);
        return s
          ? tuple([NONE, ...s.map((d) => (d === null ? NONE : int(d)))])
          : unknown("shape of an unknown tensor", node);
      }),
      arange: fn("keras.ops.arange", (_ip, args, kw) => {
        const start = asInt(kw.get("start") ?? (args.length > 1 ? args[0] : undefined)) ?? 0;
        const stop = asInt(kw.get("stop") ?? (args.length > 1 ? args[1] : args[0]));
        return stop === null ? tensor(null) : tensor([Math.max(0, stop - start)], "int32");
      }),
      // Constant tables added to a Keras tensor (a fixed positional encoding): sized so the operator
      // node can keep the Keras tensor's lineage.
      zeros: fn("keras.ops.zeros", (_ip, args, kw) => constantOfShape(kw.get("shape") ?? args[0])),
      ones: fn("keras.ops.ones", (_ip, args, kw) => constantOfShape(kw.get("shape") ?? args[0])),
      ...sameShapeOps("keras.ops"),
      matmul: opsMatmul,
    },
    (attr) => opaque(`keras.ops.${attr}`),
  );
}

function kerasModule(ip: Interp): Value {
  const k = kerasClasses(ip);
  for (const [name, m] of modelMethods()) if (!k.Model.attrs.has(name)) k.Model.attrs.set(name, m);
  const input = builtin("keras.Input", kerasInput);
  const layerEntries: Record<string, Value> = {
    Layer: k.Layer,
    Input: input,
    InputLayer: inputLayerClass(ip),
    Lambda: lambdaClass(ip),
  };
  for (const f of Object.keys(MERGE_FUNCTIONS)) layerEntries[f] = mergeFunction(f);
  // TF 2.3–2.5 spelled the preprocessing layers keras.layers.experimental.preprocessing.X.
  const experimental = nativeModule("keras.layers.experimental.preprocessing", {}, (attr) => catalogClass(ip, attr));
  layerEntries.experimental = nativeModule("keras.layers.experimental", { preprocessing: experimental }, (attr) =>
    catalogClass(ip, attr),
  );
  const layers = nativeModule("keras.layers", layerEntries, (attr) => catalogClass(ip, attr));
  const models = nativeModule("keras.models", { Sequential: k.Sequential, Model: k.Model });
  const datasets = nativeModule(
    "keras.datasets",
    Object.fromEntries(DATASETS.map((d) => [d, nativeModule(`keras.datasets.${d}`, { load_data: loadData(d) })])),
  );
  const callbacks = nativeModule("keras.callbacks", {}, (attr) => callback(attr));
  const sequence = nativeModule("keras.preprocessing.sequence", { pad_sequences: padSequences });
  const utils = nativeModule("keras.utils", {
    pad_sequences: padSequences,
    to_categorical: toCategorical,
    image_dataset_from_directory: imageDatasetFromDirectory,
    text_dataset_from_directory: textDatasetFromDirectory,
  });
  // TF 2.1–2.3 spelled it mixed_precision.experimental.set_policy; Keras 3 also keras.config.set_dtype_policy.
  const experimentalMixed = nativeModule("keras.mixed_precision.experimental", {
    set_policy: setGlobalPolicy,
    Policy: policyClass,
  });
  const mixed = nativeModule("keras.mixed_precision", {
    set_global_policy: setGlobalPolicy,
    set_dtype_policy: setGlobalPolicy,
    Policy: policyClass,
    DTypePolicy: policyClass,
    LossScaleOptimizer: lossScaleOptimizer,
    experimental: experimentalMixed,
  });
  const config = nativeModule("keras.config", { set_dtype_policy: setGlobalPolicy }, (attr) =>
    opaque(`keras.config.${attr}`),
  );
  const applications = applicationsModule();
  return nativeModule(
    "keras",
    {
      layers,
      models,
      datasets,
      callbacks,
      optimizers: optimizersModule("keras.optimizers"),
      utils,
      mixed_precision: mixed,
      config,
      applications,
      preprocessing: nativeModule("keras.preprocessing", {
        sequence,
        image_dataset_from_directory: imageDatasetFromDirectory,
        text_dataset_from_directory: textDatasetFromDirectory,
        image: nativeModule("keras.preprocessing.image", { ImageDataGenerator: imageDataGenerator }, (attr) =>
          opaque(`keras.preprocessing.image.${attr}`),
        ),
      }),
      Sequential: k.Sequential,
      Model: k.Model,
      Input: input,
      ops: opsModule(),
      activations: activationsModule("keras"),
    },
    (attr) => opaque(`keras.${attr}`),
  );
}

/** The `keras` package (Keras 3, or tf.keras through `tensorflow.keras`). */
export function kerasRoot(ip: Interp): Value {
  ip.tensorOpHook = kerasTensorOp;
  return kerasModule(ip);
}

/** The `tensorflow` package: tf.keras, tf.data, and inert names for the rest. */
export function tensorflowRoot(ip: Interp): Value {
  ip.tensorOpHook = kerasTensorOp;
  const data = nativeModule("tensorflow.data", {
    Dataset: nativeModule("tensorflow.data.Dataset", { from_tensor_slices: fromTensorSlices }),
    AUTOTUNE: NONE,
  });
  const identity = fn("tf.function", (_ip, [f]) => f ?? NONE);
  // tf.random.normal([batch, dim]): noise fed to generators (GAN loops); values never computed.
  const sized = (name: string) =>
    fn(`tf.random.${name}`, (_ip, [shape], kw) => {
      const s = kw.get("shape") ?? shape;
      const dims = s && (s.k === "list" || s.k === "tuple") ? s.items.map(asInt) : null;
      return tensor(dims?.every((d): d is number => d !== null) ? dims : null);
    });
  const random = nativeModule("tensorflow.random", { normal: sized("normal"), uniform: sized("uniform") });
  return nativeModule(
    "tensorflow",
    {
      keras: kerasModule(ip),
      data,
      random,
      distribute: distributeModule(),
      nn: nativeModule("tensorflow.nn", sameShapeOps("tf.nn")),
      math: nativeModule("tensorflow.math", sameShapeOps("tf.math")),
      newaxis: NONE,
      function: identity,
      GradientTape: gradientTape,
    },
    (attr) => opaque(`tensorflow.${attr}`),
  );
}
