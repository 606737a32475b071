// Turns the interpreter's trace into training runs (model × data × schedule × precision × device).
import type { Directives } from "../directives";
import type { ProgramFacts } from "../evaluate";
import type { RunSpec } from "../types";

export function detectRuns(_facts: ProgramFacts, _directives: Directives): RunSpec[] {
  return [];
}
