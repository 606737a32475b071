// FP110: GPU training in fp32. Tensor cores run bf16/fp16 at 2–16× the fp32 rate; autocast keeps
// fp32 master weights, so accuracy holds. The fix differs per framework; each is priced.
import type { Node, Tree } from "web-tree-sitter";
import type { TraceEvent } from "../evaluate/trace";
import { ACCELERATOR_HOW, FABRIC_HOW } from "../frameworks/loopWrappers";
import { setKeywordArgument, wrapStatements } from "../fixes/codeShapes";
import { ensureModuleImport, lineAfterRunOf, topImports } from "../fixes/imports";
import { kerasNamespace } from "../fixes/kerasImport";
import { detectStyle, lineIndent, quoted } from "../fixes/pythonStyle";
import { insertAt, point } from "../fixes/textEdits";
import { nodeRange } from "../parse/nodes";
import type { Fix, RunEstimate, TextEdit } from "../types";
import { ancestor, contains, enclosingStatement, nodeAt, sameRange } from "./astLookup";
import { disabledAutocastNote } from "./FP110-disabled-amp";
import type { Rule, RuleContext } from "./rule";
import { runsLabel } from "./mergeFindings";
import { describeSavings, whatIf } from "./savings";
import { validated } from "./validatedFix";
import { eventsOfKind } from "../run/traceIndex";

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
      // A priced run with no mixed-precision what-if saves under 0.5% (step-bound, or no tensor
      // cores): a warning there would be noise. Unpriced runs still get it, without a number.
      if (run.timeHours && !saved(run)) continue;
      out.push({
        message:
          message([run]) +
          disabledAutocastNote(ctx, run, () => eventsOfKind(ctx.facts, "backward").filter((e) => belongsTo(run, e))),
        range: spec.range,
        run,
        fixes: () => [buildFix(ctx, run, halfOf(run))],
      });
    }
    return out;
  },
  mergedMessage: message,
};

// The footprint model picks bf16 where the device has it, fp16 (with loss scaling) where not.
const halfOf = (run: RunEstimate) =>
  whatIf(run, "mixed-precision:fp16") && !whatIf(run, "mixed-precision:bf16") ? "fp16" : "bf16";
const saved = (run: RunEstimate) => whatIf(run, "mixed-precision:bf16", "mixed-precision");

/** The finding's text for one run, or for the passes of a list loop together (their savings summed). */
function message(runs: RunEstimate[]): string {
  const saving = describeSavings(runs.map((run) => ({ run, w: saved(run) })));
  const who = runs.length > 1 ? ` (${runsLabel(runs)})` : "";
  return `Trains in fp32 on a GPU${who}: ${halfOf(runs[0])} mixed precision runs matmuls on tensor cores${saving ? ` (${saving} on ${runs[0].deviceName})` : ""}`;
}

/** Loop wrappers with their own precision switch: the device event they record, and the keyword. */
const LOOP_WRAPPERS: Array<{
  how: string;
  callee: RegExp;
  setting: (half: "bf16" | "fp16") => { name: string; kw: string; value: string };
}> = [
  {
    how: ACCELERATOR_HOW,
    callee: /(^|\.)Accelerator$/,
    setting: (half) => ({ name: "Accelerator", kw: "mixed_precision", value: half }),
  },
  {
    how: FABRIC_HOW,
    callee: /(^|\.)Fabric$/,
    setting: (half) => ({ name: "Fabric", kw: "precision", value: half === "bf16" ? "bf16-mixed" : "16-mixed" }),
  },
];

function buildFix(ctx: RuleContext, run: RunEstimate, half: "bf16" | "fp16"): Fix | null {
  switch (run.spec.framework) {
    case "pytorch": {
      // A loop wrapped by accelerate or Fabric is switched on the wrapper (which also scales fp16
      // losses itself), not by wrapping autocast around the step.
      const wrapper = LOOP_WRAPPERS.find((w) => ctx.facts.trace.some((e) => e.kind === "device" && e.how === w.how));
      if (wrapper) {
        const { name, kw, value } = wrapper.setting(half);
        return validated(
          ctx,
          kwargFix(ctx, wrapper.callee, kw, quoted(detectStyle(ctx.text), value), `Set ${kw}="${value}" in ${name}`),
        );
      }
      return validated(ctx, autocastFix(ctx, run, half));
    }
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
      return validated(ctx, kerasPolicyFix(ctx, run));
  }
}

/**
 * Wraps the training step's forward + loss (the statements from the model call up to `.backward()`)
 * in autocast. fp16 also needs loss scaling: a GradScaler before the epoch loop, `scaler.scale(loss)
 * .backward()`, `scaler.step(optimizer)` + `scaler.update()` — bf16 has fp32's range and needs none.
 */
function autocastFix(ctx: RuleContext, run: RunEstimate, half: "bf16" | "fp16"): Fix {
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
  let last = backStmt.previousNamedSibling;
  // `optimizer.zero_grad()` between the loss and backward is no part of the forward: leave it outside.
  while (last && last.startIndex > fwdStmt.startIndex && /\.zero_grad\(/.test(last.text)) {
    last = last.previousNamedSibling;
  }
  if (!last || last.startIndex < fwdStmt.startIndex) return none;
  const style = detectStyle(ctx.text);
  const torch = ensureModuleImport(ctx.tree, style, "torch");
  const dtype = half === "bf16" ? "bfloat16" : "float16";
  // A script that falls back to the CPU (`"cuda" if torch.cuda.is_available() else "cpu"`) must
  // still run there: PyTorch 1.13's autocast("cuda", dtype=bfloat16) raises on a machine without
  // CUDA (it asks torch.cuda.is_bf16_supported(), even when it disables itself), so the CPU path
  // names the CPU and leaves autocast off; fp16 only warns and disables itself.
  const fallback = half === "bf16" && /\bcuda\.is_available\(\)/.test(ctx.text);
  const available = `${torch.name}.cuda.is_available()`;
  const header = fallback
    ? `with ${torch.name}.autocast(device_type=${quoted(style, "cuda")} if ${available} else ${quoted(style, "cpu")}, dtype=${torch.name}.${dtype}, enabled=${available})`
    : `with ${torch.name}.autocast(device_type=${quoted(style, "cuda")}, dtype=${torch.name}.${dtype})`;
  const edits = [wrapStatements(ctx.text, style, fwdStmt, last, header)];
  if (half === "fp16") {
    const scaling = lossScalingEdits(ctx, backward, backStmt, torch.name);
    if (!scaling) return none;
    edits.push(...scaling);
  }
  if (torch.edit) edits.push(torch.edit);
  const title =
    half === "bf16" ? "Wrap the forward pass and loss in torch.autocast (bf16)" : "Use fp16 autocast with a GradScaler";
  return { title, edits, isPreferred: true };
}

/** The three GradScaler edits of fp16 training, or null when the step is not written plainly enough to edit safely. */
function lossScalingEdits(
  ctx: RuleContext,
  backward: TraceEvent,
  backStmt: Node,
  torchName: string,
): TextEdit[] | null {
  if (/GradScaler/.test(ctx.text)) return null;
  const call = ancestor(nodeAt(ctx.tree, backward.range), "call");
  const fn = call?.childForFieldName("function");
  const lossExpr =
    fn?.type === "attribute" && fn.childForFieldName("attribute")?.text === "backward"
      ? fn.childForFieldName("object")
      : null;
  const step = ctx.facts.trace.find((e) => e.kind === "optimizerStep" && e.loops.length === backward.loops.length);
  const stepStmt = step ? enclosingStatement(nodeAt(ctx.tree, step.range)) : null;
  const stepCall = stepStmt?.type === "expression_statement" ? stepStmt.firstNamedChild : null;
  const stepFn = stepCall?.type === "call" ? stepCall.childForFieldName("function") : null;
  const optimizer =
    stepFn?.type === "attribute" && stepFn.childForFieldName("attribute")?.text === "step"
      ? stepFn.childForFieldName("object")
      : null;
  // The scaler goes before the outermost loop in the backward's own function: an epoch loop in the
  // caller would put it out of the training step's scope (a NameError at the first step).
  const fnOf = (n: Node | null) => ancestor(n, "function_definition")?.id ?? -1;
  const home = fnOf(backStmt);
  const outerLoop = backward.loops.find((l) => fnOf(nodeAt(ctx.tree, l.range)) === home);
  const outer = outerLoop ? enclosingStatement(nodeAt(ctx.tree, outerLoop.range)) : null;
  if (!call || !lossExpr || !stepStmt || !optimizer || !outer || stepStmt.startIndex < backStmt.endIndex) return null;
  const style = detectStyle(ctx.text);
  const stepIndent = lineIndent(ctx.text, stepStmt);
  const outerIndent = lineIndent(ctx.text, outer);
  return [
    { range: nodeRange(call), newText: `scaler.scale(${lossExpr.text}).backward()` },
    { range: nodeRange(stepStmt), newText: `scaler.step(${optimizer.text})${style.eol}${stepIndent}scaler.update()` },
    insertAt(
      point(outer.startPosition.row, 0),
      `${outerIndent}scaler = ${torchName}.cuda.amp.GradScaler()${style.eol}`,
    ),
  ];
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

/**
 * Keras: a global mixed_bfloat16 policy through the user's keras binding, after the import run that
 * binds it (its set-up lines and guards included: prologue.ts), and before the statement that builds
 * the model or trains it — a policy set after the layers exist changes nothing.
 */
function kerasPolicyFix(ctx: RuleContext, run: RunEstimate): Fix {
  const none: Fix = { title: "", edits: [] };
  const style = detectStyle(ctx.text);
  const keras = kerasNamespace(ctx.tree, style);
  const line = keras.row === null ? topImports(ctx.tree).insertLine : lineAfterRunOf(ctx.tree, keras.row);
  if (line === null || line > firstExecutedRow(ctx, run)) return none;
  const policy = `${keras.prefix}.mixed_precision.set_global_policy(${quoted(style, "mixed_bfloat16")})`;
  const comment = `# bf16 compute with fp32 weights; keep the output layer in float32 (dtype=${quoted(style, "float32")}) for a stable softmax`;
  // Same insertion point as a missing import: the import edit must come first.
  const edits = keras.edit ? [keras.edit] : [];
  edits.push(insertAt(point(line, 0), `${comment}${style.eol}${policy}${style.eol}`));
  return { title: "Set the Keras mixed_bfloat16 policy", edits, isPreferred: true };
}

/**
 * The first row of the top-level statement that builds a Keras model of the file or calls fit, or
 * the file's end. A statement that only defines a function or class runs nothing yet.
 */
function firstExecutedRow(ctx: RuleContext, run: RunEstimate): number {
  const rows = [run.spec.range.start.line];
  for (const m of ctx.models) if (m.framework === "keras") rows.push(m.range.start.line);
  let first = Number.POSITIVE_INFINITY;
  for (const stmt of ctx.tree.rootNode.namedChildren) {
    if (!stmt || DEFINITIONS.has(stmt.type)) continue;
    if (rows.some((r) => stmt.startPosition.row <= r && r <= stmt.endPosition.row)) {
      first = stmt.startPosition.row;
      break;
    }
  }
  return first;
}

const DEFINITIONS = new Set(["function_definition", "class_definition", "decorated_definition"]);
