// Grid intensity resolution (world, country, cloud region), the device catalog's integrity, and
// what-ifs priced by the same model: savings derived here from the data's own constants.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { averageIntensity } from "@tgwf/co2/data";
import { CLOUD_REGION_ROWS } from "../../server/src/analysis/footprint/data/cloudRegions";
import { DEVICE_ROWS } from "../../server/src/analysis/footprint/data/devices";
import { EARLY_STOP_FRACTION } from "../../server/src/analysis/footprint/data/modelConstants";
import { findDevice, peakFor } from "../../server/src/analysis/footprint/devices";
import { PRIMARY_DATASET_ORDER, providerRegions, resolveGrid } from "../../server/src/analysis/footprint/grid";
import { priceRun } from "../../server/src/analysis/footprint/priceRun";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";
import { spec } from "./helpers/runSpec";

test("device catalog: unique ids and aliases, a source per row, the settings default present", () => {
  // Every id and alias (as findDevice normalises it) names exactly one device.
  for (const d of DEVICE_ROWS) for (const n of [d.id, ...d.aliases]) assert.equal(findDevice(n)?.id, d.id, n);
  for (const d of DEVICE_ROWS) {
    assert.ok(d.source && d.sourceUrl.startsWith("https://"), d.id);
    const peaks = Object.values(d.peak).filter((v) => v !== null) as number[];
    assert.ok(peaks.length > 0 && peaks.every((v) => v > 0), d.id);
  }
  assert.equal(findDevice(DEFAULT_SETTINGS.device)?.id, DEFAULT_SETTINGS.device);
  assert.equal(findDevice("A100")?.id, "a100-sxm4-80gb");
  assert.equal(findDevice("NVIDIA RTX_4090")?.id, "rtx-4090");
  assert.equal(findDevice("t4")?.id, "t4");
  assert.equal(findDevice("h100")?.id, "h100-sxm5-80gb");
  assert.equal(findDevice("abacus"), null);
});

test("peaks: bf16 where the device has it, FP32 fallback (with a note) where it does not", () => {
  const v100 = findDevice("v100")!;
  const p = peakFor(v100, "bf16-mixed")!;
  assert.equal(p.column, "fp32");
  assert.equal(p.flops, (v100.peak.fp32 as number) * 1e12);
  assert.match(p.fallback ?? "", /no bf16 peak/);
  assert.equal(peakFor(findDevice("a100")!, "bf16-mixed")?.flops, (findDevice("a100")!.peak.bf16 as number) * 1e12);
});

test("world and countries come from @tgwf/co2 (Ember); unknown regions fall back with an Unknown", () => {
  assert.equal(resolveGrid("world")?.gPerKWh, averageIntensity.data.WORLD);
  assert.equal(resolveGrid("FRA")?.gPerKWh, averageIntensity.data.FRA);
  assert.equal(resolveGrid("fra")?.gPerKWh, averageIntensity.data.FRA);
  assert.equal(resolveGrid("XYZ"), null);
  const est = priceRun(spec(), { ...DEFAULT_SETTINGS, region: "Atlantis" });
  assert.ok(est.unknowns.some((u) => /Atlantis/.test(u.message)));
  assert.match(est.assumptions.find((a) => a.name.startsWith("grid"))?.value ?? "", /world average/);
});

test("cloud regions use the first dataset in PRIMARY_DATASET_ORDER and list the others", () => {
  for (const key of ["gcp:us-central1", "aws:eu-north-1", "azure:westeurope"]) {
    const [provider, region] = key.split(":");
    const rows = CLOUD_REGION_ROWS.filter((r) => r[0] === provider && r[1] === region);
    const best = PRIMARY_DATASET_ORDER.map((d) => rows.find((r) => r[4] === d)).find((r) => r !== undefined)!;
    const g = resolveGrid(key)!;
    assert.equal(g.gPerKWh, best[5], key);
    assert.equal(g.provider, provider);
    assert.equal((g.alternatives ?? "").split(", ").length, rows.length - 1);
  }
  assert.equal(resolveGrid("aws:mars-1"), null);
});

test("what-ifs: mixed precision, sparsity, devices, cleaner region, early stopping, frozen backbone", () => {
  const s = spec({ batchSize: 1 << 20 }); // compute-bound: the step floor plays no part
  const base = priceRun(s, { ...DEFAULT_SETTINGS, region: "aws:us-east-1" });
  const ids = base.whatIfs.map((w) => w.id);
  for (const id of [
    "mixed-precision:bf16",
    "sparsity-2of4",
    "device:h100-sxm5-80gb",
    "device:t4",
    "region",
    "early-stopping",
    "freeze-backbone",
  ])
    assert.ok(ids.includes(id), `${id} in ${ids.join(", ")}`);
  assert.ok(!ids.includes("device:a100-sxm4-80gb"), "the current device is not its own alternative");
  const w = (id: string) => base.whatIfs.find((x) => x.id === id)!;
  const a100 = findDevice("a100")!;
  const ratio = (a100.peak.fp32 as number) / (a100.peak.bf16 as number);
  assert.ok(Math.abs((w("mixed-precision:bf16").saving as number) - (ratio - 1)) < 1e-9);
  assert.ok(Math.abs((w("early-stopping").saving as number) - (EARLY_STOP_FRACTION.value - 1)) < 1e-9);
  const cleanest = providerRegions("aws")[0].choice;
  const g = resolveGrid("aws:us-east-1")!;
  assert.ok(Math.abs((w("region").saving as number) - (cleanest.gPerKWh / g.gPerKWh - 1)) < 1e-9);
  assert.deepEqual(w("region").energyKWh, base.energyKWh);
  assert.match(w("sparsity-2of4").note ?? "", /unstructured pruning/);
  const sp = w("sparsity-2of4").timeHours!;
  const mp = w("mixed-precision:bf16").timeHours!;
  assert.ok(Math.abs(sp.low - mp.low / 2) < 1e-9 && Math.abs(sp.high - mp.high) < 1e-9);
});

test("what-ifs that do not apply are left out", () => {
  const v100 = priceRun(
    spec({ device: { id: "v100", count: 1, kind: "gpu" }, precision: "fp16-mixed" }),
    DEFAULT_SETTINGS,
  );
  const ids = v100.whatIfs.map((w) => w.id);
  assert.ok(!ids.includes("sparsity-2of4"), "Volta has no sparse tensor cores");
  assert.ok(!ids.some((i) => i.startsWith("mixed-precision:")), "already mixed precision");
  const fixedGrid = priceRun(spec(), { ...DEFAULT_SETTINGS, gridIntensity: 20 });
  assert.ok(!fixedGrid.whatIfs.some((w) => w.id === "region"));
  const small = priceRun(spec({ params: 50_000, trainableParams: 50_000 }), DEFAULT_SETTINGS);
  assert.ok(!small.whatIfs.some((w) => w.id === "freeze-backbone"));
});

test("docs/MODEL.md lists every catalog device with its peaks and power", () => {
  const doc = readFileSync(join(process.cwd(), "docs/MODEL.md"), "utf8");
  for (const d of DEVICE_ROWS) {
    const row = doc.split("\n").find((l) => l.startsWith(`| \`${d.id}\` |`));
    assert.ok(row, `${d.id} in docs/MODEL.md`);
    const cells = row.split("|").map((c) => c.trim());
    const f = (v: number | null) => (v === null ? "–" : String(v));
    assert.deepEqual(
      cells.slice(3, 9),
      [d.peak.fp32, d.peak.tf32, d.peak.fp16, d.peak.bf16, d.peak.int8, d.powerW].map(f),
      d.id,
    );
  }
});
