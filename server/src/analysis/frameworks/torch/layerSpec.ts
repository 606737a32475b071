// The contract between the interpreter and the torch.nn layer catalog: a layer is described by
// its Python signature, the exact shapes of the parameter tensors it owns, and (when it has one)
// its shape/MAC rule for a forward call. The catalog is data-like and never sees AST nodes.

/** A Python value the interpreter could resolve, in plain JS; UNKNOWN when it could not. */
export type Arg = number | string | boolean | null | Arg[] | typeof UNKNOWN;

export const UNKNOWN: unique symbol = Symbol("unknown");

/** Marks a parameter with no default in a signature. */
export const REQUIRED: unique symbol = Symbol("required");

/** Bound arguments by parameter name, defaults filled in. */
export type Args = Record<string, Arg>;

/** A tensor shape including the batch dimension; null when unknown. */
export type Shape = number[];

/** What a forward call returns: a tensor shape, or a tuple/list of them (LSTM's `(out, (h, c))`). */
export type TorchOut = Shape | { tuple: Array<TorchOut | null> };

export interface ForwardResult {
  output: TorchOut;
  /** Multiply-accumulates for this call over the whole input (batch included). */
  macs: number;
}

export interface LayerSpec {
  /** Constructor signature in order, as torch declares it (keyword-only ones after positional ones). */
  signature: ReadonlyArray<readonly [name: string, fallback: Arg | typeof REQUIRED]>;
  /**
   * Parameter tensors this module owns directly, by torch's names ("weight", "bias",
   * "weight_ih_l0"...), with exact shapes. Buffers (BatchNorm running stats) are not parameters.
   * Throws ArgError when an argument it needs is UNKNOWN or invalid.
   */
  params(a: Args): Record<string, number[]>;
  /**
   * Shape and MACs of `layer(*inputs)`; absent for layers the interpreter handles structurally
   * (containers). Throws ShapeError when the input does not fit (e.g. Linear in_features mismatch).
   */
  forward?(a: Args, inputs: Array<TorchOut | null>, kwargs: Record<string, Arg>): ForwardResult;
}

/** An argument a layer needs was unknown or invalid; message names it ("Linear: in_features unknown"). */
export class ArgError extends Error {
  override name = "ArgError";
}

/** Input shape does not fit the layer; message says how ("Linear expects last dim 784, got 512"). */
export class ShapeError extends Error {
  override name = "ShapeError";
}

/*
 * MAC convention (the oracle counts the same at the aten level: mm/addmm/bmm/baddbmm/convolution):
 * - Linear: rows × in × out (bias adds are not MACs). Bilinear: rows × out × in1 × in2.
 * - ConvNd: output elements × (in_channels / groups) × prod(kernel).
 *   ConvTransposeNd: input elements × (out_channels / groups) × prod(kernel).
 * - RNN/LSTM/GRU per step, layer and direction: gates × hidden × (input + hidden) (+ hidden × proj for LSTM proj_size).
 * - MultiheadAttention: q/k/v/out projections + QKᵀ (L × S × E) + AV (L × S × E).
 * - Embedding, norms, activations, pooling, dropout, elementwise ops: 0 MACs.
 */
