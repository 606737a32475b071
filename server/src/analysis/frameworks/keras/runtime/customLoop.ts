// Hand-written TensorFlow training loops: tf.GradientTape (its gradient() is the backward),
// keras optimizers (apply_gradients / minimize are the optimizer step) and the forward event a
// Keras model called on data records, so run/torchLoops.ts finds the loop like a PyTorch one.

import type { Node } from "web-tree-sitter";
import type { Interp } from "../../../evaluate/interp";
import { fn, nativeModule, nativeObject, opaque } from "../../../evaluate/nativeHelpers";
import { NONE, type NativeV, type TensorV, unknown, type Value } from "../../../evaluate/values";
import { kerasState, type LayerState } from "./state";

/** Open `with tf.GradientTape()` blocks per analysis: TensorFlow records operations only inside one. */
const TAPES = new WeakMap<Interp, number>();
const tapesOpen = (ip: Interp) => TAPES.get(ip) ?? 0;

/** tf.GradientTape(): a context that records; tape.gradient(loss, variables) runs the backward pass. */
export const gradientTape = fn("tf.GradientTape", () => {
  const tape = nativeObject(
    "tf.GradientTape",
    {},
    {
      gradient: (ip2, _self, _args, _kw, node) => {
        ip2.event({ kind: "backward" }, node);
        return unknown("gradients", node);
      },
      watch: () => NONE,
    },
  );
  tape.enter = (ip2) => {
    TAPES.set(ip2, tapesOpen(ip2) + 1);
    return tape;
  };
  tape.exit = (ip2) => {
    TAPES.set(ip2, Math.max(0, tapesOpen(ip2) - 1));
  };
  return tape;
});

/** An optimizer instance: apply_gradients is a step; minimize(loss, var_list) takes gradients and steps. */
function optimizer(name: string): NativeV {
  return nativeObject(
    `keras.optimizers.${name}`,
    { name },
    {
      apply_gradients: (ip, _self, _args, _kw, node) => {
        ip.event({ kind: "optimizerStep" }, node);
        return NONE;
      },
      minimize: (ip, _self, _args, _kw, node) => {
        ip.event({ kind: "backward" }, node);
        ip.event({ kind: "optimizerStep" }, node);
        return NONE;
      },
    },
  );
}

/**
 * mixed_precision.LossScaleOptimizer(inner): scales the loss and unscales the gradients around the
 * inner optimizer; its apply_gradients / minimize are still the step.
 */
export const lossScaleOptimizer = fn("keras.mixed_precision.LossScaleOptimizer", (_ip, [inner], kw) => {
  const opt = kw.get("inner_optimizer") ?? inner;
  return opt?.k === "native" && opt.type.startsWith("keras.optimizers.") ? opt : optimizer("LossScaleOptimizer");
});

/**
 * keras.optimizers: every class (Adam, SGD, AdamW…) builds an optimizer object; `legacy` and
 * `experimental` hold the same classes; schedules and the rest stay opaque (compile() ignores them).
 */
export function optimizersModule(path: string): Value {
  return nativeModule(path, {}, (attr) => {
    if (attr === "legacy" || attr === "experimental") return optimizersModule(`${path}.${attr}`);
    if (/^[A-Z]/.test(attr)) return fn(`${path}.${attr}`, () => optimizer(attr));
    return opaque(`${path}.${attr}`);
  });
}

/**
 * A Keras model called by the script on data (not on the symbolic tensors that wire a functional
 * model, nor by fit): a forward of that model. Outside any GradientTape TensorFlow records nothing,
 * so such a call is a no-grad forward (evaluation), as under torch.no_grad().
 */
export function recordModelForward(ip: Interp, st: LayerState, inputs: TensorV[], node: Node | null): boolean {
  const ks = kerasState(ip);
  if (inputs.some((t) => ks.tensors.has(t) && !CONCRETE.has(t))) return false;
  const s = inputs[0]?.shape;
  const shape = s?.every((d): d is number => d !== null) ? s.slice() : null;
  const outside = tapesOpen(ip) === 0;
  if (outside) ip.noGrad++;
  try {
    ip.event({ kind: "forward", modelId: st.id, inputShape: shape }, node);
  } finally {
    if (outside) ip.noGrad--;
  }
  return true;
}

/**
 * Outputs of a model run on data are data too (a GAN's generated images fed to its discriminator),
 * though Keras records them with their shapes like the symbolic tensors of a functional graph.
 */
const CONCRETE = new WeakSet<TensorV>();
export function markConcrete(outputs: TensorV[]): void {
  for (const t of outputs) CONCRETE.add(t);
}
