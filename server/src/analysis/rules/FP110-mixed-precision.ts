// FP110: GPU training in fp32. Tensor cores run bf16/fp16 at 2–16× the fp32 rate; autocast keeps
// fp32 master weights, so accuracy holds. The fix differs per framework; each is priced.
import type { Tree } from "web-tree-sitter";
import type { TraceEvent } from "../evaluate/trace";
import { setKeywordArgument, wrapStatements } from "../fixes/codeShapes";
import { ensureModuleImport, fromImportBinding, moduleBinding } from "../fixes/imports";
import { detectStyle, quoted } from "../fixes/pythonStyle";
import { insertAt, point } from "../fixes/textEdits";
import type { Fix, RunEstimate } from "../types";
import { contains, enclosingStatement, nodeAt, sameRange } from "./astLookup";
import type { Rule, RuleContext } from "./rule";
import { describeSaving, whatIf } from "./savings";
import { validated } from "./validatedFix";

export const mixedPrecision: Rule = {
  code: "FP110",
  title: "fp32 GPU training without mixed precision",
  defaultSeverity: "warning",
  check(ctx) {
    const out = [];
    for (const run of ctx.runs) {
      const { spec } = run;
      if (spec.precision !== "fp32" && spec.precision !== "tf32") continue;
      // Keras, HF and Lightning use the GPU whenever there is one; plain PyTorch only when moved there.
      if (spec.framework === "pytorch" && spec.device?.kind !== "gpu") continue;
      const fix = buildFix(ctx, run);
      const saving = describeSaving(run, whatIf(run, "bf16", "mixed-precision", "fp16"));
      out.push({
        message: `Trains in fp32 on a GPU: bf16 mixed precision runs matmuls on tensor cores${saving ? ` (${saving} on ${run.deviceName})` : ""}`,
        range: spec.range,
        fixes: fix ? [fix] : [],
      });
    }
    return out;
  },
};

function buildFix(ctx: RuleContext, run: RunEstimate): Fix | null {
  switch (run.spec.framework) {
    case "pytorch":
      return validated(ctx, autocastFix(ctx, run));
    case "transformers":
      return validated(
        ctx,
        kwargFix(ctx, /(^|\.)TrainingArguments$/, "bf16", "True", "Set bf16=True in TrainingArguments"),
      );
    case "lightning":
      return validated(
        ctx,
        kwargFix(
          ctx,
          /(^|\.)Trainer$/,
          "precision",
          quoted(detectStyle(ctx.text), "bf16-mixed"),
          'Set precision="bf16-mixed" in Trainer',
        ),
      );
    case "keras":
      return validated(ctx, kerasPolicyFix(ctx));
  }
}

/** Wraps the training step's forward + loss (the statements from the model call up to `.backward()`) in autocast. */
function autocastFix(ctx: RuleContext, run: RunEstimate): Fix {
  const none: Fix = { title: "", edits: [] };
  const backwards = ctx.facts.trace.filter((e) => e.kind === "backward");
  const backward = backwards.find((e) => belongsTo(run, e)) ?? backwards[0];
  if (!backward) return none;
  const loop = backward.loops.at(-1);
  const forward = ctx.facts.trace.find(
    (e): e is Extract<TraceEvent, { kind: "forward" }> =>
      e.kind === "forward" && !e.noGrad && !!loop && !!e.loops.at(-1) && sameRange(e.loops.at(-1)!.range, loop.range),
  );
  if (!forward) return none;
  const backStmt = enclosingStatement(nodeAt(ctx.tree, backward.range));
  const fwdStmt = enclosingStatement(nodeAt(ctx.tree, forward.range));
  if (!backStmt || !fwdStmt || backStmt.parent?.id !== fwdStmt.parent?.id) return none;
  const last = backStmt.previousNamedSibling;
  if (!last || last.startIndex < fwdStmt.startIndex) return none;
  const style = detectStyle(ctx.text);
  const torch = ensureModuleImport(ctx.tree, style, "torch");
  const header = `with ${torch.name}.autocast(device_type=${quoted(style, "cuda")}, dtype=${torch.name}.bfloat16)`;
  const edits = [wrapStatements(ctx.text, style, fwdStmt, last, header)];
  if (torch.edit) edits.push(torch.edit);
  return { title: "Wrap the forward pass and loss in torch.autocast (bf16)", edits, isPreferred: true };
}

/** A backward belongs to a run when the run's range holds it or one of its loops holds the run's range. */
function belongsTo(run: RunEstimate, e: TraceEvent): boolean {
  const r = run.spec.range;
  return contains(r, e.range) || e.loops.some((l) => contains(l.range, r));
}

/** The first call in the file whose callee matches, e.g. `TrainingArguments(...)`. */
function findCall(tree: Tree, callee: RegExp) {
  for (const call of tree.rootNode.descendantsOfType("call")) {
    const fn = call?.childForFieldName("function");
    if (call && fn && callee.test(fn.text)) return call;
  }
  return null;
}

function kwargFix(ctx: RuleContext, callee: RegExp, name: string, value: string, title: string): Fix {
  const call = findCall(ctx.tree, callee);
  const edit = call ? setKeywordArgument(ctx.text, detectStyle(ctx.text), call, name, value) : null;
  return { title, edits: edit ? [edit] : [], isPreferred: true };
}

/** Keras: a global mixed_bfloat16 policy right after the imports, through the user's keras binding. */
function kerasPolicyFix(ctx: RuleContext): Fix {
  const style = detectStyle(ctx.text);
  const keras =
    fromImportBinding(ctx.tree, "tensorflow", "keras") ??
    moduleBinding(ctx.tree, "keras") ??
    (moduleBinding(ctx.tree, "tensorflow") ? `${moduleBinding(ctx.tree, "tensorflow")}.keras` : null);
  const imp = keras ? null : ensureModuleImport(ctx.tree, style, "keras");
  const prefix = keras ?? "keras";
  let line = 0;
  for (const stmt of ctx.tree.rootNode.namedChildren) {
    if (stmt && (stmt.type === "import_statement" || stmt.type === "import_from_statement"))
      line = stmt.endPosition.row + 1;
  }
  const policy = `${prefix}.mixed_precision.set_global_policy(${quoted(style, "mixed_bfloat16")})`;
  const comment = `# bf16 compute with fp32 weights; keep the output layer in float32 (dtype=${quoted(style, "float32")}) for a stable softmax`;
  // Same insertion point as a missing import: the import edit must come first.
  const edits = imp?.edit ? [imp.edit] : [];
  edits.push(insertAt(point(line, 0), `${comment}${style.eol}${policy}${style.eol}`));
  return { title: "Set the Keras mixed_bfloat16 policy", edits, isPreferred: true };
}
