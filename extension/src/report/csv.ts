// The per-layer table as CSV (RFC 4180) for "Export Report → CSV": one row per layer of every model.
import type { FileAnalysis } from "../../../server/src/analysis/types";

export const LAYER_CSV_HEADER = [
  "model",
  "path",
  "type",
  "params",
  "trainable_params",
  "input_shape",
  "output_shape",
  "macs",
  "flops",
  "calls",
  "line",
] as const;

/**
 * One field. Quotes when the text holds a comma, quote or line break (RFC 4180 §2.6–2.7), and
 * prefixes text that a spreadsheet would run as a formula (=, +, -, @, tab, CR) with a single
 * quote, as OWASP's CSV-injection guidance advises: layer names come from the user's script.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const shapeText = (s: number[] | null) => (s ? s.join("x") : null);

/** CRLF line ends, as RFC 4180 specifies; lines are 1-based like the CLI's. */
export function layerCsv(f: FileAnalysis): string {
  const lines = [LAYER_CSV_HEADER.join(",")];
  for (const m of f.models) {
    for (const l of m.layers) {
      const row = [
        m.name,
        l.path,
        l.type,
        l.params,
        l.trainableParams,
        shapeText(l.inputShape),
        shapeText(l.outputShape),
        l.macs,
        l.macs === null ? null : 2 * l.macs,
        l.calls,
        l.range && !l.file ? l.range.start.line + 1 : null,
      ];
      lines.push(row.map(csvField).join(","));
    }
  }
  return `${lines.join("\r\n")}\r\n`;
}
