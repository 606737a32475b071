// Finds how a module is already imported (so fixes write `torch.autocast` or `T.autocast` as the
// user does) and adds a missing import once, after the file's existing imports.
import type { Node, Tree } from "web-tree-sitter";
import type { TextEdit } from "../types";
import type { PythonStyle } from "./pythonStyle";
import { insertAt, point } from "./textEdits";

const IMPORT_TYPES = new Set(["import_statement", "import_from_statement", "future_import_statement"]);

/** The local name bound to `module` by a top-level `import module [as alias]`, or null. */
export function moduleBinding(tree: Tree, module: string): string | null {
  for (const stmt of tree.rootNode.namedChildren) {
    if (stmt?.type !== "import_statement") continue;
    for (const item of stmt.namedChildren) {
      if (!item) continue;
      if (item.type === "dotted_name" && item.text === module) return module.split(".")[0] === module ? module : null;
      if (item.type === "aliased_import" && item.childForFieldName("name")?.text === module) {
        return item.childForFieldName("alias")?.text ?? null;
      }
    }
  }
  return null;
}

/** The local name bound by a top-level `from module import name [as alias]`, or null. */
export function fromImportBinding(tree: Tree, module: string, name: string): string | null {
  for (const stmt of tree.rootNode.namedChildren) {
    if (stmt?.type !== "import_from_statement") continue;
    if (stmt.childForFieldName("module_name")?.text !== module) continue;
    for (const item of stmt.childrenForFieldName("name")) {
      if (!item) continue;
      if (item.type === "dotted_name" && item.text === name) return name;
      if (item.type === "aliased_import" && item.childForFieldName("name")?.text === name) {
        return item.childForFieldName("alias")?.text ?? name;
      }
    }
  }
  return null;
}

/** Where a new import line goes: after the last top-level import, else after a docstring/comments header. */
function importInsertLine(tree: Tree): number {
  let line = -1;
  for (const stmt of tree.rootNode.namedChildren) {
    if (!stmt) continue;
    if (IMPORT_TYPES.has(stmt.type)) line = stmt.endPosition.row;
    else if (line >= 0) break;
  }
  if (line >= 0) return line + 1;
  const first = tree.rootNode.namedChildren.find((n: Node | null) => n && n.type !== "comment");
  if (first?.type === "expression_statement" && first.firstNamedChild?.type === "string")
    return first.endPosition.row + 1;
  return 0;
}

export interface ImportResult {
  /** The name to write in inserted code. */
  name: string;
  /** The import to add, or null when the file already has it. */
  edit: TextEdit | null;
}

/** `import module`: reuses an existing binding (incl. an alias), else adds the import line. */
export function ensureModuleImport(tree: Tree, style: PythonStyle, module: string): ImportResult {
  const bound = moduleBinding(tree, module);
  if (bound) return { name: bound, edit: null };
  return { name: module, edit: insertAt(point(importInsertLine(tree), 0), `import ${module}${style.eol}`) };
}

/** `from module import name`: reuses an existing binding, else adds the import line. */
export function ensureFromImport(tree: Tree, style: PythonStyle, module: string, name: string): ImportResult {
  const bound = fromImportBinding(tree, module, name);
  if (bound) return { name: bound, edit: null };
  return { name, edit: insertAt(point(importInsertLine(tree), 0), `from ${module} import ${name}${style.eol}`) };
}
