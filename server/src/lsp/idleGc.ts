// A young-generation garbage collection for the server's idle time. An analysis allocates ~11 MB
// per 1,000 lines, nearly all of it dead once the result is published; left to V8, the scavenges
// fall inside the *next* analysis (a keystroke's), where everything that analysis has built so far is
// still alive and must be copied: a fifth of its time. Collected right after an analysis, while the
// user has not typed again, the young generation holds mostly garbage and the next analysis starts
// with an empty one. Node offers no idle-time GC hook, so the collector is V8's `gc` function,
// exposed to a fresh context with --expose-gc (the main context's globals are unchanged).
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

type GcFunction = (options?: { type: "minor" | "major"; execution?: "sync" | "async" }) => void;

let exposed: boolean | undefined;
let collector: GcFunction | null | undefined;

/**
 * Sets --expose-gc once (unless `FOOTPRINT_IDLE_GC=off`); true when set. V8 keys its code cache
 * by the engine's flags, so boot.ts calls this before compiling the bundle from the cache: the
 * cache written after the first analysis then matches the next start.
 */
export function exposeGc(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FOOTPRINT_IDLE_GC === "off") return false;
  if (exposed === undefined) {
    try {
      setFlagsFromString("--expose-gc");
      exposed = true;
    } catch {
      exposed = false;
    }
  }
  return exposed;
}

/**
 * A function that runs one young-generation collection, or null where V8 refuses to expose one
 * (or `FOOTPRINT_IDLE_GC=off`): callers then simply skip it.
 */
export function youngGenerationCollector(env: NodeJS.ProcessEnv = process.env): (() => void) | null {
  if (!exposeGc(env)) return null;
  if (collector === undefined) {
    try {
      collector = runInNewContext("typeof gc === 'function' ? gc : null") as GcFunction | null;
    } catch {
      collector = null;
    }
  }
  const gc = collector;
  return gc ? () => gc({ type: "minor" }) : null;
}
