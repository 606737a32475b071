// Lightning `Trainer(max_time=...)`: a wall-clock budget after which fit stops, given as
// "DD:HH:MM:SS", a dict of timedelta keywords ({"days": 1, "hours": 2}) or a datetime.timedelta.
import { TIMEDELTA_UNIT_S as UNIT_S } from "../../evaluate/stdlibDatetime";
import { asNumber, type Value } from "../../evaluate/values";

export interface MaxTime {
  hours: number;
  /** As the script wrote it, for evidence ("00:00:10:00", a dict, timedelta(hours=2)). */
  shown: string;
}

/** The budget in hours, or null when absent or not readable (an unknown budget prices as unbounded). */
export function maxTimeOf(v: Value | undefined): MaxTime | null {
  if (!v || v.k === "none") return null;
  let seconds: number | null = null;
  let shown = "";
  if (v.k === "str") {
    // Lightning's Timer: "DD:HH:MM:SS" (days, hours, minutes, seconds).
    const m = /^\s*(\d+):(\d+):(\d+):(\d+)\s*$/.exec(v.v);
    if (m) seconds = Number(m[1]) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
    shown = `"${v.v}"`;
  } else if (v.k === "dict") {
    seconds = 0;
    const parts: string[] = [];
    for (const [k, x] of v.map.values()) {
      const n = asNumber(x);
      if (k.k !== "str" || !(k.v in UNIT_S) || n === null) return null;
      seconds += n * UNIT_S[k.v];
      parts.push(`${k.v}=${n}`);
    }
    shown = `{${parts.join(", ")}}`;
  } else if (v.k === "native" && v.type === "datetime.timedelta") {
    seconds = v.data.seconds as number;
    shown = `timedelta(${v.data.shown as string})`;
  }
  return seconds !== null && seconds > 0 ? { hours: seconds / 3600, shown } : null;
}
