// Timing helpers for the benchmarks: repeated runs, median / p95 / p99, and the printed table.
import { cpus, loadavg, totalmem } from "node:os";

export interface Row {
  what: string;
  median: string;
  p95: string;
  budget: string;
  ok: boolean | null;
  note?: string;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times; returns sorted durations in ms. */
/** Times `runs` calls of `fn` after `warmup` ones; `between` runs untimed after each (idle work). */
export function timeIt(fn: () => void, runs: number, warmup = 3, between?: () => void): number[] {
  for (let i = 0; i < warmup; i++) {
    fn();
    between?.();
  }
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    fn();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
    between?.();
  }
  return out.sort((a, b) => a - b);
}

export const ms = (x: number) => (Number.isFinite(x) ? `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms` : "n/a");

export function machine(): string {
  const c = cpus();
  return `${c.length} × ${c[0]?.model.trim() ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`;
}

/** 1/5/15-minute load averages: on a shared machine, timings mean little without them. */
export function load(): string {
  return `load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`;
}

export function printTable(rows: Row[]): void {
  const head = ["what", "median", "p95", "budget", "within"];
  const cells = rows.map((r) => [r.what, r.median, r.p95, r.budget, r.ok === null ? "—" : r.ok ? "yes" : "NO"]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i])).join(" | ")} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const c of cells) console.log(line(c));
  for (const r of rows) if (r.note) console.log(`- ${r.what}: ${r.note}`);
}
