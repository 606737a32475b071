// keras.layers.EinsumDense: kernel, bias and output shapes as keras/src/layers/core/einsum_dense.py
// derives them (_analyze_einsum_string / _analyze_split_string); MACs are the einsum's index product.

import { ArgError, type KArgs, type KerasLayerSpec, REQUIRED, type Shape, ShapeError } from "../kerasLayerSpec";
import { knownDim, rawArg, single, weightsOf } from "./kerasArgs";

interface Analysed {
  kernel: number[];
  bias: number[] | null;
  /** Output shape per sample (batch axis dropped). */
  output: Shape;
  macs: number | null;
}

/** The `output_shape` argument as Keras keeps it: an int becomes a one-element tuple; None entries allowed. */
function partialOutput(a: KArgs): Array<number | null> {
  const v = rawArg(a, "output_shape");
  if (typeof v === "number" && Number.isInteger(v)) return [v];
  if (Array.isArray(v) && v.every((x) => x === null || (typeof x === "number" && Number.isInteger(x))))
    return v as Array<number | null>;
  throw new ArgError("EinsumDense: output_shape is not an int or a tuple of ints/None");
}

/**
 * Keras' three accepted forms: "ab,bc->ac", "...b,bc->...c" (left elided) and "ab...,bc->ac..." (right
 * elided). Keras' input shape has the batch axis first, so the per-sample shape gets a batch of 1 here:
 * the einsum's cost per sample is then the product of its index sizes.
 */
export function analyseEinsum(equation: string, biasAxes: string | null, sample: Shape, partial: Array<number | null>) {
  const owner = "EinsumDense";
  const eq = equation.replace(/\.\.\./g, "0");
  // Anchored at the start only, like Python's re.match.
  let m = /^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)/.exec(eq);
  let leftElided = false;
  if (!m) {
    m = /^0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)/.exec(eq);
    leftElided = m !== null;
  }
  m ??= /^([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0/.exec(eq);
  if (!m)
    throw new ArgError(
      `${owner}: equation "${equation}" is not of the form ab,bc->ac, ...b,bc->...c or ab...,bc->ac...`,
    );
  const [, inSpec, wSpec, outSpec] = m as unknown as [string, string, string, string];
  const input: Shape = [1, ...sample];
  const elided = input.length - inSpec.length;
  if (elided < 0)
    throw new ShapeError(`${owner}: "${equation}" needs ${inSpec.length - 1} axes per sample, got ${sample.length}`);
  const out: Shape = [input[0]!, ...partial];
  if (elided > 0 && leftElided) for (let i = 1; i < elided; i++) out.splice(1, 0, input[i]!);
  else if (elided > 0) for (let i = input.length - elided; i < input.length; i++) out.push(input[i]!);
  const inAt = (c: string) => (leftElided ? inSpec.indexOf(c) + elided : inSpec.indexOf(c));
  const outAt = (c: string) => (leftElided ? outSpec.indexOf(c) + elided : outSpec.indexOf(c));
  for (const c of inSpec) {
    if (!outSpec.includes(c)) continue;
    const o = out[outAt(c)];
    if (o !== null && o !== undefined && input[inAt(c)] !== null && o !== input[inAt(c)])
      throw new ShapeError(`${owner}: output_shape gives ${o} for "${c}", the input has ${input[inAt(c)]}`);
    // A None in output_shape is the input's size at run time.
    out[outAt(c)] = input[inAt(c)]!;
  }
  for (const c of outSpec)
    if (!inSpec.includes(c) && !wSpec.includes(c))
      throw new ArgError(`${owner}: output axis "${c}" is in neither the input nor the kernel`);
  const kernel = [...wSpec].map((c) => {
    if (inSpec.includes(c)) return knownDim(input[inAt(c)], owner, `"${c}"`);
    if (outSpec.includes(c)) return knownDim(out[outAt(c)], owner, `output "${c}"`);
    throw new ArgError(`${owner}: kernel axis "${c}" is in neither the input nor the output`);
  });
  let bias: number[] | null = null;
  if (biasAxes !== null) {
    for (const c of biasAxes)
      if (!outSpec.includes(c)) throw new ArgError(`${owner}: bias axis "${c}" is not an output axis of "${equation}"`);
    const first = Math.min(...[...biasAxes].map((c) => outSpec.indexOf(c)));
    bias = [...outSpec.slice(first)].map((c) =>
      biasAxes.includes(c) ? knownDim(out[outAt(c)], owner, `bias "${c}"`) : 1,
    );
    if (!leftElided) for (let i = 0; i < elided; i++) bias.push(1);
  }
  // Each distinct index letter is one loop of the einsum; elided axes are loops too (the batch's is 1).
  const sizes = new Map<string, number | null>();
  for (const c of inSpec) sizes.set(c, input[inAt(c)]!);
  for (let i = 0; i < wSpec.length; i++) sizes.set(wSpec[i]!, kernel[i]!);
  const elidedAxes = leftElided ? input.slice(0, elided) : input.slice(input.length - elided);
  let macs: number | null = 1;
  for (const d of [...sizes.values(), ...elidedAxes]) macs = macs === null || d === null ? null : macs * d;
  return { kernel, bias, output: out.slice(1), macs } satisfies Analysed;
}

/** A string argument kept as written: einsum letters are case-sensitive (strArg lowercases). */
function letters(a: KArgs, name: string): string {
  const v = rawArg(a, name);
  if (typeof v !== "string") throw new ArgError(`EinsumDense: ${name} is not a string`);
  return v;
}

function analyse(a: KArgs, inputs: readonly Shape[]): Analysed {
  const biasAxes = rawArg(a, "bias_axes") === null ? null : letters(a, "bias_axes");
  return analyseEinsum(letters(a, "equation"), biasAxes, single(inputs, "EinsumDense"), partialOutput(a));
}

export const EinsumDense: KerasLayerSpec = {
  signature: [
    ["equation", REQUIRED],
    ["output_shape", REQUIRED],
    ["activation", null],
    ["bias_axes", null],
    ["kernel_initializer", "glorot_uniform"],
    ["bias_initializer", "zeros"],
    ["kernel_regularizer", null],
    ["bias_regularizer", null],
    ["kernel_constraint", null],
    ["bias_constraint", null],
    ["lora_rank", null],
    ["lora_alpha", null],
    ["**kwargs", null],
  ],
  build(a, inputs) {
    // lora_rank freezes the kernel and adds two low-rank factors; not modelled rather than miscounted.
    if (rawArg(a, "lora_rank") !== null) throw new ArgError("EinsumDense: lora_rank is not modelled");
    const r = analyse(a, inputs);
    return weightsOf(r.bias ? { kernel: r.kernel, bias: r.bias } : { kernel: r.kernel });
  },
  call(a, inputs) {
    const r = analyse(a, inputs);
    return { outputs: [r.output], macs: r.macs };
  },
};
