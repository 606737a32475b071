// textDocument/codeLens: one line above each model (size) and each training run (time, energy,
// CO2e); clicking opens the report. Off with `footprint.codeLens.enabled: false`.
import type { CodeLens, CodeLensParams } from "vscode-languageserver";
import { compact, flops, paramCount, range } from "../analysis/format";
import type { FileAnalysis, ModelCost, RunEstimate } from "../analysis/types";
import { SHOW_REPORT_COMMAND } from "../shared/protocol";
import type { ServerContext } from "./context";
import { analysisForRequest } from "./requestAnalysis";
import { toLspRange } from "./convert";

export function modelLensTitle(m: ModelCost): string {
  const frozen = m.params > m.trainableParams ? ` (${compact(m.trainableParams)} trainable)` : "";
  const cost = m.forwardFlops !== null ? ` · ${flops(m.forwardFlops)}/sample` : " · FLOPs unknown";
  return `${m.name}: ${paramCount(m.params, m.paramsInexact, compact)} params${frozen}${cost}`;
}

export function runLensTitle(r: RunEstimate): string {
  const parts = [
    r.timeHours ? range(r.timeHours, "h") : null,
    r.energyKWh ? range(r.energyKWh, "kWh") : null,
    r.co2eKg ? range(r.co2eKg, "kg CO2e") : null,
  ].filter(Boolean);
  const where = r.deviceName ? ` on ${r.deviceCount > 1 ? `${r.deviceCount} × ` : ""}${r.deviceName}` : "";
  // The lens opens the report: say so, as the title is the only thing a user sees of it.
  return parts.length > 0
    ? `Training: ${parts.join(" · ")}${where} — Show report`
    : "Training run: cost unknown — Show report";
}

export function codeLensesFor(uri: string, analysis: FileAnalysis): CodeLens[] {
  const lens = (title: string, at: ModelCost["range"]): CodeLens => ({
    range: toLspRange({ start: at.start, end: at.start }),
    command: { title, command: SHOW_REPORT_COMMAND, arguments: [uri] },
  });
  return [
    ...analysis.models.map((m) => lens(modelLensTitle(m), m.range)),
    ...analysis.runs.map((r) => lens(runLensTitle(r), r.spec.range)),
  ];
}

export function registerCodeLens(ctx: ServerContext): void {
  ctx.connection.onCodeLens(async (params: CodeLensParams, token) => {
    const uri = params.textDocument.uri;
    const settings = await ctx.settings.settingsFor(uri);
    if (!settings.codeLens) return [];
    const analysis = await analysisForRequest(ctx.documents, uri, token);
    return analysis ? codeLensesFor(uri, analysis) : null;
  });
}
