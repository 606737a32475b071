// Expression evaluation: literals, names, attributes, calls, operators, containers,
// comprehensions, lambdas. Unknown operands give Unknown results, never exceptions.
import { spanSlice } from "./sliceSpan";
import type { Node } from "web-tree-sitter";
import type { CallArg, CompClause, Expr } from "./ast";
import { getAttr } from "./attributes";
import { callValue } from "./calls/call";
import type { Interp } from "./interp";
import type { LoopFrame } from "./trace";
import { iterate } from "./iteration";
import { assignTarget } from "./assign";
import { binop, compare, unaryop } from "./operators";
import { Scope } from "./scope";
import { subscript } from "./subscript";
import { undecidedChoice } from "./undecided";
import {
  bool,
  dictFrom,
  type FuncV,
  float,
  hashKey,
  int,
  type Kw,
  markOpenKw,
  NONE,
  str,
  toText,
  truthy,
  unknown,
  type Value,
} from "./values";

export function evalExpr(ip: Interp, e: Expr, s: Scope): Value {
  ip.step();
  if (!ip.enter()) return unknown("expression nested too deeply to analyse", e.node);
  try {
    return evalInner(ip, e, s);
  } finally {
    ip.leave();
  }
}

function evalInner(ip: Interp, e: Expr, s: Scope): Value {
  switch (e.t) {
    case "name":
      return s.lookup(e.id) ?? unknown(`name '${e.id}' is not defined`, e.node);
    case "num":
      return e.int ? int(e.v) : float(e.v);
    case "str":
      return str(e.v);
    case "const":
      return e.v === null ? NONE : bool(e.v);
    case "fstr": {
      let out = "";
      for (const p of e.parts) {
        if (typeof p === "string") out += p;
        else {
          const t = toText(evalExpr(ip, p, s));
          if (t === null) return unknown("f-string with an unknown value", e.node);
          out += t;
        }
      }
      return str(out);
    }
    case "attr":
      return getAttr(ip, evalExpr(ip, e.obj, s), e.name, e.node);
    case "sub": {
      const obj = evalExpr(ip, e.obj, s);
      const out = subscript(ip, obj, evalExpr(ip, e.index, s), e.node);
      return obj.k === "tensor" && e.index.t === "slice" ? spanSlice(ip, obj, e.index, out, s) : out;
    }
    case "slice":
      return {
        k: "slice",
        lo: e.lo ? evalExpr(ip, e.lo, s) : NONE,
        hi: e.hi ? evalExpr(ip, e.hi, s) : NONE,
        step: e.step ? evalExpr(ip, e.step, s) : NONE,
      };
    case "call": {
      if (e.fn.t === "name" && e.fn.id === "eval" && !s.lookup("eval")) return evalDottedName(ip, e, s);
      // globals()[args.arch]: the module's names at this point, a snapshot to read from.
      if (e.fn.t === "name" && e.fn.id === "globals" && e.args.length === 0 && !s.lookup("globals"))
        return dictFrom(Array.from(s.globals.vars, ([k, v]) => [str(k), v]));
      const fn = evalExpr(ip, e.fn, s);
      const [args, kw] = evalArgs(ip, e.args, s);
      return callValue(ip, fn, args, kw, e.node);
    }
    case "bin":
      return binop(ip, e.op, evalExpr(ip, e.l, s), evalExpr(ip, e.r, s), e.node);
    case "unary":
      return unaryop(ip, e.op, evalExpr(ip, e.e, s), e.node);
    case "not": {
      const t = truthy(evalExpr(ip, e.e, s));
      return t === null ? unknown("negation of an unknown value", e.node) : bool(!t);
    }
    case "bool": {
      const l = evalExpr(ip, e.l, s);
      const t = truthy(l);
      if (t === null) {
        // `x or default`: when the left side is unknown the right side is the best guess.
        const r = evalExpr(ip, e.r, s);
        return e.op === "or" && r.k !== "unknown" ? r : l;
      }
      if (e.op === "and") return t ? evalExpr(ip, e.r, s) : l;
      return t ? l : evalExpr(ip, e.r, s);
    }
    case "cmp": {
      let left = evalExpr(ip, e.operands[0], s);
      let result: Value = bool(true);
      for (let i = 0; i < e.ops.length; i++) {
        const right = evalExpr(ip, e.operands[i + 1], s);
        const r = compare(ip, e.ops[i], left, right, e.node);
        const t = truthy(r);
        if (t === false) return r;
        if (t === null) result = r;
        left = right;
      }
      return result;
    }
    case "tuple":
    case "list":
    case "set": {
      const items = evalItems(ip, e.items, s);
      if (!items) return unknown(`${e.t} built from an unknown iterable`, e.node);
      return { k: e.t, items };
    }
    case "dict": {
      const entries: Array<[Value, Value]> = [];
      for (const en of e.entries) {
        if (en.key) entries.push([evalExpr(ip, en.key, s), evalExpr(ip, en.value, s)]);
        else {
          const d = evalExpr(ip, en.value, s);
          if (d.k === "dict") entries.push(...d.map.values());
          else return unknown("dict unpacking of an unknown value", e.node);
        }
      }
      return dictFrom(entries);
    }
    case "comp":
      return comprehension(ip, e, s);
    case "ifexp": {
      const t = truthy(evalExpr(ip, e.cond, s));
      if (t === true) return evalExpr(ip, e.a, s);
      if (t === false) return evalExpr(ip, e.b, s);
      const a = evalExpr(ip, e.a, s);
      if (a.k === "unknown") return evalExpr(ip, e.b, s);
      // Two numbers, strings or modules (`1024 if cfg["large"] else 256`, `nn.Conv2d(…) if c else nn.Linear(…)`):
      // the first is not the script's choice any more than the second, so the value says both.
      if (a.k !== "num" && a.k !== "str" && a.k !== "none" && !(a.k === "instance" && a.mod)) return a;
      return undecidedChoice(ip, e.cond.node, null, a, evalExpr(ip, e.b, s));
    }
    case "lambda": {
      const defaults = new Map<string, Value>();
      for (const p of e.params) if (p.default) defaults.set(p.name, evalExpr(ip, p.default, s));
      const f: FuncV = {
        k: "func",
        name: "<lambda>",
        params: e.params,
        defaults,
        body: e.body,
        closure: s.closureScope(),
        node: e.node,
        file: ip.currentFile,
        decorators: [],
        owner: null,
      };
      return f;
    }
    case "walrus": {
      const v = evalExpr(ip, e.e, s);
      s.set(e.name, v);
      return v;
    }
    case "star":
      return unknown("starred expression outside a call or literal", e.node);
    case "error":
      return unknown(e.why, e.node);
  }
}

/**
 * `eval("models." + cfg.MODEL.NAME + ".get_seg_model")`, HRNet's way to pick a factory: a string
 * that is only a dotted name is looked up like the expression it spells (names and attributes,
 * nothing run). Any other code is not analysed, and says so instead of dropping what it builds.
 */
function evalDottedName(ip: Interp, e: Extract<Expr, { t: "call" }>, s: Scope): Value {
  const [args] = evalArgs(ip, e.args, s);
  const text = args[0]?.k === "str" ? args[0].v.trim() : null;
  if (text === null || !/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(text)) {
    const why = text === null ? "eval() of a string known only at run time" : "eval() of code other than a dotted name";
    ip.note(why, e.node, "what it builds is not counted");
    return unknown(why, e.node);
  }
  const [first, ...rest] = text.split(".");
  let v: Value = s.lookup(first!) ?? unknown(`name '${first}' is not defined`, e.node);
  for (const attr of rest) v = getAttr(ip, v, attr, e.node);
  if (v.k === "unknown") ip.note(`eval("${text}") names nothing the analysis knows`, e.node);
  return v;
}

/** Positional values (with `*x` spread) and keywords (with `**d` spread). */
/** Shared keyword map for calls without keywords; callees never mutate the map they get. */
const NO_KW: Kw = new Map();

export function evalArgs(ip: Interp, args: CallArg[], s: Scope): [Value[], Kw] {
  const pos: Value[] = [];
  let kw: Kw = NO_KW;
  for (const a of args) {
    const v = evalExpr(ip, a.value, s);
    if (a.name === null && !a.star) pos.push(v);
    else if (a.name === null) {
      const items = iterate(ip, v, a.value.node);
      if (items) pos.push(...items);
      else pos.push(unknown("*args of an unknown iterable", a.value.node));
    } else {
      if (kw === NO_KW) kw = new Map();
      if (a.name !== "**") kw.set(a.name, v);
      else if (v.k === "dict") {
        for (const [k, val] of v.map.values()) if (k.k === "str") kw.set(k.v, val);
      } else if (v.k === "instance" && !v.mod) {
        for (const [k, val] of v.attrs) kw.set(k, val);
      } else if (v.k === "native" && v.iter && v.getitem) {
        // A mapping object (OmegaConf's DictConfig): its keys, each read through its own lookup.
        const keys = v.iter(ip);
        if (!keys) markOpenKw(kw, `**${a.value.node?.text ?? "kwargs"}`);
        for (const k of keys ?? []) if (k.k === "str") kw.set(k.v, v.getitem(ip, v, k, a.value.node));
      } else {
        // Anything else spread here has keys the analysis cannot list: dropping them silently would
        // let the callee's defaults stand for values the script sets.
        markOpenKw(kw, `**${a.value.node?.text ?? "kwargs"}`);
      }
    }
  }
  return [pos, kw];
}

/** Items of a list/tuple/set literal, spreading `*x`; null when a spread is unknown. */
function evalItems(ip: Interp, items: Expr[], s: Scope): Value[] | null {
  const out: Value[] = [];
  for (const it of items) {
    if (it.t === "star") {
      const spread = iterate(ip, evalExpr(ip, it.e, s), it.node);
      if (!spread) return null;
      out.push(...spread);
    } else out.push(evalExpr(ip, it, s));
  }
  return out;
}

function comprehension(ip: Interp, e: Extract<Expr, { t: "comp" }>, s: Scope): Value {
  const inner = new Scope(s, s.globals);
  const items: Value[] = [];
  const keys: Value[] = [];
  let failed: Value | null = null;
  const run = (i: number) => {
    if (failed) return;
    if (i === e.clauses.length) {
      if (e.key) keys.push(evalExpr(ip, e.key, inner));
      items.push(evalExpr(ip, e.elt, inner));
      return;
    }
    const c: CompClause = e.clauses[i];
    if (c.kind === "if") {
      const t = truthy(evalExpr(ip, c.cond, inner));
      if (t !== false) run(i + 1);
      return;
    }
    const it = evalExpr(ip, c.iter, inner);
    if (it.k === "native" && it.loop) {
      loaderClause(ip, e, c, it.loop, inner, () => run(i + 1));
      failed = unknown("a comprehension over a loader: its items exist at run time", c.iter.node);
      return;
    }
    const seq = iterate(ip, it, c.iter.node);
    if (!seq) {
      failed = unknown("comprehension over an unknown iterable", c.iter.node);
      return;
    }
    for (const v of seq) {
      assignTarget(ip, c.target, v, inner);
      run(i + 1);
    }
  };
  run(0);
  if (failed) return failed;
  if (e.kind === "dict") return dictFrom(keys.map((k, i) => [k, items[i]]));
  if (e.kind === "set") {
    const seen = new Set<string>();
    return {
      k: "set",
      items: items.filter((v) => {
        const h = hashKey(v);
        if (h === null) return true;
        if (seen.has(h)) return false;
        seen.add(h);
        return true;
      }),
    };
  }
  // Generators are materialised: model code iterates them once (sum(...), ModuleList(...)).
  return { k: "list", items };
}

/**
 * `sum((model(x).argmax(1) == y).sum() for x, y in loader)`: a comprehension over a loader is a
 * loop over it, as `for` is (loops.ts): the body runs once on the loader's batch inside a loop
 * frame, so its forwards are an evaluation pass. Before, the comprehension gave up on the loader
 * and the evaluation was never seen (its samples silently left out of the run).
 */
function loaderClause(
  ip: Interp,
  e: Extract<Expr, { t: "comp" }>,
  c: Extract<CompClause, { kind: "for" }>,
  loop: NonNullable<Extract<Value, { k: "native" }>["loop"]>,
  inner: Scope,
  body: () => void,
): void {
  const frame: LoopFrame = {
    range: ip.rangeOf(e.node),
    tripCount: loop.tripCount,
    over: loop.over,
    target: c.target.node?.text ?? "_",
    ...(loop.loader ? { loader: loop.loader } : {}),
  };
  const ownFile = ip.currentFile === ip.ctx.path;
  if (ownFile) ip.loops.push(frame);
  try {
    assignTarget(ip, c.target, loop.sample, inner);
    body();
  } finally {
    if (ownFile) ip.loops.pop();
  }
}

export function nodeText(n: Node | null): string {
  return n ? n.text : "";
}
