// What "Footprint: Export Report" writes, per format, from one file's analysis: the CLI's Markdown
// renderer, the CLI's versioned JSON contract (docs/cli-json.md) and the per-layer CSV. Pure.
import type { FileAnalysis, Interval } from "../../../server/src/analysis/types";
import type { CheckResult } from "../../../server/src/cli/check";
import { jsonReport } from "../../../server/src/cli/jsonReport";
import { markdownReport } from "../../../server/src/cli/renderMarkdown";
import { layerCsv } from "../report/csv";

export type ExportFormat = "markdown" | "json" | "csv";

export const EXPORT_FORMATS: ReadonlyArray<{ format: ExportFormat; label: string; extension: string; detail: string }> =
  [
    {
      format: "markdown",
      label: "Markdown",
      extension: "md",
      detail: "the report as `footprint check --format markdown` writes it",
    },
    {
      format: "json",
      label: "JSON",
      extension: "json",
      detail: "the CLI's versioned JSON contract (docs/cli-json.md)",
    },
    { format: "csv", label: "CSV", extension: "csv", detail: "the per-layer table of every model" },
  ];

const add = (t: Interval | null, x: Interval): Interval =>
  t ? { low: t.low + x.low, high: t.high + x.high } : { ...x };

/**
 * The CheckResult the CLI would build for this one file without budgets, so the JSON is the same
 * contract `footprint check --format json` emits (totals summed the same way as cli/check.ts).
 */
export function checkResultOf(f: FileAnalysis): CheckResult {
  let energy: Interval | null = null;
  let co2: Interval | null = null;
  let runsWithoutEstimate = 0;
  for (const run of f.runs) {
    if (run.energyKWh) energy = add(energy, run.energyKWh);
    if (run.co2eKg) co2 = add(co2, run.co2eKg);
    if (!run.energyKWh || !run.co2eKg) runsWithoutEstimate++;
  }
  return {
    files: [f],
    totals: { energyKWh: energy, co2eKg: co2, runsWithoutEstimate },
    budgets: [],
    warnings: [],
    ioErrors: 0,
  };
}

export function exportText(f: FileAnalysis, format: ExportFormat, toolVersion: string): string {
  switch (format) {
    case "markdown":
      return markdownReport([f]);
    case "json":
      return `${JSON.stringify(jsonReport(checkResultOf(f), toolVersion), null, 2)}\n`;
    case "csv":
      return layerCsv(f);
  }
}
