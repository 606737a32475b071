// The versioned JSON contract of `footprint check --format json` (docs/cli-json.md,
// docs/cli-json.schema.json). Lines are 1-based here; the core's ranges are 0-based.
import type { FileAnalysis, LayerCost, ModelCost, RunEstimate, Unknown } from "../analysis/types";
import type { CheckResult } from "./check";

export const JSON_REPORT_VERSION = 1;

function unknownText(u: Unknown): string {
  return u.hint ? `${u.message} (${u.hint})` : u.message;
}

function layerJson(l: LayerCost) {
  return {
    path: l.path,
    type: l.type,
    line: l.range && !l.file ? l.range.start.line + 1 : null,
    params: l.params,
    trainableParams: l.trainableParams,
    inputShape: l.inputShape,
    outputShape: l.outputShape,
    forwardFlops: l.macs === null ? null : 2 * l.macs,
    calls: l.calls,
  };
}

function modelJson(m: ModelCost) {
  return {
    name: m.name,
    line: m.range.start.line + 1,
    params: m.params,
    trainableParams: m.trainableParams,
    paramsExact: m.paramsInexact === undefined,
    forwardFlops: m.forwardFlops,
    inputShape: m.inputShape,
    unknowns: m.unknowns.map(unknownText),
    className: m.className,
    framework: m.framework,
    forwardMacs: m.forwardMacs,
    inputShapeSource: m.inputShapeSource,
    ...(m.perCallFlops ? { perCallFlops: m.perCallFlops } : {}),
    layers: m.layers.map(layerJson),
  };
}

function runJson(r: RunEstimate) {
  const s = r.spec;
  return {
    model: s.model,
    line: s.range.start.line + 1,
    epochs: s.epochs,
    samples: s.trainSamples,
    batchSize: s.batchSize,
    precision: s.precision,
    device: r.deviceName || null,
    timeHours: r.timeHours,
    energyKWh: r.energyKWh,
    co2eKg: r.co2eKg,
    assumptions: r.assumptions.map((a) => `${a.name}: ${a.value} (${a.source}${a.citation ? `; ${a.citation}` : ""})`),
    framework: s.framework,
    deviceCount: r.deviceCount,
    maxSteps: s.maxSteps,
    trials: s.trials,
    method: r.method,
    trainFlops: r.trainFlops,
    inference: r.inference ?? null,
    unknowns: [...s.unknowns, ...r.unknowns].map(unknownText),
  };
}

function fileJson(f: FileAnalysis) {
  return {
    path: f.path,
    models: f.models.map(modelJson),
    runs: f.runs.map(runJson),
    findings: f.findings.map((x) => ({
      code: x.code,
      line: x.range.start.line + 1,
      severity: x.severity,
      message: x.message,
      column: x.range.start.character + 1,
      endLine: x.range.end.line + 1,
      endColumn: x.range.end.character + 1,
      fixes: x.fixes.map((fix) => fix.title),
    })),
    notices: f.notices,
    unknowns: (f.unknowns ?? []).map((u) => `line ${u.range ? u.range.start.line + 1 : "?"}: ${unknownText(u)}`),
    syntaxErrors: f.syntaxErrors.length,
  };
}

export function jsonReport(result: CheckResult, toolVersion: string) {
  return {
    version: JSON_REPORT_VERSION,
    files: result.files.map(fileJson),
    tool: { name: "footprint-lint", version: toolVersion },
    totals: result.totals,
    budgets: result.budgets.map((b) => ({ name: b.name, limit: b.limit, total: b.total, exceeded: b.exceeded })),
  };
}
