// Builds a RuleContext from a script and hand-made trace events, so rules are tested without
// depending on the interpreter; positions come from the text, never typed coordinates.
import type { Tree } from "web-tree-sitter";
import { parseDirectives } from "../../../server/src/analysis/directives";
import type { CallFrame, LoopFrame, TraceEvent } from "../../../server/src/analysis/evaluate/trace";
import type { PythonParser } from "../../../server/src/analysis/parse/loadParser";
import type { RuleContext } from "../../../server/src/analysis/rules/rule";
import type { Range, RunEstimate, RunSpec } from "../../../server/src/analysis/types";
import { resolveSettings } from "../../../server/src/shared/settings";

/** The range of the `nth` occurrence of `needle` in `text`. */
export function rangeOf(text: string, needle: string, nth = 0): Range {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" not found`);
  }
  const pos = (off: number) => {
    const before = text.slice(0, off);
    const line = before.split("\n").length - 1;
    return { line, character: off - (before.lastIndexOf("\n") + 1) };
  };
  return { start: pos(at), end: pos(at + needle.length) };
}

/** The fields every trace event has, at their neutral values. */
export const eventBase: { loops: LoopFrame[]; frames: CallFrame[]; noGrad: boolean; autocast: null } = {
  loops: [],
  frames: [],
  noGrad: false,
  autocast: null,
};

export function run(spec: Partial<RunSpec> & { range: Range }, extra: Partial<RunEstimate> = {}): RunEstimate {
  const full: RunSpec = {
    model: "model",
    framework: "pytorch",
    epochs: 10,
    maxSteps: null,
    trainSamples: 60000,
    valSamples: null,
    batchSize: 64,
    gradientAccumulation: 1,
    tokensPerSample: null,
    precision: "fp32",
    device: { id: null, count: 1, kind: "gpu" },
    trials: 1,
    forwardFlops: 1e6,
    params: 1000,
    trainableParams: 1000,
    evidence: [],
    unknowns: [],
    ...spec,
  };
  return {
    spec: full,
    trainFlops: null,
    method: null,
    timeHours: null,
    energyKWh: null,
    co2eKg: null,
    deviceName: "A100",
    deviceCount: 1,
    assumptions: [],
    whatIfs: [],
    unknowns: [],
    ...extra,
  };
}

export function ruleContext(
  py: PythonParser,
  text: string,
  trace: TraceEvent[],
  runs: RunEstimate[] = [],
): RuleContext {
  const tree: Tree = py.parser.parse(text)!;
  return {
    path: "/w/train.py",
    text,
    lines: text.split(/\r?\n/),
    tree,
    facts: { models: [], trace, unknowns: [], steps: 0 },
    models: [],
    runs,
    directives: parseDirectives(text),
    settings: resolveSettings().settings,
    parse: (t, old) => py.parser.parse(t, old ?? null),
  };
}
