// torchvision transforms as shape rules on a sample's [C, H, W] (Resize, crops, Grayscale, Pad,
// Lambda) and user-written transforms run on a symbolic image, for the dataset's per-sample input.
import type { Node } from "web-tree-sitter";
import { callValue } from "../../evaluate/calls/call";
import type { Interp } from "../../evaluate/interp";
import { iterate } from "../../evaluate/iteration";
import { nativeObject } from "../../evaluate/nativeHelpers";
import { asInt, type Kw, NONE, type NativeFn, type NativeV, tensor, type Value } from "../../evaluate/values";

type ShapeFn = (s: number[] | null) => number[] | null;

function sizePair(v: Value | undefined): [number, number] | null {
  const n = asInt(v);
  if (n !== null) return [n, n];
  if (v && (v.k === "tuple" || v.k === "list")) {
    const a = asInt(v.items[0]);
    const b = asInt(v.items[1] ?? v.items[0]);
    if (a !== null && b !== null) return [a, b];
  }
  return null;
}

/** Transforms that change a sample's [C, H, W]; every other transform keeps it. */
const SHAPE_TRANSFORMS: Record<string, (args: Value[], kw: Kw) => ShapeFn> = {
  Resize: (args, kw) => {
    const v = kw.get("size") ?? args[0];
    const n = asInt(v);
    return (s) => {
      const c = s?.[0] ?? 3;
      if (n !== null) {
        // An int resizes the shorter side; square inputs stay square.
        if (!s || s[1] === s[2]) return [c, n, n];
        return s[1] < s[2] ? [c, n, Math.floor((n * s[2]) / s[1])] : [c, Math.floor((n * s[1]) / s[2]), n];
      }
      const p = sizePair(v);
      return p ? [c, p[0], p[1]] : null;
    };
  },
  CenterCrop: (args, kw) => crop(kw.get("size") ?? args[0]),
  RandomCrop: (args, kw) => crop(kw.get("size") ?? args[0]),
  RandomResizedCrop: (args, kw) => crop(kw.get("size") ?? args[0]),
  Grayscale: (args, kw) => {
    const n = asInt(kw.get("num_output_channels") ?? args[0]) ?? 1;
    return (s) => (s ? [n, ...s.slice(1)] : null);
  },
  Pad: (args, kw) => {
    const p = asInt(kw.get("padding") ?? args[0]);
    return (s) => (s && p !== null ? [s[0], s[1] + 2 * p, s[2] + 2 * p] : null);
  },
};

function crop(v: Value | undefined): ShapeFn {
  const p = sizePair(v);
  return (s) => (p ? [s?.[0] ?? 3, p[0], p[1]] : null);
}

function transform(name: string, apply: ShapeFn): NativeV {
  const t = nativeObject("transform", { name, apply }, {});
  t.call = (_ip, [x]) => (x?.k === "tensor" ? tensor(apply(x.shape ? x.shape : null), x.dtype) : (x ?? NONE));
  return t;
}

export function makeTransform(name: string): NativeFn {
  if (name === "Compose") {
    return (ip, [ts], _kw, node) => {
      const fns = (ts ? (iterate(ip, ts, node) ?? []) : []).map((t) =>
        t.k === "native" && t.type === "transform" ? (t.data.apply as ShapeFn) : (s: number[] | null) => s,
      );
      return transform("Compose", (s) => fns.reduce<number[] | null>((acc, f) => f(acc), s));
    };
  }
  if (name === "Lambda") {
    // transforms.Lambda(lambda x: x.repeat(3, 1, 1)): the function itself is the shape rule.
    return (ip, [fn], _kw, node) =>
      transform("Lambda", (s) => {
        if (!fn || s === null) return s;
        const out = callValue(ip, fn, [tensor(s, "float32")], new Map(), node);
        return out.k === "tensor" && out.shape ? out.shape : s;
      });
  }
  const shapeRule = SHAPE_TRANSFORMS[name];
  return (_ip, args, kw) => transform(name, shapeRule ? shapeRule(args, kw) : (s) => s);
}

function applyTransform(t: Value | undefined, shape: number[] | null): number[] | null {
  if (t?.k === "native" && t.type === "transform") return (t.data.apply as ShapeFn)(shape);
  return shape;
}

/**
 * The sample a dataset's `transform=` makes of an image of `raw` shape. torchvision transforms are
 * shape rules; a user callable (SimCLR's `TwoViews(aug)` returning two crops, a function) is run on
 * a symbolic tensor, and what it returns (a tensor, or a tuple of views) is the sample, unless it
 * says nothing about shapes, when the raw image is kept as before.
 */
export function transformedSample(ip: Interp, t: Value | undefined, raw: number[] | null, node: Node | null): Value {
  if (!t || t.k === "none" || (t.k === "native" && t.type === "transform"))
    return tensor(applyTransform(t, raw), "float32");
  if (t.k !== "instance" && t.k !== "func") return tensor(raw, "float32");
  const out = callValue(ip, t, [tensor(raw, "float32")], new Map(), node);
  const shaped = (v: Value) => v.k === "tensor" && v.shape !== null;
  if (shaped(out) || ((out.k === "tuple" || out.k === "list") && out.items.length > 0 && out.items.every(shaped)))
    return out;
  return tensor(raw, "float32");
}

/** The per-sample shape a sample stands for: its tensor, or the first view of a tuple of views. */
export const firstShape = (v: Value): number[] | null =>
  v.k === "tensor" ? v.shape : v.k === "tuple" || v.k === "list" ? (v.items[0] ? firstShape(v.items[0]) : null) : null;
