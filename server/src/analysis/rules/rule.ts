// The contract every rule implements, and what a rule may read.
import type { Tree } from "web-tree-sitter";
import type { Settings } from "../../shared/settings";
import type { Directives } from "../directives";
import type { ProgramFacts } from "../evaluate";
import type { Finding, Fix, ModelCost, RunEstimate, Severity } from "../types";

export interface RuleContext {
  path: string;
  text: string;
  /** `text` split into lines (no terminators), shared by rules that read a line. */
  lines: string[];
  tree: Tree;
  facts: ProgramFacts;
  models: ModelCost[];
  runs: RunEstimate[];
  directives: Directives;
  settings: Settings;
  /** Parses a candidate text (fix validation), incrementally from `oldTree`; the analyzer's injected parser. */
  parse: (text: string, oldTree?: Tree | null) => Tree | null;
}

export interface Rule {
  /** Stable code, never reused: "FP100". */
  code: string;
  /** Short name for docs and settings UIs. */
  title: string;
  defaultSeverity: Severity;
  check(ctx: RuleContext): RuleFinding[];
  /**
   * The message of one finding about several runs that share a range (the passes of a list loop
   * around a whole training, rules/mergeFindings.ts). Without it, the runs' messages are joined.
   */
  mergedMessage?(runs: RunEstimate[]): string;
}

/**
 * A finding as a rule reports it. Its fixes are a function, called only when someone asks for them
 * (see deferredFixes.ts): the rule decides in `check` whether there is a problem, and puts the work
 * of writing and validating the edits inside `fixes`. A null entry is a fix that could not be built.
 */
export interface RuleFinding extends Omit<Finding, "code" | "severity" | "fixes"> {
  fixes?: () => Array<Fix | null>;
  /** The run the finding is about, if one: findings of one rule at one range merge over their runs. */
  run?: RunEstimate;
}
