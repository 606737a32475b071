// The contract between the interpreter and the torch knowledge tables: a layer or a function is
// described by its Python signature, the exact parameter tensors it owns, and its shape/MAC rule.
// The tables are data-like: they see plain JS values, never AST nodes or interpreter internals.

export const UNKNOWN: unique symbol = Symbol("unknown");

/** Marks a parameter with no default in a signature. */
export const REQUIRED: unique symbol = Symbol("required");

/** A symbolic tensor: its full shape (batch included), or null when the shape is unknown. */
export interface TensorArg {
  readonly tensor: number[] | null;
  readonly dtype?: string;
  /** The value of a 0-d integer tensor when known (`np.array(shape).prod()`): read as an int size. */
  readonly value?: number;
}

/**
 * A Python value the interpreter could resolve, in plain JS: ints/floats as numbers, lists and
 * tuples as arrays, tensors as TensorArg, `torch.float16`-style dtypes as strings; UNKNOWN otherwise.
 */
export type Arg = number | string | boolean | null | Arg[] | TensorArg | typeof UNKNOWN;

/** Bound arguments by parameter name, defaults filled in; `*rest` binds an array, `**kw` an object. */
export type Args = Record<string, Arg | Record<string, Arg>>;

/**
 * Signature entries in declaration order: ["in_features", REQUIRED], ["bias", true]; a name starting
 * with "*" collects extra positionals ("*size" for `x.view(-1, 320)`), "**" collects extra keywords.
 */
export type Signature = ReadonlyArray<readonly [name: string, fallback: Arg | typeof REQUIRED]>;

export interface ForwardResult {
  /** A TensorArg, a tuple (array) of them (LSTM's `(out, (h, c))`), or a plain value (`x.size(0)`). */
  output: Arg;
  /** Multiply-accumulates for this call over the whole input (batch included). */
  macs: number;
  /** True when they run as a convolution (cuDNN: TF32 by default on Ampere+), not as a matmul (FP32). */
  conv?: boolean;
}

/** A torch.nn module class. */
export interface LayerSpec {
  signature: Signature;
  /**
   * Parameter tensors this module owns directly, by torch's names ("weight", "bias", "weight_ih_l0"),
   * with exact shapes. Buffers (BatchNorm running stats) are not parameters. Throws ArgError when a
   * needed argument is UNKNOWN or invalid.
   */
  params(a: Args): Record<string, number[]>;
  /** `layer(*inputs, **kwargs)`; absent for containers, which the interpreter handles itself. */
  forward?(a: Args, inputs: Arg[], kwargs: Record<string, Arg>): ForwardResult;
  /**
   * Lazy layers (LazyLinear, LazyConv2d…): the parameters their first call creates, sized from its
   * input; null while that input's shape is unknown.
   */
  materialize?(a: Args, inputs: Arg[]): Record<string, number[]> | null;
}

/** A function or tensor method: `torch.cat`, `F.relu`, `Tensor.view` (its first parameter is "self"). */
export interface FunctionSpec {
  signature: Signature;
  apply(a: Args): ForwardResult;
}

/**
 * An error that carries a message for the user and is caught by the interpreter: no stack trace
 * is captured (V8 collects one per `new Error`; shape probes in forward traces throw often enough
 * for that to show in a profile, and nobody reads these stacks).
 */
export class MessageError extends Error {
  constructor(message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

/** An argument was unknown or invalid; the message names it ("Linear: in_features is unknown"). */
export class ArgError extends MessageError {
  override name = "ArgError";
}

/** The input does not fit ("Linear(784→10) got last dim 512"). */
export class ShapeError extends MessageError {
  override name = "ShapeError";
}

/*
 * MAC convention — the oracle (test/oracle) counts the same at the aten level (mm, addmm, bmm,
 * baddbmm, convolution), and FLOPs = 2 × MACs everywhere in the product:
 * - Linear: rows × in × out (bias adds are not MACs). Bilinear: rows × out × in1 × in2.
 * - ConvNd: output elements × (in_channels / groups) × prod(kernel).
 *   ConvTransposeNd: input elements × (out_channels / groups) × prod(kernel).
 * - RNN/LSTM/GRU per step, layer and direction: gates × hidden × (input + hidden) (+ hidden × proj).
 * - MultiheadAttention: q/k/v/out projections + QKᵀ (L × S × E) + AV (L × S × E).
 * - matmul / bmm / @ / einsum: the product of the contracted and free dimensions.
 * - Embedding, norms, activations, pooling, dropout, elementwise ops: 0 MACs.
 */
