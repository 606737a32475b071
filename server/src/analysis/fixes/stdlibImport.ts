// Adds a standard-library import where PEP 8 puts it: with the file's other stdlib imports (after
// the last one), else before the first third-party import — not after `import torch`.
import type { Node, Tree } from "web-tree-sitter";
import type { TextEdit } from "../types";
import { type ImportResult, ensureModuleImport, moduleBinding } from "./imports";
import type { PythonStyle } from "./pythonStyle";
import { insertAt, point } from "./textEdits";

/** Standard-library modules that training scripts commonly import (enough to find the stdlib group). */
const STDLIB = new Set(
  "argparse copy collections csv dataclasses datetime functools glob itertools json logging math os pathlib pickle random re shutil sys time typing warnings".split(
    " ",
  ),
);

function rootModule(stmt: Node): string | null {
  const name =
    stmt.type === "import_from_statement"
      ? stmt.childForFieldName("module_name")
      : (stmt.namedChildren.find((c) => c?.type === "dotted_name" || c?.type === "aliased_import") ?? null);
  const dotted = name?.type === "aliased_import" ? name.childForFieldName("name") : name;
  return dotted?.text.split(".")[0] ?? null;
}

/** `import module` for a stdlib module, grouped with the file's stdlib imports. */
export function ensureStdlibImport(tree: Tree, style: PythonStyle, module: string): ImportResult {
  const bound = moduleBinding(tree, module);
  if (bound) return { name: bound, edit: null };
  let lastStd: Node | null = null;
  let firstThirdParty: Node | null = null;
  for (const stmt of tree.rootNode.namedChildren) {
    if (!stmt || (stmt.type !== "import_statement" && stmt.type !== "import_from_statement")) continue;
    const root = rootModule(stmt);
    if (root && STDLIB.has(root)) lastStd = stmt;
    else if (root && root !== "__future__" && !firstThirdParty) firstThirdParty = stmt;
  }
  const line = `import ${module}${style.eol}`;
  let edit: TextEdit | null = null;
  if (lastStd) edit = insertAt(point(lastStd.endPosition.row + 1, 0), line);
  // A stdlib group of its own, separated by a blank line as PEP 8 asks.
  else if (firstThirdParty) edit = insertAt(point(firstThirdParty.startPosition.row, 0), `${line}${style.eol}`);
  return edit ? { name: module, edit } : ensureModuleImport(tree, style, module);
}
