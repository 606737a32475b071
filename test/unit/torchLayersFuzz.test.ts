// Robustness of the torch tables on half-resolved arguments: whatever the interpreter hands them
// (unknowns, wrong types, odd shapes), they answer or raise ArgError/ShapeError — never crash.

import assert from "node:assert/strict";
import { test } from "node:test";
import { TORCH_FUNCTIONS } from "../../server/src/analysis/frameworks/torch/functional/index";
import {
  type Arg,
  ArgError,
  type Args,
  REQUIRED,
  ShapeError,
  type Signature,
  UNKNOWN,
} from "../../server/src/analysis/frameworks/torch/layerSpec";
import { TORCH_LAYERS } from "../../server/src/analysis/frameworks/torch/layers/index";

/** Small deterministic PRNG (mulberry32) so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomArg(r: () => number, depth = 0): Arg {
  const pick = Math.floor(r() * 11);
  const shape = () => Array.from({ length: Math.floor(r() * 5) }, () => Math.floor(r() * 6));
  switch (pick) {
    case 0:
      return UNKNOWN;
    case 1:
      return null;
    case 2:
      return Math.floor(r() * 9) - 2;
    case 3:
      return r() * 3;
    case 4:
      return r() < 0.5;
    case 5:
      return ["same", "valid", "zeros", "mean", "sum", "none", "bij,bjk->bik", "torch.float16"][Math.floor(r() * 8)]!;
    case 6:
      return depth > 1 ? 1 : Array.from({ length: Math.floor(r() * 4) }, () => randomArg(r, depth + 1));
    case 7:
      return { tensor: null };
    default:
      return { tensor: shape(), dtype: r() < 0.8 ? "float32" : "int64" };
  }
}

function randomArgs(r: () => number, signature: Signature): Args {
  const out: Args = {};
  for (const [name, fallback] of signature) {
    if (name.startsWith("**")) out[name] = {};
    else if (name.startsWith("*")) out[name] = Array.from({ length: Math.floor(r() * 4) }, () => randomArg(r));
    else out[name] = fallback === REQUIRED || r() < 0.5 ? randomArg(r) : fallback;
  }
  return out;
}

function expectGraceful(what: string, run: () => { macs: number } | unknown): void {
  try {
    const result = run();
    if (result && typeof result === "object" && "macs" in result) {
      const macs = (result as { macs: number }).macs;
      assert.ok(Number.isFinite(macs) && macs >= 0, `${what}: MACs ${macs}`);
    }
  } catch (e) {
    if (e instanceof ArgError || e instanceof ShapeError) return;
    throw new Error(`${what} crashed with ${(e as Error)?.stack ?? e}`);
  }
}

test("layers: random arguments and inputs give a result or an ArgError/ShapeError", () => {
  const r = rng(1234);
  for (const [name, spec] of Object.entries(TORCH_LAYERS)) {
    for (let i = 0; i < 60; i++) {
      const a = randomArgs(r, spec.signature);
      expectGraceful(`${name}.params(${JSON.stringify(a)})`, () => spec.params(a));
      const inputs = Array.from({ length: 1 + Math.floor(r() * 3) }, () => randomArg(r));
      expectGraceful(`${name}.forward(${JSON.stringify(a)}, ${JSON.stringify(inputs)})`, () =>
        spec.forward?.(a, inputs, {}),
      );
    }
  }
});

test("functions: random arguments give a result or an ArgError/ShapeError", () => {
  const r = rng(99);
  for (const [name, spec] of Object.entries(TORCH_FUNCTIONS)) {
    for (let i = 0; i < 40; i++) {
      const a = randomArgs(r, spec.signature);
      expectGraceful(`${name}(${JSON.stringify(a)})`, () => spec.apply(a));
    }
  }
});
