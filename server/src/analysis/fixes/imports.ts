// Finds how a module is already imported (so fixes write `torch.autocast` or `T.autocast` as the
// user does) and adds a missing import once, after the file's existing imports.
import type { Node, Tree } from "web-tree-sitter";
import type { TextEdit } from "../types";
import type { PythonStyle } from "./pythonStyle";
import { insertAt, point } from "./textEdits";

const IMPORT_TYPES = new Set(["import_statement", "import_from_statement", "future_import_statement"]);

/** A file's top-level imports, read once per tree: every fix asks for them, and each walk over the top-level statements marshals them all (~6% of a 10,000-line analysis). */
export interface TopImports {
  /** Top-level import statements (all three kinds) in document order, each with its type. */
  imports: Array<{ node: Node; type: string }>;
  /** Where a new import line goes (see importInsertLine). */
  insertLine: number;
  /** Answers of moduleBinding / fromImportBinding already computed on this tree. */
  bindings: Map<string, string | null>;
}

const topImportsMemo = new WeakMap<Tree, TopImports>();

export function topImports(tree: Tree): TopImports {
  let memo = topImportsMemo.get(tree);
  if (memo) return memo;
  const imports: TopImports["imports"] = [];
  // After the last import of the first run of imports (a statement after them ends the run),
  // else after a module docstring, else line 0.
  let line = -1;
  let runEnded = false;
  let first: { node: Node; type: string } | null = null;
  for (const stmt of tree.rootNode.namedChildren) {
    if (!stmt) continue;
    const type = stmt.type;
    if (!first && type !== "comment") first = { node: stmt, type };
    if (IMPORT_TYPES.has(type)) {
      imports.push({ node: stmt, type });
      if (!runEnded) line = stmt.endPosition.row;
    } else if (line >= 0) runEnded = true;
  }
  let insertLine = 0;
  if (line >= 0) insertLine = line + 1;
  else if (first?.type === "expression_statement" && first.node.firstNamedChild?.type === "string")
    insertLine = first.node.endPosition.row + 1;
  memo = { imports, insertLine, bindings: new Map() };
  topImportsMemo.set(tree, memo);
  return memo;
}

/** The local name bound to `module` by a top-level `import module [as alias]`, or null. */
export function moduleBinding(tree: Tree, module: string): string | null {
  const top = topImports(tree);
  const key = `import ${module}`;
  const known = top.bindings.get(key);
  if (known !== undefined) return known;
  const bound = findModuleBinding(top, module);
  top.bindings.set(key, bound);
  return bound;
}

function findModuleBinding(top: TopImports, module: string): string | null {
  for (const { node: stmt, type } of top.imports) {
    if (type !== "import_statement") continue;
    for (const item of stmt.namedChildren) {
      if (!item) continue;
      const itemType = item.type;
      if (itemType === "dotted_name" && item.text === module) return module.split(".")[0] === module ? module : null;
      if (itemType === "aliased_import" && item.childForFieldName("name")?.text === module) {
        return item.childForFieldName("alias")?.text ?? null;
      }
    }
  }
  return null;
}

/** The local name bound by a top-level `from module import name [as alias]`, or null. */
export function fromImportBinding(tree: Tree, module: string, name: string): string | null {
  const top = topImports(tree);
  const key = `from ${module} import ${name}`;
  const known = top.bindings.get(key);
  if (known !== undefined) return known;
  const bound = findFromImportBinding(top, module, name);
  top.bindings.set(key, bound);
  return bound;
}

function findFromImportBinding(top: TopImports, module: string, name: string): string | null {
  for (const { node: stmt, type } of top.imports) {
    if (type !== "import_from_statement") continue;
    if (stmt.childForFieldName("module_name")?.text !== module) continue;
    for (const item of stmt.childrenForFieldName("name")) {
      if (!item) continue;
      const itemType = item.type;
      if (itemType === "dotted_name" && item.text === name) return name;
      if (itemType === "aliased_import" && item.childForFieldName("name")?.text === name) {
        return item.childForFieldName("alias")?.text ?? name;
      }
    }
  }
  return null;
}

/** Where a new import line goes: after the last top-level import, else after a docstring/comments header. */
function importInsertLine(tree: Tree): number {
  return topImports(tree).insertLine;
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
