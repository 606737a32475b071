// Finds how a module is already imported (so fixes write `torch.autocast` or `T.autocast` as the
// user does) and adds a missing import once, after the file's existing imports.
import type { Node, Tree } from "web-tree-sitter";
import type { TextEdit } from "../types";
import type { PythonStyle } from "./pythonStyle";
import { guardedImports, guardRunsImports, IMPORT_TYPES, type ImportRun, importRuns } from "./prologue";
import { insertAt, point } from "./textEdits";

/** A file's top-level imports, read once per tree: every fix asks for them, and each walk over the top-level statements marshals them all (~6% of a 10,000-line analysis). */
export interface TopImports {
  /** Top-level import statements (all three kinds) in document order, each with its type. */
  imports: Array<{ node: Node; type: string }>;
  /** Imports inside top-level import guards (`try: from tensorflow import keras / except ImportError: import keras`), with their guard. */
  guarded: Array<{ node: Node; type: string; guard: Node }>;
  /** Runs of import-like statements and set-up lines (prologue.ts). */
  runs: ImportRun[];
  /** Where a new import line goes (see importInsertLine). */
  insertLine: number;
  /** Answers of moduleBinding / fromImportBinding already computed on this tree: the name, and the row of the top-level statement binding it. */
  bindings: Map<string, { name: string; row: number } | null>;
}

const topImportsMemo = new WeakMap<Tree, TopImports>();

export function topImports(tree: Tree): TopImports {
  let memo = topImportsMemo.get(tree);
  if (memo) return memo;
  const imports: TopImports["imports"] = [];
  const guarded: TopImports["guarded"] = [];
  const statements: Node[] = [];
  let first: { node: Node; type: string } | null = null;
  for (const stmt of tree.rootNode.namedChildren) {
    if (!stmt) continue;
    const type = stmt.type;
    statements.push(stmt);
    if (!first && type !== "comment") first = { node: stmt, type };
    if (IMPORT_TYPES.has(type)) imports.push({ node: stmt, type });
    else if (guardRunsImports(stmt))
      for (const inner of guardedImports(stmt) ?? []) guarded.push({ node: inner, type: inner.type, guard: stmt });
  }
  const runs = importRuns(statements);
  // After the first run of imports (and the set-up lines in and right after it), else after a
  // module docstring, else line 0.
  let insertLine = 0;
  if (runs[0]) insertLine = runs[0].end + 1;
  else if (first?.type === "expression_statement" && first.node.firstNamedChild?.type === "string")
    insertLine = first.node.endPosition.row + 1;
  memo = { imports, guarded, runs, insertLine, bindings: new Map() };
  topImportsMemo.set(tree, memo);
  return memo;
}

/** Every import that binds a name at module level: top-level ones, then those in guards, with the top-level statement holding each. */
function bindingImports(top: TopImports): Array<{ node: Node; type: string; row: number }> {
  return [
    ...top.imports.map((i) => ({ ...i, row: i.node.startPosition.row })),
    ...top.guarded.map((i) => ({ ...i, row: i.guard.startPosition.row })),
  ];
}

/**
 * The line after the import run that holds `row` (a binding's statement): code using that binding
 * goes there, below the run's set-up lines; null when no run holds the row.
 */
export function lineAfterRunOf(tree: Tree, row: number): number | null {
  const run = topImports(tree).runs.find((r) => r.start <= row && row <= r.end);
  return run ? run.end + 1 : null;
}

/** The local name bound to `module` by a top-level `import module [as alias]`, or null. */
export function moduleBinding(tree: Tree, module: string): string | null {
  return moduleBindingAt(tree, module)?.name ?? null;
}

/** moduleBinding with the row of the top-level statement (the import, or its guard) that binds it. */
export function moduleBindingAt(tree: Tree, module: string): { name: string; row: number } | null {
  const top = topImports(tree);
  const key = `import ${module}`;
  const known = top.bindings.get(key);
  if (known !== undefined) return known;
  const bound = findModuleBinding(top, module);
  top.bindings.set(key, bound);
  return bound;
}

function findModuleBinding(top: TopImports, module: string): { name: string; row: number } | null {
  for (const { node: stmt, type, row } of bindingImports(top)) {
    if (type !== "import_statement") continue;
    for (const item of stmt.namedChildren) {
      if (!item) continue;
      const itemType = item.type;
      if (itemType === "dotted_name" && item.text === module) {
        return module.split(".")[0] === module ? { name: module, row } : null;
      }
      if (itemType === "aliased_import" && item.childForFieldName("name")?.text === module) {
        const alias = item.childForFieldName("alias")?.text;
        return alias ? { name: alias, row } : null;
      }
    }
  }
  return null;
}

/** The local name bound by a top-level `from module import name [as alias]`, or null. */
export function fromImportBinding(tree: Tree, module: string, name: string): string | null {
  return fromImportBindingAt(tree, module, name)?.name ?? null;
}

/** fromImportBinding with the row of the top-level statement (the import, or its guard) that binds it. */
export function fromImportBindingAt(tree: Tree, module: string, name: string): { name: string; row: number } | null {
  const top = topImports(tree);
  const key = `from ${module} import ${name}`;
  const known = top.bindings.get(key);
  if (known !== undefined) return known;
  const bound = findFromImportBinding(top, module, name);
  top.bindings.set(key, bound);
  return bound;
}

function findFromImportBinding(top: TopImports, module: string, name: string): { name: string; row: number } | null {
  for (const { node: stmt, type, row } of bindingImports(top)) {
    if (type !== "import_from_statement") continue;
    if (stmt.childForFieldName("module_name")?.text !== module) continue;
    for (const item of stmt.childrenForFieldName("name")) {
      if (!item) continue;
      const itemType = item.type;
      if (itemType === "dotted_name" && item.text === name) return { name, row };
      if (itemType === "aliased_import" && item.childForFieldName("name")?.text === name) {
        return { name: item.childForFieldName("alias")?.text ?? name, row };
      }
    }
  }
  return null;
}

/** Where a new import line goes: after the first run of top-level imports and set-up lines, else after a docstring. */
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
