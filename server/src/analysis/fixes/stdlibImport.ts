// Adds a standard-library import where PEP 8 puts it: with the file's other stdlib imports (after
// the last one), else before the first third-party import — not after `import torch`.
import type { Node, Tree } from "web-tree-sitter";
import type { TextEdit } from "../types";
import { type ImportResult, ensureModuleImport, moduleBinding, topImports } from "./imports";
import type { PythonStyle } from "./pythonStyle";
import { insertAt, point } from "./textEdits";

/** Standard-library modules that training scripts commonly import (enough to find the stdlib group). */
const STDLIB = new Set(
  "argparse copy collections csv dataclasses datetime functools glob itertools json logging math os pathlib pickle random re shutil sys time typing warnings".split(
    " ",
  ),
);

function rootModule(stmt: Node, type: string): string | null {
  const name =
    type === "import_from_statement"
      ? stmt.childForFieldName("module_name")
      : (stmt.namedChildren.find((c) => c?.type === "dotted_name" || c?.type === "aliased_import") ?? null);
  const dotted = name?.type === "aliased_import" ? name.childForFieldName("name") : name;
  return dotted?.text.split(".")[0] ?? null;
}

// The groups depend on the tree only: found once per tree, not once per fix.
const groups = new WeakMap<Tree, { lastStd: Node | null; firstThirdParty: Node | null }>();

/** The last stdlib import and the first third-party import at the top level. */
function importGroups(tree: Tree): { lastStd: Node | null; firstThirdParty: Node | null } {
  let g = groups.get(tree);
  if (g) return g;
  let lastStd: Node | null = null;
  let firstThirdParty: Node | null = null;
  for (const { node: stmt, type } of topImports(tree).imports) {
    if (type !== "import_statement" && type !== "import_from_statement") continue;
    const root = rootModule(stmt, type);
    if (root && STDLIB.has(root)) lastStd = stmt;
    else if (root && root !== "__future__" && !firstThirdParty) firstThirdParty = stmt;
  }
  g = { lastStd, firstThirdParty };
  groups.set(tree, g);
  return g;
}

/** `import module` for a stdlib module, grouped with the file's stdlib imports. */
export function ensureStdlibImport(tree: Tree, style: PythonStyle, module: string): ImportResult {
  const bound = moduleBinding(tree, module);
  if (bound) return { name: bound, edit: null };
  const { lastStd, firstThirdParty } = importGroups(tree);
  const line = `import ${module}${style.eol}`;
  let edit: TextEdit | null = null;
  if (lastStd) edit = insertAt(point(lastStd.endPosition.row + 1, 0), line);
  // A stdlib group of its own, separated by a blank line as PEP 8 asks.
  else if (firstThirdParty) edit = insertAt(point(firstThirdParty.startPosition.row, 0), `${line}${style.eol}`);
  return edit ? { name: module, edit } : ensureModuleImport(tree, style, module);
}
