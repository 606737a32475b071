// FP180's quick-fixes: an int8 copy written next to the user's fp32 save — PyTorch dynamic
// quantisation of nn.Linear/LSTM/GRU, or a full-int8 TFLite conversion for Keras (Edge TPU-ready).
import type { TraceEvent } from "../evaluate/trace";
import { keywordArgument } from "../fixes/codeShapes";
import { ensureModuleImport, fromImportBinding, type ImportResult, moduleBinding } from "../fixes/imports";
import { insertLinesAfter } from "../fixes/insertLines";
import { ensureStdlibImport } from "../fixes/stdlibImport";
import { detectStyle, quoted } from "../fixes/pythonStyle";
import type { Fix, ModelCost, TextEdit } from "../types";
import { callAt, enclosingStatement, nodesSpelled } from "./astLookup";
import { int8Path, joinedInt8Path, PLAIN, positional, savePath } from "./FP180-int8-paths";
import type { RuleContext } from "./rule";

type SaveEvent = Extract<TraceEvent, { kind: "save" }>;
const NONE: Fix = { title: "", edits: [] };

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
  const { path: pathArg, anchor } = savePath(e.how, call, stmt);
  let path = joinedInt8Path(pathArg, ".int8.pt");
  let os: ImportResult | null = null;
  if (!path && pathArg && PLAIN.has(pathArg.type)) {
    // A path held in a name (`args.out`, a parameter): the same name with its extension swapped.
    os = ensureStdlibImport(ctx.tree, style, "os");
    if (assignsName(ctx, os.name)) return NONE;
    path = `${os.name}.path.splitext(${pathArg.text})[0] + ${quoted(style, ".int8.pt")}`;
  }
  path ??= quoted(style, int8Path(pathArg, "model.int8.pt", ".int8.pt"));
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
  const edits: TextEdit[] = [insertLinesAfter(ctx.text, style, anchor, lines)];
  edits.push(...mergeImports([copy?.edit ?? null, os?.edit ?? null, torch.edit], style.eol));
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

/**
 * Imports inserted at the same point go in one edit, in the order given. Two stdlib imports that
 * each open a new group (a blank line after) share one group: one blank line, after the last.
 */
function mergeImports(edits: Array<TextEdit | null>, eol: string): TextEdit[] {
  const out: TextEdit[] = [];
  for (const e of edits) {
    if (!e) continue;
    const prev = out.find((o) => sameStart(o, e));
    if (!prev) {
      out.push({ ...e });
      continue;
    }
    const blank = eol + eol;
    const oneGroup = prev.newText.endsWith(blank) && e.newText.endsWith(blank);
    prev.newText = (oneGroup ? prev.newText.slice(0, -eol.length) : prev.newText) + e.newText;
  }
  return out;
}

function sameStart(a: TextEdit, b: TextEdit): boolean {
  return a.range.start.line === b.range.start.line && a.range.start.character === b.range.start.character;
}
