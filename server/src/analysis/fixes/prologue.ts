// Classifies a script's top-level statements for import placement: imports, import guards
// (`try: import x / except ImportError: ...`) and the environment set-up lines that scripts put
// between imports because they must run before a library loads (`os.environ["KERAS_BACKEND"] = "jax"`
// before `import keras`). A fix that adds an import or a line after the imports must never land
// above such a line, nor above the guard that binds the module it uses.
import type { Node } from "web-tree-sitter";

export const IMPORT_TYPES = new Set(["import_statement", "import_from_statement", "future_import_statement"]);

/** Statements a guard's branches may hold besides imports: fallbacks (`keras = None`), `pass`, `raise`. */
const GUARD_FILLER = new Set(["pass_statement", "expression_statement", "raise_statement", "comment"]);

/**
 * Set-up lines: they change what a later import does, so imports after them stay after them.
 * Environment variables (KERAS_BACKEND, CUDA_VISIBLE_DEVICES, TF_CPP_MIN_LOG_LEVEL, HF_HOME are read
 * at import), the import path, warning and logging filters, matplotlib's backend (`use` must precede
 * `import matplotlib.pyplot`) and python-dotenv's `load_dotenv()` (fills os.environ from `.env`).
 */
const SETUP_LINE =
  /^(os\.(environ|putenv|unsetenv)\b|environ\b|sys\.(path|modules|setrecursionlimit|dont_write_bytecode)\b|warnings\.|logging\.|site\.|(matplotlib|mpl)\.use\b|(dotenv\.)?load_dotenv\b)/;

export function isSetupLine(stmt: Node): boolean {
  return stmt.type === "expression_statement" && SETUP_LINE.test(stmt.text);
}

/** The blocks of a try or if statement's branches (try body, except/else/finally; if body, elif, else). */
function branchBlocks(stmt: Node): Node[] {
  const blocks: Node[] = [];
  const body = stmt.childForFieldName("body") ?? stmt.childForFieldName("consequence");
  if (body) blocks.push(body);
  for (const clause of stmt.namedChildren) {
    if (!clause || clause === body) continue;
    if (!/^(except|else|elif|finally)_clause$|^except_group_clause$/.test(clause.type)) continue;
    const block =
      clause.childForFieldName("body") ??
      clause.childForFieldName("consequence") ??
      clause.namedChildren.find((c) => c?.type === "block");
    if (block) blocks.push(block);
  }
  return blocks;
}

/**
 * The imports inside a top-level import guard, or null when `stmt` is not one: a try or if whose
 * branches hold only imports and fillers, with at least one import.
 */
export function guardedImports(stmt: Node): Node[] | null {
  if (stmt.type !== "try_statement" && stmt.type !== "if_statement") return null;
  const found: Node[] = [];
  for (const block of branchBlocks(stmt)) {
    for (const inner of block.namedChildren) {
      if (!inner) continue;
      if (IMPORT_TYPES.has(inner.type)) found.push(inner);
      else if (!GUARD_FILLER.has(inner.type)) return null;
    }
  }
  return found.length > 0 ? found : null;
}

/** `if TYPE_CHECKING:` imports are for type checkers only: they never run, so they bind nothing. */
export function guardRunsImports(guard: Node): boolean {
  return !(guard.type === "if_statement" && /TYPE_CHECKING/.test(guard.childForFieldName("condition")?.text ?? ""));
}

/** A top-level run of imports: first and last import-like statement (imports or guards). */
export interface ImportRun {
  start: number;
  /** Row of the run's last import-like statement's end; new lines go on the row after. */
  end: number;
}

/**
 * Consecutive import-like statements, continued across comments and set-up lines (so `import os /
 * os.environ[...] = ... / import keras` is one run, ending at `import keras`); set-up lines right
 * after the imports belong to the run too, since an import added above them would load before them.
 * Any other statement ends the run.
 */
export function importRuns(statements: readonly Node[]): ImportRun[] {
  const runs: ImportRun[] = [];
  let run: ImportRun | null = null;
  for (const stmt of statements) {
    const type = stmt.type;
    if (IMPORT_TYPES.has(type) || guardedImports(stmt)) {
      if (run) run.end = stmt.endPosition.row;
      else run = { start: stmt.startPosition.row, end: stmt.endPosition.row };
    } else if (run && isSetupLine(stmt)) run.end = stmt.endPosition.row;
    else if (run && type !== "comment") {
      runs.push(run);
      run = null;
    }
  }
  if (run) runs.push(run);
  return runs;
}
