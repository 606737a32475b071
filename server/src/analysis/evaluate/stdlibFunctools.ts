// `functools` as model code uses it. `partial` is a real class, not a plain function: the
// pix2pix/CycleGAN idiom picks a layer's bias from `type(norm_layer) == functools.partial` and
// `norm_layer.func == nn.InstanceNorm2d`, so the object must answer type(), isinstance() and its
// `func` / `args` / `keywords` attributes the way Python's does.
import { callValue } from "./calls/call";
import { makeClass } from "./classes";
import type { Interp } from "./interp";
import { iterate } from "./iteration";
import { fn, nativeModule } from "./nativeHelpers";
import { type ClassV, dictFrom, type Kw, NONE, type NativeV, str, tuple, unknown, type Value } from "./values";

const partialClass: ClassV = makeClass("partial", [], new Map(), {
  qualname: "functools.partial",
  native: {
    construct: (_ip, [f, ...bound], kw, node) => (f ? partialObject(f, bound, kw) : unknown("partial()", node)),
  },
});

function partialObject(f: Value, bound: Value[], boundKw: Kw): NativeV {
  // partial(partial(f, a), b) is partial(f, a, b), as CPython flattens it.
  if (f.k === "native" && f.pyClass === partialClass) {
    const inner = f.data as { func: Value; args: Value[]; kw: Kw };
    return partialObject(inner.func, [...inner.args, ...bound], new Map([...inner.kw, ...boundKw]));
  }
  return {
    k: "native",
    type: "functools.partial",
    pyClass: partialClass,
    data: { func: f, args: bound, kw: boundKw },
    call: (ip, args, kw, node) => callValue(ip, f, [...bound, ...args], new Map([...boundKw, ...kw]), node),
    getattr: (_ip, _self, name) => {
      if (name === "func") return f;
      if (name === "args") return tuple(bound);
      if (name === "keywords") return dictFrom(Array.from(boundKw, ([k, v]) => [str(k), v]));
      return undefined;
    },
  };
}

export function functoolsModule(identityDecorator: Value) {
  return nativeModule("functools", {
    partial: partialClass,
    wraps: fn("functools.wraps", () => identityDecorator),
    lru_cache: fn("functools.lru_cache", (_ip, [f]) => (f?.k === "func" ? f : identityDecorator)),
    cache: identityDecorator,
    reduce: fn("functools.reduce", (i: Interp, [f, it, init], _kw, node) => {
      const items = it ? iterate(i, it, node) : null;
      if (!f || !items) return unknown("reduce", node);
      let acc = init ?? items.shift() ?? NONE;
      for (const x of items) acc = callValue(i, f, [acc, x], new Map(), node);
      return acc;
    }),
  });
}
