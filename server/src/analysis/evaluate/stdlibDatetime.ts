// The `datetime` module as far as training scripts use it: `timedelta` durations (a Lightning
// max_time budget, a time limit) carry their length in seconds; everything else stays opaque.
import { fn, nativeModule, nativeObject, opaque } from "./nativeHelpers";
import { asNumber, float, unknown, type Value } from "./values";

/** Seconds per timedelta keyword (Python's datetime.timedelta). */
export const TIMEDELTA_UNIT_S: Record<string, number> = {
  weeks: 7 * 86400,
  days: 86400,
  hours: 3600,
  minutes: 60,
  seconds: 1,
  milliseconds: 1e-3,
  microseconds: 1e-6,
};

// timedelta's positional order: timedelta(days, seconds, microseconds, milliseconds, minutes, hours, weeks).
const ORDER = ["days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks"];

const timedelta = fn("datetime.timedelta", (_ip, args, kw, node) => {
  let seconds = 0;
  const parts: string[] = [];
  for (const [i, name] of ORDER.entries()) {
    const x = kw.get(name) ?? args[i];
    if (x === undefined) continue;
    const n = asNumber(x);
    if (n === null) return unknown(`timedelta(${name}=...) is not a known number`, node);
    seconds += n * TIMEDELTA_UNIT_S[name];
    parts.push(`${name}=${n}`);
  }
  return nativeObject(
    "datetime.timedelta",
    { seconds, shown: parts.join(", ") },
    { total_seconds: () => float(seconds) },
  );
});

export function datetimeModule(): Value {
  return nativeModule("datetime", { timedelta }, (attr) => opaque(`datetime.${attr}`));
}
