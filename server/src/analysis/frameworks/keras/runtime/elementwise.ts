// Functions that map a tensor to a tensor of the same shape without weights or MACs (an activation
// applied as a function inside a custom layer's call(), `keras.ops.relu(x)` in a functional model):
// they hand their input on, so the layers after them still see its shape. Without them the next
// layer's input was unknown and its weights went uncounted.
import { fn, nativeModule } from "../../../evaluate/nativeHelpers";
import { NONE, type Value } from "../../../evaluate/values";

/**
 * Unary elementwise ops of keras.ops (keras.io/api/ops: the nn and numpy families) and tf.nn /
 * tf.math names that keep their input's shape. Softmax-like ops normalise along an axis, which keeps
 * the shape too. MACs: 0, as for activation layers (docs/keras-formulas.md conventions).
 */
const SAME_SHAPE = [
  "relu",
  "relu6",
  "gelu",
  "sigmoid",
  "hard_sigmoid",
  "silu",
  "swish",
  "hard_silu",
  "hard_swish",
  "mish",
  "elu",
  "selu",
  "celu",
  "glu",
  "leaky_relu",
  "softplus",
  "softsign",
  "tanh",
  "tanh_shrink",
  "softmax",
  "log_softmax",
  "log_sigmoid",
  "exp",
  "log",
  "abs",
  "absolute",
  "sqrt",
  "rsqrt",
  "square",
  "negative",
  "erf",
  "clip",
  "cast",
  "stop_gradient",
  "dropout",
  "l2_normalize",
  "normalize",
];

/** Hands its first argument on: `f(x, ...)` is x's shape. */
const passThrough = (name: string): Value => fn(name, (_ip, [x]) => x ?? NONE);

/** keras.activations: every activation maps a tensor to one of its shape; `get(name)` returns one. */
export function activationsModule(prefix: string): Value {
  return nativeModule(
    `${prefix}.activations`,
    { get: fn(`${prefix}.activations.get`, () => passThrough("activation")) },
    (attr) => passThrough(`${prefix}.activations.${attr}`),
  );
}

/** The shape-keeping entries of an ops namespace (keras.ops, tf.nn, tf.math). */
export function sameShapeOps(prefix: string): Record<string, Value> {
  return Object.fromEntries(SAME_SHAPE.map((n) => [n, passThrough(`${prefix}.${n}`)]));
}
