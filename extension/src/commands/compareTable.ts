// "Compare Devices and Regions": re-prices a file's first training run on every trainable device of
// the catalog and in a few grids, with priceRun (pure and cheap) and the user's other settings. Pure.
import { DEVICE_ROWS } from "../../../server/src/analysis/footprint/data/devices";
import { resolveGrid } from "../../../server/src/analysis/footprint/grid";
import { priceRun } from "../../../server/src/analysis/footprint/priceRun";
import { range } from "../../../server/src/analysis/format";
import type { FileAnalysis, Interval, RunEstimate, RunSpec } from "../../../server/src/analysis/types";
import type { Settings } from "../../../server/src/shared/settings";

/**
 * Grids every comparison shows besides the user's own: the world average and a spread of large
 * national grids from coal-heavy to low-carbon, so the range of what "where" changes is visible.
 */
export const COMPARE_REGIONS = ["world", "CHN", "USA", "IND", "RUS", "JPN", "DEU", "FRA", "SWE"];

export interface CompareRow {
  label: string;
  timeHours: Interval | null;
  energyKWh: Interval | null;
  co2eKg: Interval | null;
}

const rowOf = (label: string, e: RunEstimate): CompareRow => ({
  label,
  timeHours: e.timeHours,
  energyKWh: e.energyKWh,
  co2eKg: e.co2eKg,
});

/** The run on each device that trains, keeping the script's device count; lowest CO2e first. */
export function compareDevices(spec: RunSpec, settings: Settings): CompareRow[] {
  const count = spec.device?.count ?? null;
  return DEVICE_ROWS.filter((d) => d.trains)
    .map((d) =>
      rowOf(
        d.name,
        priceRun({ ...spec, device: { id: d.id, count, kind: d.kind === "edge" ? "gpu" : d.kind } }, settings),
      ),
    )
    .sort((a, b) => (a.co2eKg?.high ?? Number.POSITIVE_INFINITY) - (b.co2eKg?.high ?? Number.POSITIVE_INFINITY));
}

/** The run in each grid, on the device it is priced on now. A gridIntensity override would hide the region, so it is dropped. */
export function compareRegions(spec: RunSpec, settings: Settings, regions = COMPARE_REGIONS): CompareRow[] {
  const wanted = [...new Set([settings.region, ...regions])];
  return wanted
    .filter((r) => resolveGrid(r) !== null)
    .map((r) => {
      const grid = resolveGrid(r);
      const label = `${grid?.label ?? r} (${grid ? Math.round(grid.gPerKWh) : "?"} g/kWh)${r === settings.region ? " ← current" : ""}`;
      return rowOf(label, priceRun(spec, { ...settings, region: r, gridIntensity: null }));
    })
    .sort((a, b) => (a.co2eKg?.high ?? Number.POSITIVE_INFINITY) - (b.co2eKg?.high ?? Number.POSITIVE_INFINITY));
}

const cell = (i: Interval | null, unit: string) => (i ? range(i, unit) : "unknown");
const esc = (s: string) => s.replace(/\|/g, "\\|");

function table(title: string, rows: CompareRow[]): string[] {
  return [
    `| ${title} | time | energy | CO2e |`,
    "|---|---|---|---|",
    ...rows.map(
      (r) => `| ${esc(r.label)} | ${cell(r.timeHours, "h")} | ${cell(r.energyKWh, "kWh")} | ${cell(r.co2eKg, "kg")} |`,
    ),
  ];
}

/** Markdown with both tables for the first run of `f`, or a sentence saying there is none. */
export function compareMarkdown(f: FileAnalysis, settings: Settings): string {
  const out = [`# Footprint: devices and regions for ${f.path}`, ""];
  const run = f.runs[0];
  if (!run) return `${[...out, "No training run found in this file, so there is nothing to price."].join("\n")}\n`;
  out.push(
    `First training run (line ${run.spec.range.start.line + 1}, model ${run.spec.model ?? "unknown"}), priced with your settings except the column that varies.`,
    "",
    `## Devices (region ${settings.region})`,
    "",
    ...table("device", compareDevices(run.spec, settings)),
    "",
    `## Regions (on ${run.deviceCount}× ${run.deviceName})`,
    "",
    ...table("region", compareRegions(run.spec, settings)),
    "",
    "Grid intensities: Ember annual averages bundled by @tgwf/co2 for countries, the cloud-region table of docs/MODEL.md for provider:region.",
  );
  return `${out.join("\n")}\n`;
}
