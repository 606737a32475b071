// The name a Keras fix writes for the keras package (`keras.callbacks…`, `tf.keras.mixed_precision…`),
// taken from the script's own imports (guards included), or a new import in the style the script
// imports Keras with. Never a name the script does not bind (`tf.keras` in a script without `tf`).
import type { Tree } from "web-tree-sitter";
import type { TextEdit } from "../types";
import { ensureFromImport, ensureModuleImport, fromImportBindingAt, moduleBindingAt, topImports } from "./imports";
import type { PythonStyle } from "./pythonStyle";

export interface KerasNamespace {
  /** What to write before `.callbacks`, `.mixed_precision`: `keras`, `K`, `tf.keras`. */
  prefix: string;
  /** The import to add, or null when the script binds it already. */
  edit: TextEdit | null;
  /** Row of the top-level statement (import or guard) binding it; null when `edit` adds it. */
  row: number | null;
}

/** Whether the script imports Keras through TensorFlow (`from tensorflow.keras.layers import Dense`). */
function importsTensorflow(tree: Tree): boolean {
  const top = topImports(tree);
  for (const { node, type } of [...top.imports, ...top.guarded]) {
    const names =
      type === "import_from_statement"
        ? [node.childForFieldName("module_name")?.text ?? ""]
        : node.namedChildren.map((c) => (c?.type === "aliased_import" ? c.childForFieldName("name")?.text : c?.text));
    if (names.some((n) => n === "tensorflow" || n?.startsWith("tensorflow."))) return true;
  }
  return false;
}

export function kerasNamespace(tree: Tree, style: PythonStyle): KerasNamespace {
  const bound = fromImportBindingAt(tree, "tensorflow", "keras") ?? moduleBindingAt(tree, "keras");
  if (bound) return { prefix: bound.name, edit: null, row: bound.row };
  const tf = moduleBindingAt(tree, "tensorflow");
  if (tf) return { prefix: `${tf.name}.keras`, edit: null, row: tf.row };
  // Only from-imports of Keras classes: import the package the script takes them from.
  const imp = importsTensorflow(tree)
    ? ensureFromImport(tree, style, "tensorflow", "keras")
    : ensureModuleImport(tree, style, "keras");
  return { prefix: imp.name, edit: imp.edit, row: null };
}
