// User classes deriving from a modelled library factory (`class WeightedTrainer(Trainer)`): the
// factory becomes a base class whose __init__ builds the native object, which the instance keeps.
import type { Node } from "web-tree-sitter";
import { getAttr } from "./attributes";
import { makeClass } from "./classes";
import type { Interp } from "./interp";
import { type ClassV, type InstanceV, NONE, type Value } from "./values";

/** The instance attribute holding the native object its native base built. */
const DELEGATE = "__fp_native_base";

type BuiltinV = Extract<Value, { k: "builtin" }>;

// One class per factory, so two subclasses of the same Trainer share a base (and an MRO).
const classes = new WeakMap<BuiltinV, ClassV>();

/**
 * Frameworks model most library classes as factories (`Trainer(...)` returns a native object with
 * `train()`); subclassing one must keep that behaviour, since overriding one hook (compute_loss,
 * training_step) is how such classes are meant to be used. The user's methods still come first.
 */
export function nativeBaseClass(factory: BuiltinV): ClassV {
  const known = classes.get(factory);
  if (known) return known;
  const name = factory.name.split(".").pop() ?? factory.name;
  const cls = makeClass(name, [], new Map(), {
    qualname: factory.name,
    native: {
      init: (ip, [self, ...args], kw, node) => {
        if (self?.k !== "instance") return NONE;
        const native = factory.fn(ip, args, kw, node);
        // The native object may call back the user's overrides (Trainer.train → compute_loss).
        if (native.k === "native") native.data.pySelf = self;
        self.attrs.set(DELEGATE, native);
        return NONE;
      },
    },
  });
  classes.set(factory, cls);
  return cls;
}

/** The native object behind an instance of such a subclass, if any. */
export function nativeDelegate(v: Value): Value | null {
  return v.k === "instance" ? (v.attrs.get(DELEGATE) ?? null) : null;
}

/** The value itself, or the native object behind a subclass instance (for code that reads `.data`). */
export function unwrapNative(v: Value | undefined): Value | undefined {
  return v ? (nativeDelegate(v) ?? v) : v;
}

/** An attribute the user's class does not define, looked up on the native object it wraps. */
export function delegatedAttr(ip: Interp, obj: InstanceV, name: string, node: Node | null): Value | undefined {
  const d = obj.attrs.get(DELEGATE);
  return d ? getAttr(ip, d, name, node) : undefined;
}
