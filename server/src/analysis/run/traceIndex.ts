// The program trace grouped once per analysis: by event kind and by the loops each event ran in.
// Run detection asks per run for "the device events", "the events inside this batch loop"; each
// answered by a scan of the whole trace made a file with many training loops quadratic (a
// 10,000-line file: ~130 runs × ~1,500 events, several scans each).
import type { ProgramFacts } from "../evaluate";
import type { LoopFrame, TraceEvent } from "../evaluate/trace";
import { rangeKey } from "../parse/nodes";

type Ev<K extends TraceEvent["kind"]> = Extract<TraceEvent, { kind: K }>;

interface TraceIndex {
  byKind: Map<TraceEvent["kind"], TraceEvent[]>;
  /** By loop (its source range): the events that ran inside it, at any depth, in trace order. */
  byLoop: Map<string, TraceEvent[]>;
}

const indexes = new WeakMap<ProgramFacts, TraceIndex>();

/** A loop's identity in the trace: its source range (a loop traced pass by pass has one frame per pass). */
export const loopKey = (l: LoopFrame): string => rangeKey(l.range);

function indexOf(facts: ProgramFacts): TraceIndex {
  let index = indexes.get(facts);
  if (index) return index;
  index = { byKind: new Map(), byLoop: new Map() };
  for (const e of facts.trace) {
    const same = index.byKind.get(e.kind);
    if (same) same.push(e);
    else index.byKind.set(e.kind, [e]);
    // A loop on the stack twice (recursion) holds the event once.
    const keys = e.loops.length === 1 ? [loopKey(e.loops[0])] : new Set(e.loops.map(loopKey));
    for (const k of keys) {
      const inLoop = index.byLoop.get(k);
      if (inLoop) inLoop.push(e);
      else index.byLoop.set(k, [e]);
    }
  }
  indexes.set(facts, index);
  return index;
}

/** The trace's events of one kind, in trace order (do not modify the array). */
export function eventsOfKind<K extends TraceEvent["kind"]>(facts: ProgramFacts, kind: K): readonly Ev<K>[] {
  return (indexOf(facts).byKind.get(kind) ?? []) as Ev<K>[];
}

/** The events that ran inside `loop` (the same source loop, at any depth), in trace order. */
export function eventsInLoop(facts: ProgramFacts, loop: LoopFrame): readonly TraceEvent[] {
  return indexOf(facts).byLoop.get(loopKey(loop)) ?? [];
}
