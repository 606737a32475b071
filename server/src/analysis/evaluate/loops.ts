// `for` and `while`. Loops are where training scripts spend their time, so the interpreter does
// not: a loader loop runs its body once with a symbolic batch; a loop whose first iteration
// records training events (backward, optimizer step...) is not repeated; a range above
// MAX_LOOP_UNROLL runs once with an unknown loop variable. Each records its true trip count.
import type { Stmt } from "./ast";
import { assignTarget } from "./assign";
import { MAX_LOOP_UNROLL, MAX_TRAINING_PASSES, MAX_WHILE_ITERATIONS } from "./budget";
import { evalExpr } from "./expressions";
import type { Interp } from "./interp";
import { iterate } from "./iteration";
import type { Scope } from "./scope";
import { BREAK, type Completion, execBlock, type FrameResult, NORMAL, RAISE, RETURN } from "./statements";
import type { LoopFrame, TraceEvent } from "./trace";
import { advancedNames, whileTrips } from "./stepCounters";
import { asInt, int, rangeLength, toText, truthy, unknown, type Value } from "./values";

type ForStmt = Extract<Stmt, { t: "for" }>;

export function execFor(ip: Interp, st: ForStmt, s: Scope, frame: FrameResult): Completion {
  const it = evalExpr(ip, st.iter, s);
  const target = st.target.node?.text ?? "_";
  const loopFrame: LoopFrame = { range: ip.rangeOf(st.node), tripCount: null, over: "unknown", target };
  let items: Value[] | null = null;
  let once: Value | null = null;
  if (it.k === "range") {
    const n = rangeLength(it);
    loopFrame.tripCount = n;
    loopFrame.over = "range";
    if (n > MAX_LOOP_UNROLL) once = unknown(`loop variable of a ${n}-iteration loop (run once)`, st.target.node);
    else {
      items = [];
      for (let i = 0; i < n; i++) items.push(int(it.start + i * it.step));
    }
  } else if (it.k === "native" && it.loop) {
    loopFrame.tripCount = it.loop.tripCount;
    loopFrame.over = it.loop.over;
    if (it.loop.loader) loopFrame.loader = it.loop.loader;
    once = it.loop.sample;
  } else {
    items = iterate(ip, it, st.iter.node);
    if (items) {
      loopFrame.over = "list";
      loopFrame.tripCount = items.length;
    } else once = it.k === "unknown" ? it : unknown("loop over an unknown iterable", st.iter.node);
  }
  const ownFile = ip.currentFile === ip.ctx.path;
  if (ownFile) ip.loops.push(loopFrame);
  const counting = ownFile && loopFrame.over === "range";
  if (counting) ip.counterLoops.push({ counters: advancedNames(st.body), trips: loopFrame.tripCount });
  try {
    if (once) {
      // The one pass stands for every batch: a periodic test read after its backward varies.
      if (ownFile) ip.passStarts.set(loopFrame, ip.trace.length);
      assignTarget(ip, st.target, once, s);
      const c = execBlock(ip, st.body, s, frame);
      if (c === RETURN || c === RAISE) return c;
      return c === BREAK ? NORMAL : execBlock(ip, st.orelse, s, frame);
    }
    const list = items ?? [];
    let passes = false;
    for (let i = 0; i < list.length; i++) {
      const eventsBefore = ip.eventCount;
      const traceBefore = ip.trace.length;
      if (passes) {
        // One frame object per pass: a run keeps the events whose stack holds its own pass.
        const pass: LoopFrame = { ...loopFrame, iteration: i, item: itemText(list[i]) };
        ip.loops[ip.loops.length - 1] = pass;
        ip.passStarts.set(pass, traceBefore);
      } else if (ownFile) ip.passStarts.set(loopFrame, traceBefore);
      assignTarget(ip, st.target, list[i], s);
      const c = execBlock(ip, st.body, s, frame);
      if (c === BREAK) return NORMAL;
      if (c === RETURN || c === RAISE) return c;
      if (passes || ip.eventCount === eventsBefore) continue;
      const recorded = ip.trace.slice(traceBefore);
      // Models or phases in turn, each with its own epoch loop inside: each item may train a
      // different model or for a different length, so every item is traced as its own run.
      if (ownFile && list.length <= MAX_TRAINING_PASSES && wrapsTraining(recorded, loopFrame)) {
        passes = true;
        loopFrame.iteration = 0;
        loopFrame.item = itemText(list[0]);
        continue;
      }
      // Any other body that trains (records events) repeats the same work: once is enough.
      const trained = recorded.some((e) => e.kind === "backward");
      otherModels(ip, st, s, frame, list.slice(i + 1), trained);
      return NORMAL;
    }
    return execBlock(ip, st.orelse, s, frame);
  } finally {
    if (ownFile) ip.passStarts.delete(ip.loops.pop() ?? loopFrame);
    if (counting) ip.counterLoops.pop();
  }
}

/** A period test, `step % k == 0` / `(i + 1) % k == 0`: true once every k passes of the loop around it. */
const PERIODIC = /%\s*[\w.()[\]"']+\s*==\s*0\b/;

/**
 * True when a condition on a range loop's variable (`if epoch % 5 == 0:`) is read in the pass that
 * stands for the whole loop: one that has already recorded a backward is the only pass traced, and
 * the branch its value skips runs on other iterations (evaluation every k epochs, a checkpoint at
 * the last), so both branches are taken as for an unknown condition.
 */
export function conditionVariesOverPasses(ip: Interp, condText: string): boolean {
  // `if global_step % eval_every == 0:` on a counter the loop body increments: true on some passes.
  const periodic = PERIODIC.test(condText);
  for (const l of ip.loops) {
    if (l.over === "list" || (l.over === "range" && (l.tripCount ?? 0) < 2)) continue;
    const start = ip.passStarts.get(l);
    if (start === undefined) continue;
    const names = l.over === "range" ? (l.target.match(/[A-Za-z_]\w*/g) ?? []) : [];
    if (!periodic && !names.some((n) => new RegExp(`(^|[^\\w.])${n}($|\\W)`).test(condText))) continue;
    for (let i = start; i < ip.trace.length; i++) if (ip.trace[i].kind === "backward") return true;
  }
  return false;
}

/**
 * True when a backward recorded in this loop's pass sits in an epoch loop of its own: a non-list
 * loop between this loop and the batch loop (the innermost loader loop, else the innermost loop),
 * as run detection reads it (run/torchLoops.ts). A list loop right around the batch loop is a
 * train/val phase loop inside one epoch, which stays traced once.
 */
function wrapsTraining(recorded: TraceEvent[], loop: LoopFrame): boolean {
  for (const e of recorded) {
    if (e.kind !== "backward") continue;
    const at = e.loops.indexOf(loop);
    if (at < 0) continue;
    let bi = e.loops.length - 1;
    for (let j = e.loops.length - 1; j >= 0; j--)
      if (e.loops[j].over === "loader") {
        bi = j;
        break;
      }
    if (e.loops.slice(at + 1, bi).some((l) => l.over !== "list")) return true;
  }
  return false;
}

/** The item a pass runs with, for the run's evidence; long or unknown values are left out. */
function itemText(v: Value): string | undefined {
  const t = v.k === "tuple" && v.items.length > 0 ? toText(v.items[0]) : toText(v);
  if (t === null) return undefined;
  const shown = v.k === "str" || (v.k === "tuple" && v.items[0]?.k === "str") ? `"${t}"` : t;
  return shown.length <= 40 ? shown : undefined;
}

/**
 * `for net in (a, b): … net(x) …`: the first iteration recorded its events (a training step, a
 * `.to(device)`); the other models still need their inputs and moves, so the body runs again for
 * each, unrecorded. When it trained, the run prices the first model once per item, and says so.
 */
function otherModels(ip: Interp, st: ForStmt, s: Scope, frame: FrameResult, rest: Value[], trained: boolean): void {
  const modules = rest.filter((v) => v.k === "instance" && v.mod);
  if (modules.length === 0) return;
  ip.muteEvents++;
  try {
    for (const v of modules) {
      assignTarget(ip, st.target, v, s);
      const c = execBlock(ip, st.body, s, frame);
      if (c === RETURN || c === RAISE) break;
    }
  } finally {
    ip.muteEvents--;
  }
  if (trained)
    ip.note(
      `the loop over ${modules.length + 1} models trains each in turn; the run is priced as ${modules.length + 1} × the first`,
      st.node,
    );
}

export function execWhile(ip: Interp, st: Extract<Stmt, { t: "while" }>, s: Scope, frame: FrameResult): Completion {
  const ownFile = ip.currentFile === ip.ctx.path;
  const loopFrame: LoopFrame = { range: ip.rangeOf(st.node), tripCount: null, over: "unknown", target: "" };
  if (ownFile) ip.loops.push(loopFrame);
  if (ownFile)
    ip.counterLoops.push({
      counters: advancedNames(st.body),
      trips: whileTrips(st.cond, st.body, (e) => asInt(evalExpr(ip, e, s))),
    });
  try {
    for (let i = 0; i < MAX_WHILE_ITERATIONS; i++) {
      const t = truthy(evalExpr(ip, st.cond, s));
      if (t === false) return execBlock(ip, st.orelse, s, frame);
      const eventsBefore = ip.eventCount;
      if (ownFile) ip.passStarts.set(loopFrame, ip.trace.length);
      const c = execBlock(ip, st.body, s, frame);
      if (c === BREAK) return NORMAL;
      if (c === RETURN || c === RAISE) return c;
      if (t === null || ip.eventCount !== eventsBefore) return NORMAL;
    }
    ip.note(`while loop still running after ${MAX_WHILE_ITERATIONS} iterations: stopped there`, st.node);
    return NORMAL;
  } finally {
    if (ownFile) ip.passStarts.delete(ip.loops.pop() ?? loopFrame);
    if (ownFile) ip.counterLoops.pop();
  }
}
