// FP160: many epochs with no early stopping. Training usually plateaus well before a fixed
// epoch budget; stopping on a validation plateau saves the tail. Keras gets a callback fix;
// PyTorch loops get the finding with the priced saving (a patience loop is the user's design).
import type { Node, Tree } from "web-tree-sitter";
import type { Range, RunEstimate } from "../types";
import { callAt, nodeAt } from "./astLookup";
import { kerasCallbackFix } from "./FP160-keras-fix";
import type { Rule, RuleContext } from "./rule";
import { runsLabel } from "./mergeFindings";
import { describeSavings, whatIf } from "./savings";
import { validated } from "./validatedFix";

/** Epoch budgets at or above this get the finding; below it a plateau saves little. */
export const MANY_EPOCHS = 20;

export const noEarlyStopping: Rule = {
  code: "FP160",
  title: "Many epochs without early stopping",
  defaultSeverity: "information",
  check(ctx) {
    const out = [];
    let anywhere: boolean | undefined;
    for (const run of ctx.runs) {
      const { spec } = run;
      if (spec.epochs === null || spec.epochs < MANY_EPOCHS) continue;
      // A max_time budget that caps the run already stops it (at the high end, the time is the budget).
      if (spec.maxTimeHours != null && run.timeHours && run.timeHours.high >= spec.maxTimeHours * spec.trials * 0.999)
        continue;
      // The whole-script checks do not depend on the run: once per analysis, not once per run.
      anywhere ??= stopsEarlyAnywhere(ctx);
      if (anywhere || loopBreaks(ctx, run)) continue;
      out.push({
        message: message([run]),
        range: spec.range,
        run,
        fixes: () => (spec.framework === "keras" ? [validated(ctx, kerasCallbackFix(ctx, run))] : []),
      });
    }
    return out;
  },
  mergedMessage: message,
};

/** The finding's text for one run, or for the passes of a list loop together (their savings summed). */
function message(runs: RunEstimate[]): string {
  const saving = describeSavings(runs.map((run) => ({ run, w: whatIf(run, "early-stopping") })));
  const epochs = runs.map((r) => r.spec.epochs).join(" + ");
  const who = runs.length > 1 ? ` (${runsLabel(runs)})` : "";
  return `${epochs} epochs with no early stopping${who}: stop when the validation loss stops improving${saving ? ` (${saving} if it plateaus 30% sooner)` : ""}`;
}

/**
 * `ReduceLROnPlateau(…)` with its arguments (one level of nested parentheses): its `patience` lowers
 * the learning rate on a plateau and trains on, so it is no sign of early stopping.
 */
const REDUCE_ON_PLATEAU_CALL = /ReduceLROnPlateau\s*\((?:[^()]|\([^()]*\))*\)/g;

/** A Keras EarlyStopping callback, or early stopping or a patience named anywhere in the script. */
function stopsEarlyAnywhere(ctx: RuleContext): boolean {
  for (const e of ctx.facts.trace) {
    if (e.kind === "kerasFit" && e.callbacks.some((c) => /EarlyStopping/.test(c))) return true;
  }
  if (/EarlyStopping|early_stop/i.test(ctx.text)) return true;
  return /patience/i.test(ctx.text.replace(REDUCE_ON_PLATEAU_CALL, ""));
}

function loopBreaks(ctx: RuleContext, run: RunEstimate): boolean {
  // A PyTorch epoch loop (or a loop around it) that a `break` of its own or a `return` can leave
  // already stops early. A `break` of the batch loop inside only caps the batches of an epoch.
  const loopNode = run.spec.framework === "pytorch" ? loopAt(ctx.tree, run.spec.range) : null;
  for (let n = loopNode; n; n = n.parent) {
    // Most loops say neither word: their subtrees are not walked.
    if ((n.type !== "for_statement" && n.type !== "while_statement") || !/\b(?:break|return)\b/.test(n.text)) continue;
    for (const b of n.descendantsOfType(["break_statement", "return_statement"])) {
      if (!b) continue;
      const owner = b.type === "break_statement" ? LOOPS : FUNCTIONS;
      let up = b.parent;
      while (up && up.id !== n.id && !owner.has(up.type)) up = up.parent;
      // A break belongs to its nearest loop; a return leaves the loop unless a nested def holds it.
      if (up?.id === n.id) return true;
    }
  }
  return false;
}

/**
 * The loop a PyTorch run's range spans (its epoch loop, else its batch loop), or a node inside it.
 * Read directly: finding the first call inside it listed every call of the loop's body.
 */
function loopAt(tree: Tree, range: Range): Node | null {
  const n = nodeAt(tree, range);
  return n && LOOPS.has(n.type) ? n : callAt(tree, range);
}

const LOOPS = new Set(["for_statement", "while_statement"]);
const FUNCTIONS = new Set(["function_definition", "lambda"]);
