// torch.fft.* and torch.stft/istft: output shapes and dtypes only. Under the counting convention
// (layerSpec.ts, test/oracle/README.md) only matmul, convolution and bilinear products are MACs; an FFT
// reaches the dispatcher as `_fft_r2c` / `_fft_c2c` / `_fft_c2r`, which the oracle counts as 0, like
// elementwise work. What matters is the shape: a Fourier Neural Operator's spectral einsum and an FNet
// block's feed-forward after the mixing need it to be counted at all.

import { type Arg, type Args, ArgError, REQUIRED, type Signature, ShapeError, UNKNOWN } from "../layerSpec";
import { intArg, optIntArg, raw, tensor } from "../layers/argUtils";
import { normalizeDim } from "../layers/shapeUtils";
import { dtypeArg, type FunctionTable, register, shapeOf } from "./fnUtils";

const complexOf = (dt: string | undefined) => (dt === "float64" || dt === "complex128" ? "complex128" : "complex64");
const realOf = (dt: string | undefined) => (dt === "complex128" || dt === "float64" ? "float64" : "float32");

/** How one transformed dim's length changes: c2c keeps n, r2c halves it (n // 2 + 1), c2r restores 2 (m - 1). */
type Kind = "c2c" | "r2c" | "c2r";

function outLength(kind: Kind, size: number, n: number | null): number {
  if (kind === "c2r") return n ?? 2 * (size - 1);
  const len = n ?? size;
  return kind === "r2c" ? Math.floor(len / 2) + 1 : len;
}

function optList(v: Arg, name: string, owner: string): number[] | null {
  if (v === null) return null;
  if (typeof v === "number" && Number.isInteger(v)) return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isInteger(x))) return v as number[];
  throw new ArgError(`${owner}: ${name} is ${v === UNKNOWN ? "unknown" : "not an int or a tuple of ints"}`);
}

/**
 * The transformed dims and their requested lengths: `dim` given, else the last len(s) dims, else
 * (fftn) every dim. Only the last dim is halved (r2c) or restored (c2r), as torch does.
 */
function transform(x: number[], dims: number[], sizes: Array<number | null>, kind: Kind, owner: string): number[] {
  if (sizes.length !== dims.length) throw new ArgError(`${owner}: s and dim have different lengths`);
  const out = [...x];
  dims.forEach((d, i) => {
    const at = normalizeDim(d, x.length, owner);
    const last = i === dims.length - 1;
    const n = sizes[i] ?? null;
    out[at] = last ? outLength(kind, x[at]!, n) : (n ?? x[at]!);
    if (!(out[at]! > 0)) throw new ShapeError(`${owner}: transformed length ${out[at]} is not positive`);
  });
  return out;
}

function outDtype(kind: Kind, dt: string | undefined): string {
  return kind === "c2r" ? realOf(dt) : complexOf(dt);
}

const ONE_DIM: Signature = [
  ["input", REQUIRED],
  ["n", null],
  ["dim", -1],
  ["norm", null],
];
const TWO_DIM: Signature = [
  ["input", REQUIRED],
  ["s", null],
  ["dim", [-2, -1]],
  ["norm", null],
];
const N_DIM: Signature = [
  ["input", REQUIRED],
  ["s", null],
  ["dim", null],
  ["norm", null],
];

function oneDim(kind: Kind, owner: string) {
  return (a: Args) => {
    const x = shapeOf(a, "input", owner);
    const dt = outDtype(kind, dtypeArg(a, "input"));
    if (x === null) return { output: tensor(null, dt), macs: 0 };
    return {
      output: tensor(transform(x, [intArg(a, "dim", owner)], [optIntArg(a, "n", owner)], kind, owner), dt),
      macs: 0,
    };
  };
}

function manyDims(kind: Kind, owner: string) {
  return (a: Args) => {
    const x = shapeOf(a, "input", owner);
    const dt = outDtype(kind, dtypeArg(a, "input"));
    if (x === null) return { output: tensor(null, dt), macs: 0 };
    const s = optList(raw(a, "s"), "s", owner);
    const given = optList(raw(a, "dim"), "dim", owner);
    const dims = given ?? (s ? s.map((_, i) => i - s.length) : x.map((_, i) => i));
    return { output: tensor(transform(x, dims, s ?? dims.map(() => null), kind, owner), dt), macs: 0 };
  };
}

export function registerFft(t: FunctionTable): void {
  const fft = (name: string) => `fft.${name}`;
  for (const [name, kind] of [
    ["fft", "c2c"],
    ["ifft", "c2c"],
    ["rfft", "r2c"],
    ["ihfft", "r2c"],
    ["irfft", "c2r"],
    ["hfft", "c2r"],
  ] as const) {
    register(t, { torch: [fft(name)] }, ONE_DIM, oneDim(kind, `torch.fft.${name}`));
    for (const [suffix, sig] of [
      ["2", TWO_DIM],
      ["n", N_DIM],
    ] as const)
      register(t, { torch: [fft(`${name}${suffix}`)] }, sig, manyDims(kind, `torch.fft.${name}${suffix}`));
  }
  for (const name of ["fftshift", "ifftshift"]) {
    register(
      t,
      { torch: [fft(name)] },
      [
        ["input", REQUIRED],
        ["dim", null],
      ],
      (a) => ({ output: tensor(shapeOf(a, "input", `torch.fft.${name}`), dtypeArg(a, "input")), macs: 0 }),
    );
  }
  for (const [name, half] of [
    ["fftfreq", false],
    ["rfftfreq", true],
  ] as const) {
    register(
      t,
      { torch: [fft(name)] },
      [
        ["n", REQUIRED],
        ["d", 1.0],
        ["**kw", null],
      ],
      (a) => {
        const n = intArg(a, "n", `torch.fft.${name}`);
        return { output: tensor([half ? Math.floor(n / 2) + 1 : n], "float32"), macs: 0 };
      },
    );
  }
  registerStft(t);
}

/** torch.stft: (…, L) → (…, freq, frames), complex (or a trailing 2 with return_complex=False); istft back. */
function registerStft(t: FunctionTable): void {
  const common: Signature = [
    ["input", REQUIRED],
    ["n_fft", REQUIRED],
    ["hop_length", null],
    ["win_length", null],
    ["window", null],
    ["center", true],
  ];
  register(
    t,
    { torch: ["stft"], method: ["stft"] },
    [...common, ["pad_mode", "reflect"], ["normalized", false], ["onesided", null], ["return_complex", null]],
    (a) => {
      const owner = "torch.stft";
      const x = shapeOf(a, "input", owner);
      const nFft = intArg(a, "n_fft", owner);
      const hop = optIntArg(a, "hop_length", owner) ?? Math.floor(nFft / 4);
      const inDt = dtypeArg(a, "input");
      const complexIn = inDt?.startsWith("complex") ?? false;
      const onesided = raw(a, "onesided") === null ? !complexIn : raw(a, "onesided") === true;
      const asComplex = raw(a, "return_complex") === true;
      const dt = asComplex ? complexOf(inDt) : realOf(inDt);
      if (x === null) return { output: tensor(null, dt), macs: 0 };
      if (x.length < 1 || x.length > 2) throw new ShapeError(`${owner}: expected a 1-d or 2-d input`);
      const len = x[x.length - 1]! + (raw(a, "center") === false ? 0 : 2 * Math.floor(nFft / 2));
      if (len < nFft) throw new ShapeError(`${owner}: input is shorter than n_fft`);
      const frames = 1 + Math.floor((len - nFft) / hop);
      const out = [...x.slice(0, -1), onesided ? Math.floor(nFft / 2) + 1 : nFft, frames, ...(asComplex ? [] : [2])];
      return { output: tensor(out, dt), macs: 0 };
    },
  );
  register(
    t,
    { torch: ["istft"], method: ["istft"] },
    [...common, ["normalized", false], ["onesided", null], ["length", null], ["return_complex", false]],
    (a) => {
      const owner = "torch.istft";
      const x = shapeOf(a, "input", owner);
      const nFft = intArg(a, "n_fft", owner);
      const hop = optIntArg(a, "hop_length", owner) ?? Math.floor(nFft / 4);
      const dt = raw(a, "return_complex") === true ? complexOf(dtypeArg(a, "input")) : realOf(dtypeArg(a, "input"));
      if (x === null) return { output: tensor(null, dt), macs: 0 };
      if (x.length < 2 || x.length > 3) throw new ShapeError(`${owner}: expected (…, freq, frames)`);
      const frames = x[x.length - 1]!;
      const length =
        optIntArg(a, "length", owner) ??
        nFft + hop * (frames - 1) - (raw(a, "center") === false ? 0 : 2 * Math.floor(nFft / 2));
      return { output: tensor([...x.slice(0, -2), length], dt), macs: 0 };
    },
  );
}
