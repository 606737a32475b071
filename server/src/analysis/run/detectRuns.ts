// Turns the interpreter's trace into training runs (model × data × schedule × precision × device):
// PyTorch loops from backward events, Keras/HF/Lightning runs from their fit events; directives
// then override samples, epochs and device, and every remaining gap becomes an Unknown with a hint.
import type { Tree } from "web-tree-sitter";
import type { Directives } from "../directives";
import type { ProgramFacts } from "../evaluate";
import { attachSmallerModel } from "../frameworks/zoo/alternatives";
import type { RunSpec } from "../types";
import { frameworkRuns } from "./frameworkRuns";
import { applyDirectives, gapUnknowns } from "./runFacts";
import { torchLoopRuns } from "./torchLoops";

/** `tree` (optional) lets detection read what the trace omits: loop iterables, accumulation guards. */
export function detectRuns(facts: ProgramFacts, directives: Directives, tree?: Tree | null): RunSpec[] {
  const specs = [...torchLoopRuns(facts, tree), ...frameworkRuns(facts)];
  specs.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  for (const s of specs) {
    applyDirectives(s, directives);
    gapUnknowns(s, facts.models);
    attachSmallerModel(s, facts.models);
  }
  return specs;
}
