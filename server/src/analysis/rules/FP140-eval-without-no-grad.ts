// FP140: a forward pass in an evaluation loop outside `torch.no_grad()` / `inference_mode()`:
// autograd then records every activation for a backward that never comes (time and memory spent
// for nothing). Found from the trace: a forward in a loop that holds no backward.
import type { TraceEvent } from "../evaluate/trace";
import { wrapStatements } from "../fixes/codeShapes";
import { ensureModuleImport } from "../fixes/imports";
import { detectStyle } from "../fixes/pythonStyle";
import type { Fix } from "../types";
import { enclosingStatement, nodeAt, sameRange } from "./astLookup";
import type { Rule, RuleContext } from "./rule";
import { validated } from "./validatedFix";

type Forward = Extract<TraceEvent, { kind: "forward" }>;

/** A loop body that takes gradients some other way than `.backward()` needs autograd on. */
const USES_GRADIENTS = /\bautograd\.grad\s*\(|\.requires_grad_\s*\(|\brequires_grad\s*=\s*True|\.grad\b/;

export const evalWithoutNoGrad: Rule = {
  code: "FP140",
  title: "Evaluation without no_grad",
  defaultSeverity: "warning",
  check(ctx) {
    const backwardLoops = ctx.facts.trace
      .filter((e) => e.kind === "backward")
      .flatMap((e) => e.loops.map((l) => l.range));
    const seen = new Set<string>();
    const out = [];
    for (const e of ctx.facts.trace) {
      // A frozen model records no graph either (checked under PyTorch 1.13: its output has no grad_fn).
      if (e.kind !== "forward" || e.noGrad || e.frozen) continue;
      const loop = e.loops.at(-1);
      // Only loops over data: a single call (a smoke test, an export) is not an eval loop.
      if (!loop || loop.over !== "loader") continue;
      if (backwardLoops.some((r) => sameRange(r, loop.range))) continue;
      const key = `${loop.range.start.line}:${loop.range.start.character}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // Saliency maps, adversarial examples, gradient penalties: gradients without a .backward().
      if (USES_GRADIENTS.test(ctx.lines.slice(loop.range.start.line, loop.range.end.line + 1).join("\n"))) continue;
      out.push({
        message:
          "Evaluation loop runs the model with autograd on: wrap it in torch.no_grad() (or torch.inference_mode()) — no graph is recorded, activations are freed at once, and the loop runs faster with less memory (not priced: the footprint model counts an evaluation pass as one forward either way)",
        range: loop.range,
        fixes: () => [validated(ctx, noGradFix(ctx, e))],
      });
    }
    return out;
  },
};

function noGradFix(ctx: RuleContext, e: Forward): Fix {
  const loop = e.loops.at(-1)!;
  const stmt = enclosingStatement(nodeAt(ctx.tree, loop.range));
  if (!stmt || stmt.type !== "for_statement") return { title: "", edits: [] };
  const style = detectStyle(ctx.text);
  const torch = ensureModuleImport(ctx.tree, style, "torch");
  const edits = [wrapStatements(ctx.text, style, stmt, stmt, `with ${torch.name}.no_grad()`)];
  if (torch.edit) edits.push(torch.edit);
  return { title: "Wrap the evaluation loop in torch.no_grad()", edits, isPreferred: true };
}
