// FP180's quick-fixes: an int8 copy written next to the user's fp32 save — PyTorch dynamic
// quantisation of nn.Linear/LSTM/GRU, or a full-int8 TFLite conversion for Keras (Edge TPU-ready).
import type { Node } from "web-tree-sitter";
import type { TraceEvent } from "../evaluate/trace";
import { keywordArgument } from "../fixes/codeShapes";
import { ensureModuleImport, fromImportBinding, moduleBinding } from "../fixes/imports";
import { insertLinesAfter } from "../fixes/insertLines";
import { ensureStdlibImport } from "../fixes/stdlibImport";
import { detectStyle, quoted } from "../fixes/pythonStyle";
import type { Fix, ModelCost, TextEdit } from "../types";
import { callAt, enclosingStatement, nodesSpelled } from "./astLookup";
import type { RuleContext } from "./rule";

type SaveEvent = Extract<TraceEvent, { kind: "save" }>;
const NONE: Fix = { title: "", edits: [] };

/** Positional argument `i` of a call (comments skipped), or null. */
function positional(call: Node, i: number): Node | null {
  const args = call.childForFieldName("arguments")?.namedChildren ?? [];
  return args.filter((a): a is Node => !!a && a.type !== "comment" && a.type !== "keyword_argument")[i] ?? null;
}

/** "convnet.pt" → "convnet.int8.pt" for a string-literal path, else a default next to the script. */
function int8Path(arg: Node | null, fallback: string, ext: string): string {
  const m = arg?.type === "string" ? /^(['"])([^'"{}\\]+)\1$/.exec(arg.text) : null;
  if (!m) return fallback;
  const name = m[2].replace(/\/+$/, "");
  const dot = name.lastIndexOf(".");
  const stem = dot > name.lastIndexOf("/") + 0 && dot > 0 ? name.slice(0, dot) : name;
  return `${stem}${ext}`;
}

/** A name or attribute chain (`out_dir`, `args.out_dir`): evaluating it again has no side effect. */
const PLAIN = new Set(["identifier", "attribute"]);

/**
 * The int8 copy's path beside the fp32 one when that path is joined from a folder and a file name:
 * `os.path.join(args.out_dir, "tagger.pt")` → `os.path.join(args.out_dir, "tagger.int8.pt")`,
 * `out / "model.pt"` likewise. Only when every other part is a name, so repeating the expression
 * has no side effect; null otherwise (the caller falls back to a file next to the script).
 */
function joinedInt8Path(arg: Node | null, ext: string): string | null {
  if (!arg) return null;
  let last: Node | null = null;
  if (arg.type === "call" && /^(os\.path\.join|path\.join|join)$/.test(arg.childForFieldName("function")?.text ?? "")) {
    const parts = (arg.childForFieldName("arguments")?.namedChildren ?? []).filter((n): n is Node => !!n);
    if (parts.length < 2 || !parts.slice(0, -1).every((n) => PLAIN.has(n.type) || n.type === "string")) return null;
    last = parts[parts.length - 1];
  } else if (arg.type === "binary_operator" && ["/", "+"].includes(arg.childForFieldName("operator")?.text ?? "")) {
    if (!PLAIN.has(arg.childForFieldName("left")?.type ?? "")) return null;
    last = arg.childForFieldName("right");
  }
  const m = last?.type === "string" ? /^(['"])([^'"{}\\]+)\1$/.exec(last.text) : null;
  if (!last || !m) return null;
  const renamed = int8Path(last, "", ext);
  if (!renamed) return null;
  const offset = last.startIndex - arg.startIndex;
  return `${arg.text.slice(0, offset)}${m[1]}${renamed}${m[1]}${arg.text.slice(offset + last.text.length)}`;
}

/** True when the script binds `name` itself: an assignment, a loop variable or a parameter. */
function assignsName(ctx: RuleContext, name: string): boolean {
  for (const n of nodesSpelled(ctx.tree, ctx.text, name)) {
    if (n.type !== "identifier") continue;
    const p = n.parent;
    if (!p) continue;
    if ((p.type === "assignment" || p.type === "augmented_assignment") && p.childForFieldName("left")?.id === n.id)
      return true;
    if (p.type === "for_statement" && p.childForFieldName("left")?.id === n.id) return true;
    if (p.type === "parameters" || p.type === "default_parameter" || p.type === "typed_parameter") return true;
  }
  return false;
}

/** Mirrors how the fp32 model is saved: a state_dict stays a state_dict, a whole module stays one, jit/onnx become TorchScript. */
export function torchDynamicInt8Fix(ctx: RuleContext, e: SaveEvent, types: string[]): Fix {
  const call = callAt(ctx.tree, e.range);
  const stmt = enclosingStatement(call);
  const first = call ? positional(call, 0) : null;
  if (!call || !stmt || !first) return NONE;
  // torch.save(model.state_dict(), path) → the model is the object of .state_dict().
  const fn = first.type === "call" ? first.childForFieldName("function") : null;
  const stateDict = fn?.type === "attribute" && fn.childForFieldName("attribute")?.text === "state_dict";
  const modelExpr = stateDict ? fn!.childForFieldName("object") : first;
  if (!modelExpr || !/^[A-Za-z_][\w.]*$/.test(modelExpr.text)) return NONE;
  const style = detectStyle(ctx.text);
  const torch = ensureModuleImport(ctx.tree, style, "torch");
  // `from copy import deepcopy` already there: use it. `import copy` only where no variable of the
  // script is called `copy` (a local `copy = {...}` would make `copy.deepcopy` an AttributeError).
  const imported = fromImportBinding(ctx.tree, "copy", "deepcopy");
  const copy = imported ? null : ensureStdlibImport(ctx.tree, style, "copy");
  const deepcopy = imported ?? `${copy!.name}.deepcopy`;
  if (assignsName(ctx, imported ?? copy!.name)) return NONE;
  const t = torch.name;
  const isTorchSave = e.how === "torch.save";
  const pathArg = isTorchSave ? positional(call, 1) : null;
  const path = joinedInt8Path(pathArg, ".int8.pt") ?? quoted(style, int8Path(pathArg, "model.int8.pt", ".int8.pt"));
  const save = !isTorchSave
    ? `${t}.jit.save(${t}.jit.script(model_int8), ${path})`
    : `${t}.save(model_int8${stateDict ? ".state_dict()" : ""}, ${path})`;
  // quantize_dynamic takes Linear, LSTM and GRU (PyTorch 1.13: all three script and deep-copy).
  const layers = types.length > 0 ? types : ["Linear"];
  const lines = [
    `# int8 copy for CPU inference: ${layers.join("/")} weights stored in int8, activations quantised on the fly`,
    `model_int8 = ${t}.ao.quantization.quantize_dynamic(`,
    `    ${deepcopy}(${modelExpr.text}).cpu(), {${layers.map((l) => `${t}.nn.${l}`).join(", ")}}, dtype=${t}.qint8`,
    ")",
    save,
  ];
  const edits: TextEdit[] = [insertLinesAfter(ctx.text, style, stmt, lines)];
  edits.push(...mergeImports([copy?.edit ?? null, torch.edit]));
  return {
    title: `Also save a dynamic int8 copy (torch.ao.quantization.quantize_dynamic, ${layers.map((l) => `nn.${l}`).join(", ")} → qint8)`,
    edits,
    isPreferred: true,
  };
}

/**
 * After `model.save(...)`: TFLiteConverter with Optimize.DEFAULT, a representative dataset drawn
 * from the arrays passed to fit(), int8-only builtins and int8 input/output — the Edge TPU
 * compiler's requirements. Only when fit() got plain arrays (x, y) whose names can be reused.
 */
export function kerasTfliteFix(ctx: RuleContext, e: SaveEvent, model: ModelCost): Fix {
  const saveCall = callAt(ctx.tree, e.range);
  const stmt = enclosingStatement(saveCall);
  const fitEvent = ctx.facts.trace.find((f) => f.kind === "kerasFit" && (f.modelId === model.id || f.modelId === null));
  const fit = fitEvent ? callAt(ctx.tree, fitEvent.range) : null;
  const x = fit ? (keywordArgument(fit, "x")?.childForFieldName("value") ?? positional(fit, 0)) : null;
  const y = fit ? (keywordArgument(fit, "y")?.childForFieldName("value") ?? positional(fit, 1)) : null;
  const receiver = saveCall?.childForFieldName("function")?.childForFieldName("object");
  if (!saveCall || !stmt || !x || !y || x.type !== "identifier" || !receiver) return NONE;
  if (receiver.type !== "identifier") return NONE;
  const style = detectStyle(ctx.text);
  const bound = moduleBinding(ctx.tree, "tensorflow");
  const tfImport = bound ? null : ensureModuleImport(ctx.tree, style, "tensorflow");
  const tf = bound ?? "tf";
  const q = (s: string) => quoted(style, s);
  const path = int8Path(positional(saveCall, 0), "model_int8.tflite", "_int8.tflite");
  const lines = [
    // A blank line before the nested def, as PEP 8 (E306) asks.
    "",
    "# Full-int8 TFLite model (weights and activations), the format the Edge TPU compiler accepts",
    "def representative_data():",
    `    for sample in ${x.text}[:100]:`,
    `        yield [${tf}.cast(sample[None], ${tf}.float32)]`,
    "",
    `converter = ${tf}.lite.TFLiteConverter.from_keras_model(${receiver.text})`,
    `converter.optimizations = [${tf}.lite.Optimize.DEFAULT]`,
    "converter.representative_dataset = representative_data",
    `converter.target_spec.supported_ops = [${tf}.lite.OpsSet.TFLITE_BUILTINS_INT8]`,
    `converter.inference_input_type = ${tf}.int8`,
    `converter.inference_output_type = ${tf}.int8`,
    `with open(${q(path)}, ${q("wb")}) as f:`,
    "    f.write(converter.convert())",
  ];
  const edits: TextEdit[] = [insertLinesAfter(ctx.text, style, stmt, lines)];
  if (tfImport?.edit)
    edits.push({
      ...tfImport.edit,
      newText: tfImport.edit.newText.replace("import tensorflow", "import tensorflow as tf"),
    });
  return {
    title: "Also export a full-int8 TFLite model (Optimize.DEFAULT + representative dataset, Edge TPU-ready)",
    edits,
    isPreferred: true,
  };
}

/** Imports inserted at the same point go in one edit, in a fixed order. */
function mergeImports(edits: Array<TextEdit | null>): TextEdit[] {
  const present = edits.filter((x): x is TextEdit => !!x);
  if (present.length < 2 || !sameStart(present[0], present[1])) return present;
  return [{ range: present[0].range, newText: present.map((x) => x.newText).join("") }];
}

function sameStart(a: TextEdit, b: TextEdit): boolean {
  return a.range.start.line === b.range.start.line && a.range.start.character === b.range.start.character;
}
