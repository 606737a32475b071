// textDocument/hover: finds the innermost layer, model or training run under the cursor in the
// cached analysis and renders it (hoverText.ts). No analysis happens here.
import type { Hover, HoverParams, Position } from "vscode-languageserver";
import type { FileAnalysis, LayerCost, ModelCost, Range, RunEstimate } from "../analysis/types";
import { positionInRange, rangeSize, toLspRange } from "./convert";
import { layerHover, modelHover, runHover } from "./hoverText";
import type { ServerContext } from "./context";
import { analysisForRequest } from "./requestAnalysis";

type Target =
  | { kind: "layers"; range: Range; byModel: Array<{ model: ModelCost; layers: LayerCost[] }> }
  | { kind: "model"; range: Range; model: ModelCost }
  | { kind: "run"; range: Range; run: RunEstimate };

function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

/** The innermost thing at `p`; layers built by one line (a loop, or two instances) are grouped. */
export function targetAt(analysis: FileAnalysis, p: Position): Target | null {
  const candidates: Target[] = [];
  for (const model of analysis.models) {
    // Anywhere on the line that creates the model (`model = Net()`), the variable name included.
    if (p.line >= model.range.start.line && p.line <= model.range.end.line) {
      candidates.push({ kind: "model", range: model.range, model });
    }
    for (const layer of model.layers) {
      if (!layer.range || layer.file || !positionInRange(p, layer.range)) continue;
      const range = layer.range;
      let group = candidates.find((c) => c.kind === "layers" && sameRange(c.range, range));
      if (!group) {
        group = { kind: "layers", range, byModel: [] };
        candidates.push(group);
      }
      if (group.kind !== "layers") continue;
      const entry = group.byModel.find((e) => e.model === model);
      if (entry) entry.layers.push(layer);
      else group.byModel.push({ model, layers: [layer] });
    }
  }
  for (const run of analysis.runs) {
    // Only the run's first line (`for epoch in …:`, `model.fit(`, `trainer.train()`): the whole loop
    // body would put the estimate on every variable the user hovers inside it.
    const first = run.spec.range.start.line;
    if (p.line === first && positionInRange(p, run.spec.range)) {
      const end =
        first === run.spec.range.end.line ? run.spec.range.end : { line: first, character: Number.MAX_SAFE_INTEGER };
      candidates.push({ kind: "run", range: { start: run.spec.range.start, end }, run });
    }
  }
  if (candidates.length === 0) return null;
  return candidates.reduce((best, c) => (rangeSize(c.range) < rangeSize(best.range) ? c : best));
}

export function hoverFor(analysis: FileAnalysis, p: Position): Hover | null {
  const target = targetAt(analysis, p);
  if (!target) return null;
  let value: string;
  switch (target.kind) {
    case "layers":
      value = target.byModel.map((e) => layerHover(e.model, e.layers)).join("\n\n---\n\n");
      break;
    case "model":
      value = modelHover(target.model);
      break;
    case "run":
      value = runHover(target.run);
      break;
  }
  return { contents: { kind: "markdown", value }, range: toLspRange(target.range) };
}

export function registerHover(ctx: ServerContext): void {
  ctx.connection.onHover(async (params: HoverParams, token) => {
    const analysis = await analysisForRequest(ctx.documents, params.textDocument.uri, token);
    return analysis ? hoverFor(analysis, params.position) : null;
  });
}
