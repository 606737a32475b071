// Entry to the Python-subset abstract interpreter: runs a module's tree and returns the models
// it built and the trace of what it did.
import type { Tree } from "web-tree-sitter";
import { buildDefinedModels, buildModelCosts } from "../cost/modelCost";
import { kerasModelCosts } from "../frameworks/keras/kerasModelCost";
import type { Directives } from "../directives";
import type { ModelCost, Unknown } from "../types";
import type { WorkspaceReader } from "../workspace";
import { BudgetExhausted } from "./budget";
import { makeBuiltins } from "./builtins";
import { Interp } from "./interp";
import type { LoweringCache } from "./lowerReuse";
import { StmtLowerer } from "./lowerStmt";
import { Scope } from "./scope";
import { execBlock, type FrameResult } from "./statements";
import type { TraceEvent } from "./trace";
import { NONE, str } from "./values";
import { thousands } from "../format";

export interface EvalBudget {
  /** Interpreter steps (statements + expressions) before the run stops with Unknown("budget"). */
  maxSteps: number;
  /** Call-stack depth (user functions and nested expressions). */
  maxDepth: number;
}

/** Share of the step budget the script itself may use before model forward traces run. */
const PROGRAM_SHARE = 0.7;

export const DEFAULT_BUDGET: EvalBudget = { maxSteps: 200_000, maxDepth: 200 };

export interface EvalContext {
  path: string;
  text: string;
  workspace: WorkspaceReader;
  /** Parses another workspace file (imports); the same injected parser. */
  parse: (text: string) => Tree | null;
  directives: Directives;
  budget: EvalBudget;
  /**
   * Incremental lowering across analyses of one document: the analyzer's cache and the edited
   * tree this one was parsed from (statements the parse kept are not lowered again).
   */
  lowering?: { cache: LoweringCache; oldTree: Tree | null | undefined };
}

export interface ProgramFacts {
  models: ModelCost[];
  trace: TraceEvent[];
  unknowns: Unknown[];
  steps: number;
}

export function evaluateProgram(tree: Tree, ctx: EvalContext): ProgramFacts {
  const ip = new Interp(ctx, ctx.budget);
  ip.builtins = makeBuiltins();
  const globals = new Scope(ip.builtins, null);
  // The analysed file is the program being run: `if __name__ == "__main__":` is taken.
  globals.vars.set("__name__", str("__main__"));
  globals.vars.set("__file__", str(ctx.path));
  const root = tree.rootNode;
  const lowering = ctx.lowering;
  const lowerer = new StmtLowerer(root.hasError ? null : ctx.text, lowering?.cache.take(lowering.oldTree));
  const body = lowerer.block(root);
  lowering?.cache.keep(tree, lowerer.index);
  ip.fileModules.set(ctx.path, { k: "module", name: "__main__", attrs: globals.vars, resolve: null });
  const frame: FrameResult = { ret: NONE };
  // The program may use most of the budget; forward traces for costing get the rest.
  ip.maxSteps = Math.floor(ctx.budget.maxSteps * PROGRAM_SHARE);
  try {
    execBlock(ip, body, globals, frame);
  } catch (err) {
    if (err instanceof BudgetExhausted) {
      ip.unknowns.push({
        message: `analysis stopped after ${thousands(ctx.budget.maxSteps)} steps (budget): results cover the code run before that`,
        range: null,
        hint: "very long loops or deep recursion; the models built before the stop are still reported",
      });
    } else if (err instanceof RangeError) {
      ip.unknowns.push({ message: "analysis stopped: code nested too deeply", range: null });
    } else throw err;
  }
  if (!ip.unknowns.some((u) => /budget/.test(u.message))) {
    try {
      buildDefinedModels(ip, globals);
    } catch (err) {
      if (!(err instanceof BudgetExhausted) && !(err instanceof RangeError)) throw err;
    }
  }
  let models: ModelCost[] = [];
  try {
    models = [...buildModelCosts(ip, ctx.budget.maxSteps - ip.steps), ...kerasModelCosts(ip)];
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    ip.unknowns.push({ message: "model costing stopped: code nested too deeply", range: null });
  }
  return { models, trace: ip.trace, unknowns: ip.unknowns, steps: ip.steps };
}
