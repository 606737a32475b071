// Evaluation run from inside the training batch loop: a no-grad pass over another loader every k
// steps (`if global_step % eval_every == 0: evaluate(model, val_loader)`), counted over the run's
// optimizer steps when it is priced rather than per epoch, since a step budget may end mid-epoch.
import type { Node, Tree } from "web-tree-sitter";
import type { ProgramFacts } from "../evaluate";
import type { LoopFrame, TraceEvent } from "../evaluate/trace";
import { thousands } from "../format";
import { rangeKey } from "../parse/nodes";
import type { RunSpec } from "../types";
import { line } from "./runFacts";
import { moduloGuard, nodeAtRange } from "./sourceLookup";
import { eventsInLoop } from "./traceIndex";

/** Loops of `e` inside the batch loop: a loader among them makes `e` an evaluation pass, not the step. */
export function innerLoaderLoop(e: TraceEvent, batchLoop: LoopFrame): LoopFrame | null {
  const key = rangeKey(batchLoop.range);
  const i = e.loops.findIndex((l) => l === batchLoop || rangeKey(l.range) === key);
  if (i < 0) return null;
  return (
    e.loops
      .slice(i + 1)
      .reverse()
      .find((l) => l.over === "loader") ?? null
  );
}

/**
 * Prices evaluation loops nested in the batch loop: every k optimizer steps under a period guard
 * (k ÷ accumulation when the counter counts batches), every step without one; a guard whose
 * period cannot be read, or a condition that is not a period, is said and left unpriced.
 */
export function inStepEvaluations(
  facts: ProgramFacts,
  tree: Tree | null | undefined,
  batchLoop: LoopFrame,
  inPass: (e: TraceEvent) => boolean,
  spec: RunSpec,
  /** Forward FLOPs per sample of what an evaluation forward calls; null when unknown. */
  evalFlopsOf: (e: TraceEvent) => number | null,
  /** Whether an epoch loop runs the batch loop again: only then does its index restart. */
  inEpochs: boolean,
): void {
  const loopNode = tree ? nodeAtRange(tree, batchLoop.range) : null;
  const seen = new Set<string>();
  for (const e of eventsInLoop(facts, batchLoop)) {
    if (e.kind !== "forward" || !inPass(e)) continue;
    const loop = innerLoaderLoop(e, batchLoop);
    if (!loop || seen.has(rangeKey(loop.range))) continue;
    seen.add(rangeKey(loop.range));
    const ds = loop.loader?.dataset;
    const n =
      ds?.samples ??
      (loop.tripCount !== null && loop.loader?.batchSize ? loop.tripCount * loop.loader.batchSize : null);
    const at = `line ${line(loop.range)}`;
    if (n === null) {
      spec.unknowns.push({
        message: `an evaluation pass over a loader of unknown size inside the training loop (${at}) is not priced`,
        range: loop.range,
      });
      continue;
    }
    const guard = tree && loopNode ? stepGuardOf(tree, loopNode, loop, e) : null;
    if (guard && "other" in guard) {
      spec.unknowns.push({
        message: `an evaluation pass of ${thousands(n)} samples (${at}) runs under \`${guard.other}\` inside the training loop, which this analysis cannot count: not priced`,
        range: loop.range,
      });
      continue;
    }
    if (guard && guard.k === null) {
      spec.unknowns.push({
        message: `an evaluation pass of ${thousands(n)} samples (${at}) runs under \`${guard.text}\` with a period that cannot be read: not priced`,
        range: loop.range,
      });
      continue;
    }
    if (spec.evalEverySteps) {
      spec.unknowns.push({
        message: `a second evaluation schedule inside the training loop (${at}) is not priced`,
        range: loop.range,
      });
      continue;
    }
    const k = guard?.k ?? 1;
    const acc = Math.max(1, spec.gradientAccumulation);
    // A counter bumped once per batch counts micro-batches: k of them are k ÷ accumulation steps.
    const steps = guard && !guard.countsSteps ? k / acc : k;
    spec.evalEverySteps = { steps, samples: n };
    // Priced at what the pass calls (an EMA copy, a student) when that is not the step's forward per
    // sample; a per-epoch evaluation priced otherwise already would make one figure for both: said.
    const f = evalFlopsOf(e);
    if (f !== null && spec.forwardFlops !== null && Math.abs(f - spec.forwardFlops) > 1e-6 * f) {
      if (!spec.valSamples) spec.evalForwardFlops = f;
      else if (spec.evalForwardFlops !== f)
        spec.unknowns.push({
          message: `the evaluation pass inside the training loop (${at}) calls a model whose forward differs from the per-epoch evaluation's: both are priced at the latter`,
          range: loop.range,
        });
    }
    const where = `${ds?.name ?? "loader"}${ds?.split ? ` ${ds.split}` : ""} (${at})`;
    spec.evidence.push(
      guard
        ? `${thousands(n)} evaluation samples every ${k} ${guard.countsSteps ? "optimizer steps" : "batches"} (\`${guard.text}\` inside the training loop): ${where}; passes counted as floor(steps / ${+steps.toFixed(3)}) over the run${guard.restarts && inEpochs ? " (the batch index restarts each epoch: up to one pass an epoch fewer)" : ""}`
        : `${thousands(n)} evaluation samples after every optimizer step (inside the training loop): ${where}`,
    );
  }
}

type Guard = { k: number | null; text: string; countsSteps: boolean; restarts: boolean } | { other: string } | null;

/** The `if` between the batch loop and the evaluation (its loop, or the call in the batch loop leading to it). */
function stepGuardOf(tree: Tree, loopNode: Node, evalLoop: LoopFrame, e: TraceEvent): Guard {
  const inside = (n: Node) => loopNode.startIndex <= n.startIndex && n.endIndex <= loopNode.endIndex;
  const evalNode = nodeAtRange(tree, evalLoop.range);
  let start: Node | null = evalNode && inside(evalNode) ? evalNode : null;
  if (!start) {
    const callees = e.frames.map((f) => f.name);
    for (const c of loopNode.descendantsOfType("call")) {
      const fn = c?.childForFieldName("function")?.text ?? "";
      if (c && callees.some((name) => fn === name || fn.endsWith(`.${name}`))) {
        start = c;
        break;
      }
    }
  }
  let other: string | null = null;
  for (let p = start?.parent ?? null; p && p.id !== loopNode.id; p = p.parent) {
    if (p.type !== "if_statement") continue;
    const g = moduloGuard(tree, p);
    if (!g) {
      other ??= p.childForFieldName("condition")?.text ?? "a condition";
      continue;
    }
    const loopVars = loopTargetNames(loopNode);
    return {
      k: g.k,
      text: g.text.replace(/^if /, ""),
      countsSteps: incrementedWithStep(loopNode, g.v),
      restarts: loopVars.includes(g.v),
    };
  }
  return other ? { other } : null;
}

function loopTargetNames(loopNode: Node): string[] {
  return loopNode.childForFieldName("left")?.text.match(/[A-Za-z_]\w*/g) ?? [];
}

/** The counter's `+= 1` sits in the same `if` as an optimizer `.step()` call: it counts optimizer steps. */
function incrementedWithStep(loopNode: Node, counter: string): boolean {
  const body = loopNode.childForFieldName("body");
  for (const a of body?.descendantsOfType("augmented_assignment") ?? []) {
    if (a?.childForFieldName("left")?.text !== counter) continue;
    for (let p = a.parent; p && p.id !== loopNode.id; p = p.parent)
      if (p.type === "if_statement" && /\.step\(/.test(p.text)) return true;
  }
  return false;
}

/** Where a per-epoch evaluation pass sits: its loop, and the functions the call into it passed through. */
export interface EvalSite {
  range: RunSpec["range"];
  callees: string[];
}

/**
 * Whether the per-epoch evaluation also runs after the epoch a step budget cuts short: yes when no
 * `break` / `return` at the epoch loop's level stands between the batch loop and the evaluation
 * (the budget's break leaves the batch loop only, and the pass after it runs); no when one does.
 * Null when the evaluation cannot be placed in the epoch loop's body.
 */
export function partialEpochRule(
  tree: Tree | null | undefined,
  epochLoop: LoopFrame,
  batchLoop: LoopFrame,
  sites: EvalSite[],
): RunSpec["epochEvalRule"] {
  const epochNode = tree ? nodeAtRange(tree, epochLoop.range) : null;
  const body = epochNode?.childForFieldName("body");
  const batchNode = tree ? nodeAtRange(tree, batchLoop.range) : null;
  if (!tree || !body || !batchNode || sites.length === 0) return null;
  const stmts = body.namedChildren.filter((c): c is Node => !!c);
  const holding = (n: Node) => stmts.findIndex((s) => s.startIndex <= n.startIndex && n.endIndex <= s.endIndex);
  const bi = holding(batchNode);
  if (bi < 0) return null;
  let verdict: RunSpec["epochEvalRule"] = null;
  for (const site of sites) {
    const evalNode = nodeAtRange(tree, site.range);
    let at = evalNode ? holding(evalNode) : -1;
    if (at < 0)
      at = stmts.findIndex((s) =>
        s.descendantsOfType("call").some((c) => {
          const fn = c?.childForFieldName("function")?.text ?? "";
          return site.callees.some((name) => fn === name || fn.endsWith(`.${name}`));
        }),
      );
    if (at < 0 || at === bi) return null;
    // Statements between the batch loop and the evaluation, in the order one epoch runs them.
    const between = at > bi ? stmts.slice(bi + 1, at) : [];
    const exit = between.find((s) => leaves(s));
    const rule: NonNullable<RunSpec["epochEvalRule"]> = exit
      ? {
          partialEpoch: "skipped",
          how: `the run leaves the epoch loop at line ${exit.startPosition.row + 1}, before the evaluation of the epoch the step budget ends`,
        }
      : {
          partialEpoch: "evaluated",
          how: `the evaluation (line ${line(site.range)}) runs ${at > bi ? "after" : "before"} the batch loop however it ended, so the epoch the step budget ends is evaluated too`,
        };
    if (verdict && verdict.partialEpoch !== rule.partialEpoch) return null;
    verdict = rule;
  }
  return verdict;
}

/** A statement that leaves the loop around it: a break or return not inside a nested loop or function. */
function leaves(n: Node): boolean {
  if (n.type === "break_statement" || n.type === "return_statement") return true;
  if (/^(for_statement|while_statement|function_definition|class_definition)$/.test(n.type)) return false;
  return n.namedChildren.some((c) => !!c && leaves(c));
}
