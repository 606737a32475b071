// FP160's Keras fix: an EarlyStopping callback for fit(). Scripts pass callbacks as a list literal, a
// variable bound to one (often grown by `.append`), a parameter or a helper's result; the callback
// joins the list the script already builds, or fit gets `[*callbacks, EarlyStopping(...)]`.
import type { Node, Tree } from "web-tree-sitter";
import { appendItems, keywordArgument, setKeywordArgument } from "../fixes/codeShapes";
import { ensureFromImport, fromImportBinding, topImports } from "../fixes/imports";
import { kerasNamespace } from "../fixes/kerasImport";
import { detectStyle, type PythonStyle, quoted } from "../fixes/pythonStyle";
import { nodeRange } from "../parse/nodes";
import type { Fix, RunEstimate, TextEdit } from "../types";
import { callAt } from "./astLookup";
import type { RuleContext } from "./rule";

const TITLE = "Add an EarlyStopping callback";

/** Adds EarlyStopping to the callbacks fit() receives; no fix when fit cannot be found. */
export function kerasCallbackFix(ctx: RuleContext, run: RunEstimate): Fix {
  const call = callAt(ctx.tree, run.spec.range);
  const none: Fix = { title: "", edits: [] };
  if (!call || !/\.fit$/.test(call.childForFieldName("function")?.text ?? "")) return none;
  const style = detectStyle(ctx.text);
  const hasVal = !!keywordArgument(call, "validation_data") || !!keywordArgument(call, "validation_split");
  const monitor = quoted(style, hasVal ? "val_loss" : "loss");
  const { name, edit: importEdit } = earlyStoppingName(ctx.tree, ctx.text, style);
  const cb = `${name}(monitor=${monitor}, patience=5, restore_best_weights=True)`;
  const edits: TextEdit[] = importEdit ? [importEdit] : [];
  const value = keywordArgument(call, "callbacks")?.childForFieldName("value") ?? null;
  const list =
    value?.type === "list" ? value : value?.type === "identifier" ? listBoundTo(ctx.tree, call, value.text) : null;
  if (list) edits.push(appendItems(ctx.text, style, list, [cb]));
  else if (value && value.type !== "none") edits.push({ range: nodeRange(value), newText: `[*${value.text}, ${cb}]` });
  else {
    const set = setKeywordArgument(ctx.text, style, call, "callbacks", `[${cb}]`);
    if (!set) return none;
    edits.push(set);
  }
  return { title: TITLE, edits, isPreferred: true };
}

/**
 * How to name EarlyStopping: through a `callbacks` module the script imports (`from keras import
 * callbacks`, unless it rebinds that name), its keras binding, the callbacks module it takes other
 * callbacks from (`from tensorflow.keras.callbacks import ModelCheckpoint`), else a new keras import.
 */
function earlyStoppingName(tree: Tree, text: string, style: PythonStyle): { name: string; edit: TextEdit | null } {
  const mod = fromImportBinding(tree, "keras", "callbacks") ?? fromImportBinding(tree, "tensorflow.keras", "callbacks");
  if (mod && !new RegExp(`^\\s*${mod}\\s*(:[^=\\n]*)?=[^=]`, "m").test(text)) {
    return { name: `${mod}.EarlyStopping`, edit: null };
  }
  const keras = kerasNamespace(tree, style);
  if (!keras.edit) return { name: `${keras.prefix}.callbacks.EarlyStopping`, edit: null };
  const top = topImports(tree);
  for (const { node, type } of [...top.imports, ...top.guarded]) {
    const module = type === "import_from_statement" ? node.childForFieldName("module_name")?.text : null;
    if (module === "keras.callbacks" || module === "tensorflow.keras.callbacks") {
      const imp = ensureFromImport(tree, style, module, "EarlyStopping");
      return { name: imp.name, edit: imp.edit };
    }
  }
  return { name: `${keras.prefix}.callbacks.EarlyStopping`, edit: keras.edit };
}

const SCOPES = new Set(["function_definition", "class_definition", "lambda"]);

/**
 * The list literal `name` holds when fit reads it: the one assignment `name = [...]` of the scope
 * that reads it (before the call), else of an enclosing scope — `.append`/`+=` keep that list, so
 * the callback joins it. Null when the name is a parameter, is assigned more than once (branches,
 * rebinding), or is bound to anything but a list literal.
 */
function listBoundTo(tree: Tree, call: Node, name: string): Node | null {
  let scope: Node | null = enclosingFunction(call);
  for (;;) {
    if (scope && declaresParameter(scope, name)) return null;
    const body = scope ? scope.childForFieldName("body") : tree.rootNode;
    if (!body) return null;
    const assigned: Node[] = [];
    collectAssignments(body, name, assigned);
    if (assigned.length > 0) {
      const [only] = assigned;
      const rhs = only?.childForFieldName("right");
      if (assigned.length !== 1 || rhs?.type !== "list") return null;
      // In the reading scope the list must exist before fit runs; an enclosing scope's is read at call time.
      if (scope === enclosingFunction(call) && only!.startIndex > call.startIndex) return null;
      return rhs;
    }
    if (!scope) return null;
    scope = enclosingFunction(scope);
  }
}

function enclosingFunction(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (p.type === "function_definition") return p;
  return null;
}

function declaresParameter(fn: Node, name: string): boolean {
  for (const p of fn.childForFieldName("parameters")?.namedChildren ?? []) {
    if (!p) continue;
    const id =
      p.type === "identifier"
        ? p
        : (p.childForFieldName("name") ?? p.namedChildren.find((c) => c?.type === "identifier"));
    if (id?.text === name) return true;
  }
  return false;
}

/** Plain assignments to `name` in a scope's body, not inside nested functions, classes or lambdas. */
function collectAssignments(n: Node, name: string, out: Node[]): void {
  for (const c of n.namedChildren) {
    if (!c || SCOPES.has(c.type)) continue;
    if (c.type === "assignment" && c.childForFieldName("left")?.text === name) out.push(c);
    collectAssignments(c, name, out);
  }
}
