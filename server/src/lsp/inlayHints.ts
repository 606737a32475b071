// textDocument/inlayHint: `73.9K params · 116M FLOPs` at the end of each line that builds layers
// (summed when a loop builds several there). Off with `footprint.inlayHints.enabled: false`.
import type { InlayHint, InlayHintParams, Range } from "vscode-languageserver";
import { InlayHintKind } from "./lspValues";
import { compact } from "../analysis/format";
import type { FileAnalysis } from "../analysis/types";
import type { ServerContext } from "./context";
import { rangesOverlap } from "./convert";
import { analysisForRequest } from "./requestAnalysis";

interface LineCost {
  /** Two instances of one class share constructor lines: the first model's layers label them. */
  modelId: number;
  layers: number;
  params: number;
  macs: number | null;
  end: { line: number; character: number };
}

/** The label for one line: params always, FLOPs when every layer there has them. */
export function hintLabel(cost: LineCost): string {
  const count = cost.layers > 1 ? `${cost.layers}× · ` : "";
  const params = `${compact(cost.params)} params`;
  return cost.macs !== null && cost.macs > 0
    ? `${count}${params} · ${compact(2 * cost.macs)} FLOPs`
    : `${count}${params}`;
}

export function inlayHintsFor(analysis: FileAnalysis, visible: Range): InlayHint[] {
  // Keyed by the line where the constructor call ends: the hint goes after the closing parenthesis.
  const byLine = new Map<number, LineCost>();
  for (const model of analysis.models) {
    for (const layer of model.layers) {
      if (!layer.range || layer.file || !rangesOverlap(layer.range, visible)) continue;
      if (layer.params === 0 && !layer.macs) continue;
      const line = layer.range.end.line;
      const cost = byLine.get(line) ?? { modelId: model.id, layers: 0, params: 0, macs: 0, end: layer.range.end };
      if (cost.modelId !== model.id) continue;
      cost.layers += 1;
      cost.params += layer.params;
      cost.macs = cost.macs === null || layer.macs === null ? null : cost.macs + layer.macs;
      if (layer.range.end.character > cost.end.character) cost.end = layer.range.end;
      byLine.set(line, cost);
    }
  }
  return [...byLine.values()]
    .sort((a, b) => a.end.line - b.end.line)
    .map((cost) => ({
      position: { ...cost.end },
      label: hintLabel(cost),
      kind: InlayHintKind.Type,
      paddingLeft: true,
    }));
}

export function registerInlayHints(ctx: ServerContext): void {
  ctx.connection.languages.inlayHint.on(async (params: InlayHintParams, token) => {
    const uri = params.textDocument.uri;
    const settings = await ctx.settings.settingsFor(uri);
    if (!settings.inlayHints) return [];
    const analysis = await analysisForRequest(ctx.documents, uri, token);
    return analysis ? inlayHintsFor(analysis, params.range) : null;
  });
}
