// `npm run accuracy`: a report, not a gate — prints the analyzer's params and forward FLOPs for every
// oracle fixture beside real PyTorch's, and the issue #3 ratios (`-- --layers`: where the misses are).
// Always exits 0; models.test.ts is the gate.
import {
  type AccuracyRow,
  FLOPS_TOLERANCE,
  measureAccuracy,
  relativeError,
  summarize,
} from "../test/oracle/modelAccuracy";

function pct(err: number | null): string {
  if (err === null) return "—";
  if (!Number.isFinite(err)) return "inf";
  return `${(err * 100).toFixed(err < 0.001 ? 3 : 1)}%`;
}

function gflops(v: number | null | undefined): string {
  return v === null || v === undefined ? "—" : (v / 1e9).toFixed(4);
}

function count(v: number | null | undefined): string {
  return v === null || v === undefined ? "—" : v.toLocaleString("en-US");
}

function line(row: AccuracyRow): string[] {
  const { oracle: oc, got } = row;
  const flopsGot = got?.forwardFlops ?? null;
  let flopsErr = "—";
  if (row.expectedFlops !== null) flopsErr = got ? pct(relativeError(flopsGot, row.expectedFlops)) : "missing";
  else if (got && flopsGot !== null) flopsErr = "should be unknown";
  const status = !got
    ? "NOT FOUND"
    : [
        row.paramsExact ? "" : "params",
        row.trainableExact ? "" : "trainable",
        row.flopsWithinTolerance === false ? "flops" : "",
        row.expectedFlops === null && flopsGot !== null ? "flops" : "",
      ]
        .filter(Boolean)
        .join(",") || "ok";
  return [
    oc.id,
    count(oc.params),
    got ? count(got.params) : "—",
    got ? pct(relativeError(got.params, oc.params)) : "—",
    gflops(row.expectedFlops),
    gflops(flopsGot),
    flopsErr,
    status,
  ];
}

function printTable(header: string[], body: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]?.length ?? 0)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(fmt(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of body) console.log(fmt(r));
}

/** Per-layer differences (params, MACs per sample) for the models that miss, to say where they go wrong. */
function printLayerDiffs(rows: AccuracyRow[], limit = 8): void {
  for (const row of rows) {
    if (!row.got || (row.paramsExact && row.trainableExact && row.flopsWithinTolerance !== false)) continue;
    const got = new Map(row.got.layers.map((l) => [l.path, l]));
    const diffs: string[] = [];
    for (const ol of row.oracle.layers) {
      const gl = got.get(ol.path);
      if (!gl) diffs.push(`  ${ol.path} (${ol.type}): missing; torch params ${ol.params}, MACs ${ol.macs ?? "—"}`);
      else if (gl.params !== ol.params || (ol.macs !== null && gl.macs !== ol.macs))
        diffs.push(
          `  ${ol.path} (${ol.type}): params ${gl.params} vs ${ol.params}, MACs ${gl.macs ?? "—"} vs ${ol.macs ?? "—"}`,
        );
      got.delete(ol.path);
    }
    for (const gl of got.values())
      if (gl.params > 0 || (gl.macs ?? 0) > 0)
        diffs.push(`  ${gl.path} (${gl.type}): not in torch; params ${gl.params}, MACs ${gl.macs ?? "—"}`);
    if (diffs.length === 0) continue;
    console.log(`${row.oracle.id}: ${diffs.length} layer difference(s)`);
    for (const d of diffs.slice(0, limit)) console.log(d);
    if (diffs.length > limit) console.log(`  ... ${diffs.length - limit} more`);
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const rows = await measureAccuracy();
  printTable(
    ["fixture#model", "params (torch)", "params (got)", "err", "GFLOPs (torch)", "GFLOPs (got)", "err", "status"],
    rows.map(line),
  );
  const s = summarize(rows);
  const ratio = (a: number, b: number) => `${a}/${b} (${b ? ((100 * a) / b).toFixed(1) : "—"}%)`;
  console.log("");
  console.log(`params exact:            ${ratio(s.paramsExact, s.models)}   target ≥ 95%`);
  console.log(`trainable params exact:  ${ratio(s.trainableExact, s.models)}`);
  console.log(
    `FLOPs within ${FLOPS_TOLERANCE * 100}%:       ${ratio(s.flopsWithin, s.withInput)}   target ≥ 90% of models with an input shape`,
  );
  console.log(`FLOPs unknown when no input shape: ${ratio(s.flopsUnknownAsExpected, s.withoutInput)}`);
  if (process.argv.includes("--layers")) {
    console.log("");
    printLayerDiffs(rows);
  }
  console.log(`(${rows.length} models, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

main().catch((err) => {
  // A report: say what broke and still exit 0; the oracle test is the gate.
  console.error(`accuracy report failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
});
