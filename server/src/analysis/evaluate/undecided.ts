// What a name holds after an `if` the analysis cannot decide, or a conditional expression on such a condition,
// when the two paths give it different things. Numbers and strings become unknown, saying both (a layer sized or
// a model chosen by them is not counted confidently at the first path's value; a string is also noted, as the
// lookup it feeds, getattr(models, arch), usually drops an unknown without a word). Modules keep the first path's
// module, which is what gets counted, marked with both alternatives so its model reports an approximate count (or
// a note, where only parameter-free layers differ); the other path's module is not reported as a model of its
// own. Other objects of different kinds (datasets, optimizers) are followed on the first path, with a note.
// Equal values, and two modules of one architecture, stay exact.
import type { Node } from "web-tree-sitter";
import { type ModuleState, namedModules } from "../frameworks/torch/moduleState";
import { setAttr } from "./attributes";
import type { Interp } from "./interp";
import { thousands } from "../format";
import { type InstanceV, NONE, unknown, type Value } from "./values";

/** `a` on the first path, `b` on the other; `name` is the variable (null for a conditional expression). */
export function undecidedChoice(
  ip: Interp,
  cond: Node,
  name: string | null,
  a: Value,
  given: Value | undefined,
): Value {
  // An attribute one path never sets is "not set" in the message and None otherwise.
  const b = given ?? NONE;
  if (a === b) return a;
  const line = ip.rangeOf(cond).start.line + 1;
  const depending = `depending on the condition on line ${line}, which the analysis could not decide`;
  const both = (x: string, y: string) => (name ? `${name} is ${x} or ${y}` : `${x} if … else ${y}`);
  if (a.k === "num" && b.k === "num")
    return a.v === b.v ? a : unknown(`${both(`${a.v}`, `${b.v}`)}, ${depending}`, cond);
  if (a.k === "str" && b.k === "str") {
    if (a.v === b.v) return a;
    // Also noted: a string mostly ends in a lookup (getattr(models, arch), a checkpoint or dataset name) that
    // drops an unknown argument without a word, where a number ends in a layer that reports it.
    const message = `${both(`'${a.v}'`, `'${b.v}'`)}, ${depending}`;
    ip.note(message, cond);
    return unknown(message, cond);
  }
  const ma = moduleOf(a);
  const mb = moduleOf(b);
  if (ma || mb) {
    const kept = ma ?? mb!;
    const other = ma ? mb : null;
    if (other && signature(kept, true) === signature(other, true)) return ma ? a : b;
    // A parameter-free module against nothing (`return nn.ReLU()` or fall through to None) keeps the count.
    const paramsDiffer = other ? signature(kept, false) !== signature(other, false) : paramCount(kept) > 0;
    const desc = (m: ModuleState | null, v: Value) =>
      m ? `${m.className} (${thousands(paramCount(m))} parameters)` : v === b && !given ? "not set" : kind(v);
    const text = ma ? both(desc(ma, a), desc(mb, b)) : both(desc(mb, b), desc(null, a));
    const message = `${text}, ${depending}; counted as ${kept.className}`;
    const alts = (kept.alternatives ??= []);
    if (!alts.some((x) => x.message === message)) alts.push({ message, params: paramsDiffer });
    // The other module's own alternatives (an elif chain's further branches) are this choice's too.
    for (const alt of other?.alternatives ?? []) if (!alts.some((x) => x.message === alt.message)) alts.push(alt);
    if (other && !ip.observedInputs.has(other)) other.alternativeOf = kept;
    return ma ? a : b;
  }
  if (a.k === "unknown" || b.k === "unknown" || kind(a) === kind(b)) return a;
  ip.note(`${both(kind(a), kind(b))}, ${depending}; the analysis follows ${kind(a)}`, cond);
  return a;
}

function moduleOf(v: Value): ModuleState | null {
  return v.k === "instance" && v.mod ? v.mod : null;
}

/** A value's kind in a message: its class for objects, its type otherwise. */
function kind(v: Value): string {
  if (v.k === "instance") return v.cls.name;
  if (v.k === "native") return v.type;
  if (v.k === "none") return "None";
  return v.k;
}

function paramCount(m: ModuleState): number {
  const seen = new Set<object>();
  let n = 0;
  for (const [, mod] of namedModules(m))
    for (const p of mod.params.values())
      if (p && !seen.has(p)) {
        seen.add(p);
        n += p.numel;
      }
  return n;
}

/**
 * The parameter shapes by module path; with `layers`, also each module's class and constructor arguments
 * (ReLU or GELU, stride 1 or 2), which change the FLOPs without changing the parameters.
 */
function signature(m: ModuleState, layers: boolean): string {
  const parts: string[] = [];
  for (const [path, mod] of namedModules(m)) {
    if (layers) parts.push(`${path}:${mod.className}${mod.args ? JSON.stringify(mod.args) : ""}`);
    for (const [p, ref] of mod.params) if (ref) parts.push(`${path}.${p}=${ref.shape.join("x")}`);
  }
  return parts.join(" ");
}

/**
 * The module attributes the paths of one undecided `if` set (`self.body = Big()` / `self.body = Small()` in an
 * `__init__`): unlike names, attributes are not restored between the paths, so the last path's value stays.
 */
export interface AttrChoices {
  branch: 0 | 1;
  hadElse: boolean;
  /** False when a path raised or left a loop: the other one is what runs. */
  settle: boolean;
  /** Modules built before the `if` (ids up to this): one a path builds is set up, not chosen between. */
  modulesBefore: number;
  sets: Map<string, { obj: InstanceV; name: string; before: Value | undefined; after: [Value?, Value?] }>;
}

function currentAttr(obj: InstanceV, name: string): Value | undefined {
  return obj.mod?.children.get(name) ?? obj.attrs.get(name);
}

/** Before `obj.name = v` inside undecided `if`s: what each enclosing one's current path sets. */
export function recordAttrSet(ip: Interp, obj: Value, name: string, v: Value): void {
  if (obj.k !== "instance" || !obj.mod) return;
  for (const frame of ip.attrChoices) {
    if (obj.mod.id > frame.modulesBefore) continue;
    const key = `${obj.mod.id}.${name}`;
    let rec = frame.sets.get(key);
    if (!rec) {
      rec = { obj, name, before: currentAttr(obj, name), after: [] };
      frame.sets.set(key, rec);
    }
    rec.after[frame.branch] = v;
  }
}

/** After the `if`: an attribute its paths left different says so, as a name would (the value held is counted). */
export function settleAttrChoices(ip: Interp, frame: AttrChoices, cond: Node): void {
  for (const rec of frame.sets.values()) {
    const onThen = rec.after[0] ?? rec.before;
    const onElse = frame.hadElse ? (rec.after[1] ?? rec.before) : rec.before;
    const held = currentAttr(rec.obj, rec.name);
    if (!held || onThen === onElse) continue;
    const other = held === onThen ? onElse : onThen;
    const chosen = undecidedChoice(ip, cond, rec.name, held, other);
    if (chosen !== held) setAttr(ip, rec.obj, rec.name, chosen, cond);
  }
}
