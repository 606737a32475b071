// Statement execution. Completion codes instead of exceptions keep control flow cheap:
// NORMAL, BREAK, CONTINUE, RETURN (value in the frame), RAISE (the rest of the block is skipped).
import type { Stmt } from "./ast";
import { assignTarget } from "./assign";
import { callMethod } from "./calls/call";
import { defineClass } from "./classes";
import { hoistPending, parkReturn, type ReturnState, resolveReturn } from "./earlyReturn";
import { execDelete } from "./deleteStmt";
import { evalExpr } from "./expressions";
import { defineFunction } from "./functions";
import { execImport, execImportFrom } from "./imports";
import type { Interp } from "./interp";
import { conditionVariesOverPasses, execFor, execWhile } from "./loops";
import { readsLongCounter } from "./stepCounters";
import { binop } from "./operators";
import type { Scope } from "./scope";
import { type AttrChoices, settleAttrChoices, undecidedChoice } from "./undecided";
import { NONE, truthy, unknown, type Value } from "./values";

export const NORMAL = 0;
export const BREAK = 1;
export const CONTINUE = 2;
export const RETURN = 3;
export const RAISE = 4;
export type Completion = 0 | 1 | 2 | 3 | 4;

/** The returned value and the returns parked under undecided conditions (earlyReturn.ts). */
export type FrameResult = ReturnState;

export function execBlock(ip: Interp, body: Stmt[], s: Scope, frame: FrameResult): Completion {
  for (const st of body) {
    const c = execStmt(ip, st, s, frame);
    if (c !== NORMAL) return c;
  }
  return NORMAL;
}

export function execStmt(ip: Interp, st: Stmt, s: Scope, frame: FrameResult): Completion {
  ip.step();
  if (!ip.enter()) {
    ip.note("statements nested too deeply to analyse", st.node);
    return NORMAL;
  }
  try {
    return execInner(ip, st, s, frame);
  } finally {
    ip.leave();
  }
}

function execInner(ip: Interp, st: Stmt, s: Scope, frame: FrameResult): Completion {
  switch (st.t) {
    case "expr":
      evalExpr(ip, st.e, s);
      return NORMAL;
    case "assign": {
      const v = evalExpr(ip, st.value, s);
      for (const t of st.targets) assignTarget(ip, t, v, s);
      return NORMAL;
    }
    case "annassign":
      if (s.isClass && st.target.t === "name") (s.annotations ??= []).push(st.target.id);
      if (st.value) assignTarget(ip, st.target, evalExpr(ip, st.value, s), s);
      return NORMAL;
    case "augassign": {
      const cur = evalExpr(ip, st.target, s);
      const rhs = evalExpr(ip, st.value, s);
      if (cur.k === "list" && st.op === "+" && (rhs.k === "list" || rhs.k === "tuple")) {
        cur.items.push(...rhs.items);
        return NORMAL;
      }
      if (cur.k === "instance" && cur.mod && st.op === "+") {
        callMethod(ip, cur, "extend", [rhs], st.node);
        return NORMAL;
      }
      assignTarget(ip, st.target, binop(ip, st.op, cur, rhs, st.node), s);
      return NORMAL;
    }
    case "if":
      return execIf(ip, st, s, frame);
    case "for":
      return execFor(ip, st, s, frame);
    case "while":
      return execWhile(ip, st, s, frame);
    case "def":
      s.set(st.name, defineFunction(ip, st, s));
      return NORMAL;
    case "class":
      s.set(st.name, defineClass(ip, st, s));
      return NORMAL;
    case "return":
      frame.ret = st.value ? evalExpr(ip, st.value, s) : NONE;
      return RETURN;
    case "pass":
      return NORMAL;
    case "break":
      return BREAK;
    case "continue":
      return CONTINUE;
    case "with":
      return execWith(ip, st, s, frame);
    case "try": {
      let c = execBlock(ip, st.body, s, frame);
      if (c === RAISE && st.handlers.length) c = execBlock(ip, st.handlers[0], s, frame);
      else if (c === NORMAL) c = execBlock(ip, st.orelse, s, frame);
      const f = execBlock(ip, st.final, s, frame);
      return f !== NORMAL ? f : c;
    }
    case "import":
      execImport(ip, st, s);
      return NORMAL;
    case "importfrom":
      execImportFrom(ip, st, s);
      return NORMAL;
    case "del":
      execDelete(ip, st.targets, s);
      return NORMAL;
    case "global":
      for (const n of st.names) s.declareOuter(n);
      return NORMAL;
    case "raise":
      frame.ret = unknown("the function raised an exception", st.node);
      return RAISE;
    case "assert":
      if (st.test) evalExpr(ip, st.test, s);
      return NORMAL;
    case "error":
      return NORMAL;
  }
}

/**
 * `if` on a known condition runs one branch. On an unknown condition both run from the same
 * starting state and the variables are merged, preferring known values (then-branch first); a
 * branch that raises is dropped, since the other one is what a working script does. A name the
 * paths bind differently says so (undecided.ts).
 */
function execIf(ip: Interp, st: Extract<Stmt, { t: "if" }>, s: Scope, frame: FrameResult): Completion {
  let t = truthy(evalExpr(ip, st.cond, s));
  if (t !== null && ip.loops.length > 0 && conditionVariesOverPasses(ip, st.cond.node.text)) t = null;
  // `if global_step > learning_starts:` in a long step loop: the counter takes many values.
  if (t !== null && readsLongCounter(ip, st.cond.node.text)) t = null;
  if (t === true) return execBlock(ip, st.body, s, frame);
  if (t === false) return execBlock(ip, st.orelse, s, frame);
  ip.undecided.push(st.cond.node);
  const attrs: AttrChoices = {
    branch: 0,
    hadElse: st.orelse.length > 0,
    settle: true,
    modulesBefore: ip.modules.length,
    sets: new Map(),
  };
  ip.attrChoices.push(attrs);
  let c: Completion;
  try {
    c = execUndecidedIf(ip, st, s, frame, attrs);
  } finally {
    ip.undecided.pop();
    ip.attrChoices.pop();
  }
  if (attrs.settle) settleAttrChoices(ip, attrs, st.cond.node);
  return c;
}

function execUndecidedIf(
  ip: Interp,
  st: Extract<Stmt, { t: "if" }>,
  s: Scope,
  frame: FrameResult,
  attrs: AttrChoices,
): Completion {
  const cond = st.cond.node;
  const before = new Map(s.vars);
  const thenFrame: FrameResult = { ret: NONE };
  const c1 = execBlock(ip, st.body, s, thenFrame);
  // A path that raises is not one a working script takes; `if <unknown>: break` / `continue` is one path;
  // falling through is the other, and the one that runs the rest of the loop body (`if i >= limit: break`
  // before the training step).
  attrs.settle = c1 !== RAISE && !(st.orelse.length === 0 && (c1 === BREAK || c1 === CONTINUE));
  attrs.branch = 1;
  if (c1 === RETURN) thenFrame.ret = resolveReturn(ip, thenFrame);
  else hoistPending(thenFrame, frame);
  if (st.orelse.length === 0 && (c1 === BREAK || c1 === CONTINUE)) return NORMAL;
  if (st.orelse.length === 0 && c1 !== RAISE && c1 !== RETURN) {
    for (const [k, v] of s.vars) {
      const old = before.get(k);
      if (old) s.vars.set(k, undecidedChoice(ip, cond, k, v, old));
    }
    return mergeCompletion(c1, NORMAL);
  }
  const thenVars = new Map(s.vars);
  s.vars.clear();
  for (const [k, v] of before) s.vars.set(k, v);
  const elseFrame: FrameResult = { ret: NONE };
  const c2 = execBlock(ip, st.orelse, s, elseFrame);
  if (c2 === RETURN) elseFrame.ret = resolveReturn(ip, elseFrame);
  else hoistPending(elseFrame, frame);
  if (c2 === RAISE) attrs.settle = false;
  if (c1 === RAISE) {
    frame.ret = elseFrame.ret;
    return c2;
  }
  if (c1 === RETURN && c2 === RETURN) {
    // Both paths return (a model factory's `if name == "big": return BigNet() else: return SmallNet()`).
    frame.ret = undecidedChoice(ip, cond, "the value returned", thenFrame.ret, elseFrame.ret);
    return RETURN;
  }
  if (c1 === RETURN) {
    // `if <undecided>: return X` with no else (or an else that goes on): X is one outcome, the rest of the
    // block, run with the other path's names, the other. A raising other path leaves X the only one.
    if (c2 === RAISE) {
      frame.ret = thenFrame.ret;
      return RETURN;
    }
    parkReturn(ip, frame, cond, thenFrame.ret, true);
    return c2;
  }
  if (c2 === RETURN) {
    s.vars.clear();
    for (const [k, v] of thenVars) s.vars.set(k, v);
    parkReturn(ip, frame, cond, elseFrame.ret, false);
    return c1;
  }
  if (c2 !== RAISE) {
    for (const [k, v] of thenVars) {
      const other = s.vars.get(k);
      if (other === undefined || (other.k === "unknown" && v.k !== "unknown")) s.vars.set(k, v);
      else if (v.k !== "unknown" && other !== v) s.vars.set(k, undecidedChoice(ip, cond, k, v, other));
    }
  } else {
    s.vars.clear();
    for (const [k, v] of thenVars) s.vars.set(k, v);
  }
  return mergeCompletion(c1, c2 === RAISE ? NORMAL : c2);
}

function mergeCompletion(a: Completion, b: Completion): Completion {
  return a !== NORMAL ? a : b;
}

function execWith(ip: Interp, st: Extract<Stmt, { t: "with" }>, s: Scope, frame: FrameResult): Completion {
  const exits: Array<() => void> = [];
  for (const item of st.items) {
    const ctx = evalExpr(ip, item.ctx, s);
    let entered: Value = ctx;
    if (ctx.k === "native" && ctx.enter) {
      entered = ctx.enter(ip);
      const exit = ctx.exit;
      if (exit) exits.push(() => exit(ip));
    } else if (ctx.k === "instance" && !ctx.mod) {
      entered = callMethod(ip, ctx, "__enter__", [], item.ctx.node);
      exits.push(() => callMethod(ip, ctx, "__exit__", [NONE, NONE, NONE], item.ctx.node));
    }
    if (item.target) assignTarget(ip, item.target, entered, s);
  }
  try {
    return execBlock(ip, st.body, s, frame);
  } finally {
    for (let i = exits.length - 1; i >= 0; i--) exits[i]();
  }
}
