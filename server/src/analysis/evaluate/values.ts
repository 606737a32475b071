// The interpreter's value model: Python values, framework objects and symbolic tensors, plus
// Unknown, which every operation accepts and propagates instead of failing.
import type { Node } from "web-tree-sitter";
import type { Expr, FuncDef, Param } from "./ast";
import type { Interp } from "./interp";
import type { Scope } from "./scope";

export type Kw = Map<string, Value>;

const OPEN_KW = Symbol("open keywords");
/**
 * Marks keywords that spread `**x` of unknown contents (a dict read from a YAML file): any keyword
 * the callee did not get may still have been passed, so its default is not what runs.
 */
export function markOpenKw(kw: Kw, spread: string): void {
  (kw as Kw & { [OPEN_KW]?: string })[OPEN_KW] = spread;
}
/** The `**x` text of an unknown spread among these keywords; undefined when every keyword is known. */
export function openKw(kw: Kw): string | undefined {
  return (kw as Kw & { [OPEN_KW]?: string })[OPEN_KW];
}
export type NativeFn = (ip: Interp, args: Value[], kw: Kw, node: Node | null) => Value;

/** One parameter tensor of an nn.Module; shared (tied) weights are the same object. */
export interface ParamRef {
  shape: number[];
  numel: number;
  requiresGrad: boolean;
  /** Set when the shape could not be resolved (numel is then 0 and the count is incomplete). */
  unknownShape?: string;
  /** Why requiresGrad may be wrong: set to an undecidable value, or changed under an undecided `if`. */
  requiresGradUnsure?: string;
}

export type Value =
  | { k: "none" }
  | { k: "bool"; v: boolean }
  | { k: "num"; v: number; int: boolean }
  | { k: "str"; v: string }
  | { k: "tuple" | "list" | "set"; items: Value[] }
  | { k: "dict"; map: Map<string, [Value, Value]> }
  | { k: "range"; start: number; stop: number; step: number }
  | { k: "slice"; lo: Value; hi: Value; step: Value }
  | FuncV
  /** `classmethod`: a native class's method that receives the class it is called on (Function.apply). */
  | { k: "builtin"; name: string; fn: NativeFn; classmethod?: boolean }
  | { k: "bound"; self: Value; fn: Value }
  | ClassV
  | InstanceV
  | ModuleV
  | TensorV
  | NativeV
  | {
      k: "unknown";
      reason: string;
      node: Node | null;
      /** What calling something the analysis cannot resolve returned (an unread library's class or factory). */
      fromUnresolvedCall?: Node | null;
    };

export interface FuncV {
  k: "func";
  name: string;
  params: Param[];
  defaults: Map<string, Value>;
  body: FuncDef["body"] | Expr;
  closure: Scope;
  node: Node;
  file: string;
  /** staticmethod / classmethod / property / no_grad markers from decorators. */
  decorators: string[];
  /** Class whose body defined this function (zero-argument `super()`). */
  owner: ClassV | null;
}

/** Framework hooks for classes implemented natively (nn.Module, nn.Linear, ArgumentParser...). */
export interface NativeClass {
  /** Called with the new instance as args[0]. */
  init?: NativeFn;
  /** Builtin types whose call does not make an instance (`int("3")`, `list(x)`). */
  construct?: NativeFn;
}

export interface ClassV {
  k: "class";
  name: string;
  qualname: string;
  bases: ClassV[];
  mro: ClassV[];
  attrs: Map<string, Value>;
  native: NativeClass | null;
  node: Node | null;
  file: string | null;
  /** Annotated names of the class body in order (candidate dataclass fields). */
  annotations: string[];
  /** @dataclass / NamedTuple fields in order, with default expressions' values. */
  fields: Array<{ name: string; default: Value | null; factory: Value | null }> | null;
}

export interface InstanceV {
  k: "instance";
  cls: ClassV;
  attrs: Map<string, Value>;
  /** nn.Module state when the class derives from torch.nn.Module. */
  mod: import("../frameworks/torch/moduleState").ModuleState | null;
}

export interface ModuleV {
  k: "module";
  name: string;
  attrs: Map<string, Value>;
  /** Native packages (torch, os...) resolve attributes lazily; null for workspace files. */
  resolve: ((name: string) => Value | undefined) | null;
}

export interface TensorV {
  k: "tensor";
  /** Full shape (batch included), null when unknown. */
  shape: number[] | null;
  dtype: string;
  /** Set when this tensor is an nn.Parameter registered (or registrable) on a module. */
  param: ParamRef | null;
  /** Where a model input came from ("dataset mnist", "dummy input torch.randn(1, 3, 224, 224)"). */
  origin?: string;
  /**
   * Element values of a small tensor made from constants (arange, linspace, tensor([...])): drop-path
   * rates and stage widths that scripts read back with .item(), .tolist(), int() or iteration.
   * Trusted only while it matches the shape (one value for a 0-d tensor, shape[0] for a 1-d one).
   */
  values?: readonly number[];
  /**
   * In a model's cost trace, the module whose forward (run with grad) returned this tensor: a
   * `.detach()` of it means no gradient flows back into that module (frameworks/torch/tensorMethods.ts).
   */
  producer?: import("../frameworks/torch/moduleState").ModuleState;
  /**
   * A 1-D array whose length is read at run time (`np.memmap(path, dtype=np.uint16)` of a token
   * file): shape stays null, but a slice `data[i : i + k]` has k elements (evaluate/sliceSpan.ts).
   */
  flat?: true;
  /**
   * Computed from parameters and buffers only, not from the forward's input (frameworks/torch/weightOnly.ts):
   * a product of such tensors runs once per forward call, not once per sample.
   */
  weightOnly?: true;
}

/** The single number a 0-d (or one-element) tensor of known value holds, else null. */
export function scalarValue(v: Value | undefined): number | null {
  if (v?.k !== "tensor" || !v.values || v.values.length !== 1 || !v.shape || v.shape.some((d) => d !== 1)) return null;
  return v.values[0]!;
}

/** The values of a 1-d tensor of known values, else null. */
export function vectorValues(v: TensorV): readonly number[] | null {
  return v.values && v.shape?.length === 1 && v.values.length === v.shape[0] ? v.values : null;
}

/** Values for a tensor of `n` elements, kept only when small (a loop bound, not a dataset). */
export function smallValues(n: number, at: (i: number) => number): number[] | undefined {
  if (n > 4096) return undefined;
  return Array.from({ length: n }, (_, i) => at(i));
}

/** A framework or library object with behaviour in native code (DataLoader, optimizer, parser...). */
export interface NativeV {
  k: "native";
  type: string;
  getattr: (ip: Interp, self: NativeV, name: string, node: Node | null) => Value | undefined;
  setattr?: (self: NativeV, name: string, v: Value) => boolean;
  call?: NativeFn;
  /** Finite iteration (a dataset split into items is not; loaders are handled by `for`). */
  iter?: (ip: Interp) => Value[] | null;
  getitem?: (ip: Interp, self: NativeV, key: Value, node: Node | null) => Value;
  /** `len(x)` when known (a dataset's sample count, a loader's batches per epoch). */
  len?: () => number | null;
  /** A binary operator with this value on the left (`Path(...) / "configs"`); undefined: not supported. */
  binop?: (ip: Interp, op: string, other: Value, node: Node | null) => Value | undefined;
  /** Context-manager hooks (`with torch.no_grad():`, `with autocast():`). */
  enter?: (ip: Interp) => Value;
  exit?: (ip: Interp) => void;
  /** `for` over this value runs the body once with `sample` (a DataLoader yields one symbolic batch). */
  loop?: { sample: Value; tripCount: number | null; over: "loader" | "unknown"; loader?: import("./trace").LoaderInfo };
  /** The class `type(x)` answers, for objects scripts test by type (`type(f) == functools.partial`). */
  pyClass?: ClassV;
  data: Record<string, unknown>;
}

export const NONE: Value = { k: "none" };
export const TRUE: Value = { k: "bool", v: true };
export const FALSE: Value = { k: "bool", v: false };

export const int = (v: number): Value => ({ k: "num", v, int: true });
export const float = (v: number): Value => ({ k: "num", v, int: false });
export const str = (v: string): Value => ({ k: "str", v });
export const bool = (v: boolean): Value => (v ? TRUE : FALSE);
export const tuple = (items: Value[]): Value => ({ k: "tuple", items });
export const list = (items: Value[]): Value => ({ k: "list", items });
export const unknown = (reason: string, node: Node | null = null): Value => ({ k: "unknown", reason, node });
export const builtin = (name: string, fn: NativeFn): Value => ({ k: "builtin", name, fn });
export const tensor = (shape: number[] | null, dtype = "float32"): TensorV => ({
  k: "tensor",
  shape,
  dtype,
  param: null,
});

export function isUnknown(v: Value): v is Extract<Value, { k: "unknown" }> {
  return v.k === "unknown";
}

/** A known number (bools count as ints, as in Python), else null. */
export function asNumber(v: Value | undefined): number | null {
  if (!v) return null;
  if (v.k === "num") return v.v;
  if (v.k === "bool") return v.v ? 1 : 0;
  return null;
}

export function asInt(v: Value | undefined): number | null {
  const n = asNumber(v);
  return n !== null && Number.isInteger(n) ? n : null;
}

export function asString(v: Value | undefined): string | null {
  return v && v.k === "str" ? v.v : null;
}

/** Python truthiness; null when it cannot be known. */
export function truthy(v: Value): boolean | null {
  switch (v.k) {
    case "none":
      return false;
    case "bool":
      return v.v;
    case "num":
      return v.v !== 0;
    case "str":
      return v.v.length > 0;
    case "tuple":
    case "list":
    case "set":
      return v.items.length > 0;
    case "dict":
      return v.map.size > 0;
    case "range":
      return rangeLength(v) > 0;
    case "unknown":
      return null;
    case "tensor": {
      const x = scalarValue(v);
      return x === null ? null : x !== 0;
    }
    default:
      return true;
  }
}

export function rangeLength(r: { start: number; stop: number; step: number }): number {
  if (r.step > 0) return Math.max(0, Math.ceil((r.stop - r.start) / r.step));
  if (r.step < 0) return Math.max(0, Math.ceil((r.start - r.stop) / -r.step));
  return 0;
}

/** Dict/set key identity; null when the key is not a hashable known value. */
export function hashKey(v: Value): string | null {
  switch (v.k) {
    case "none":
      return "N";
    case "bool":
      return `n${v.v ? 1 : 0}`;
    case "num":
      return `n${v.v}`;
    case "str":
      return `s${v.v}`;
    case "tuple": {
      const parts: string[] = [];
      for (const it of v.items) {
        const h = hashKey(it);
        if (h === null) return null;
        parts.push(h);
      }
      return `t(${parts.join(",")})`;
    }
    case "class":
      return `c${v.qualname}`;
    default:
      return null;
  }
}

export function dictFrom(entries: Array<[Value, Value]>): Value {
  const map = new Map<string, [Value, Value]>();
  let anon = 0;
  for (const [k, v] of entries) map.set(hashKey(k) ?? `?${anon++}`, [k, v]);
  return { k: "dict", map };
}

/** Python type name for messages. */
export function typeName(v: Value): string {
  switch (v.k) {
    case "num":
      return v.int ? "int" : "float";
    case "instance":
      return v.cls.name;
    case "class":
      return "type";
    case "native":
      return v.type;
    case "func":
    case "builtin":
    case "bound":
      return "function";
    default:
      return v.k;
  }
}

/** Short text of a value for f-strings and names; null when not known. */
export function toText(v: Value): string | null {
  switch (v.k) {
    case "str":
      return v.v;
    case "num":
      return v.int ? String(v.v) : Number.isInteger(v.v) ? `${v.v}.0` : String(v.v);
    case "bool":
      return v.v ? "True" : "False";
    case "none":
      return "None";
    case "tuple":
    case "list": {
      const parts = v.items.map((x) => (x.k === "str" ? `'${x.v}'` : toText(x)));
      if (parts.some((p) => p === null)) return null;
      return v.k === "list" ? `[${parts.join(", ")}]` : `(${parts.join(", ")}${parts.length === 1 ? "," : ""})`;
    }
    case "native":
      // A pathlib.Path prints as its path (`str(Path(...))`, f-strings, `open(str(p))`).
      return v.type === "pathlib.Path" ? (v.data.path as string) : null;
    default:
      return null;
  }
}
