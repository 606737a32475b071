// Incremental lowering: after an edit, statements and calls whose tree-sitter subtree the
// incremental parse reused keep their lowered AST from the previous analysis, moved onto the new tree.
//
// Why this is sound: tree-sitter subtrees are immutable and position-relative, and the parser
// reuses an old subtree (same `Node.id`, the subtree's address) only where the edit did not touch
// it. While the old tree is alive no new subtree can take one of its addresses, so a node
// of the new tree whose id was lowered for the old tree has exactly the same tokens, and lowering
// (which only reads downwards from the node) would produce the same AST. What changes is where
// it sits: its web-tree-sitter `Node` objects carry the tree and their absolute start, which are
// shifted here ("re-homed") instead of lowering it again.
import { Node, type Tree } from "web-tree-sitter";
import type { Expr, Stmt } from "./ast";

/** What one statement or call node lowered to, and everything needed to move it to a later tree. */
export interface LoweredEntry {
  /** The node as lowered (re-homed with its AST). */
  node: Node;
  /** A statement's AST (a statement node may lower to several, or none). */
  stmts: Stmt[];
  /** A call's AST. */
  expr: Expr | null;
  /** Lowering depth: a statement reused at another depth could hit the depth limit differently. */
  depth: number;
  /** Entries of the statements nested in this one, carried along when this one is reused. */
  nested: LoweredEntry[];
  /** Every `Node` object its AST holds, collected the first time it is reused. */
  nodes: Node[] | null;
  /** While it is being lowered: the entry list of the statement or call around it. */
  outer: LoweredEntry[] | null;
}

/** One lowering's statements by node id; the next lowering of an edited copy of the tree reads it. */
export type LoweredIndex = Map<number, LoweredEntry>;

/** Documents whose last lowering is kept: the ones being typed in, not every open file. */
const KEPT_TREES = 4;

/**
 * Keeps the last lowering of the few trees it lowered most recently, so the lowering of the tree
 * parsed from an edited copy (`parse(text, oldTree)`) reuses what did not change. Not one per open
 * document: an AST with its nodes is ~0.2 MB per 150-line script, and 50 open scripts would add
 * ~12 MB to the server for files nobody is editing. Owned by one Analyzer.
 */
export class LoweringCache {
  /** In order of use, oldest first. */
  private readonly byTree = new Map<Tree, LoweredIndex>();

  /** The index lowered for `oldTree`, handed over once: its nodes move to the new tree. */
  take(oldTree: Tree | null | undefined): LoweredIndex | null {
    if (!oldTree) return null;
    const index = this.byTree.get(oldTree) ?? null;
    this.byTree.delete(oldTree);
    return index;
  }

  keep(tree: Tree, index: LoweredIndex): void {
    this.byTree.set(tree, index);
    for (const oldest of this.byTree.keys()) {
      if (this.byTree.size <= KEPT_TREES) break;
      this.byTree.delete(oldest);
    }
  }
}

/**
 * Moves `entry` (lowered from an older tree) onto `n`, the same subtree in `tree`: every `Node` its
 * AST and its nested entries hold gets `tree` and a start shifted by the statement's own shift.
 * Cached child lists are dropped (they hold nodes of the old tree; read again on demand).
 */
export function rehome(entry: LoweredEntry, n: Node, tree: Tree): void {
  const old = entry.node;
  if (old.tree === tree) return;
  const dIndex = n.startIndex - old.startIndex;
  const oldRow = old.startPosition.row;
  const dRow = n.startPosition.row - oldRow;
  const dCol = n.startPosition.column - old.startPosition.column;
  const moved = dIndex !== 0 || dRow !== 0 || dCol !== 0;
  entry.nodes ??= collectNodes(entry);
  for (const x of entry.nodes) {
    if (x.tree === tree) continue;
    x.tree = tree;
    if (moved) {
      const p = x.startPosition;
      x.startIndex += dIndex;
      // Only nodes on the statement's first line move sideways: later lines start inside it.
      x.startPosition = { row: p.row + dRow, column: p.row === oldRow ? p.column + dCol : p.column };
    }
    const cached = x as unknown as { _children?: unknown; _namedChildren?: unknown };
    cached._children = undefined;
    cached._namedChildren = undefined;
  }
}

/** The entry's own node, its nested entries' nodes and every node in its AST, each once. */
function collectNodes(entry: LoweredEntry): Node[] {
  const seen = new Set<Node>();
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== "object") return;
    if (v instanceof Node) {
      seen.add(v);
      return;
    }
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    for (const k in v) visit((v as Record<string, unknown>)[k]);
  };
  const addEntry = (e: LoweredEntry): void => {
    seen.add(e.node);
    for (const inner of e.nested) addEntry(inner);
  };
  addEntry(entry);
  visit(entry.stmts);
  visit(entry.expr);
  return [...seen];
}
