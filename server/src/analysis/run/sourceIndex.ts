// The module-wide node lists sourceInts.ts and sourceLookup.ts search (assignments, calls with their
// callee text, keyword arguments, dict pairs, classes), read from a tree once: each integer lookup
// walked the whole tree again, and a 5,000-line script of training loops spent 79% of its analysis so.
import type { Node, Tree } from "web-tree-sitter";

export interface CallSite {
  node: Node;
  /** The callee as written (`parser.add_argument`), "" when the call has none. */
  callee: string;
}

export interface KeywordSite {
  name: string;
  value: Node | null;
}

export interface PairSite {
  /** A string key's contents (quotes stripped), null for any other key. */
  key: string | null;
  value: Node | null;
}

interface Lists {
  assignments?: Map<string, Node | null>;
  calls?: CallSite[];
  keywords?: KeywordSite[];
  pairs?: PairSite[];
  classes?: Node[];
}

const memo = new WeakMap<Tree, Lists>();

/** The lists of `root`'s tree, memoised when `root` is the module; a fresh, unshared object otherwise. */
function listsOf(root: Node): Lists {
  if (root.parent !== null) return {};
  let lists = memo.get(root.tree);
  if (!lists) memo.set(root.tree, (lists = {}));
  return lists;
}

const present = <T>(xs: (T | null)[]): T[] => xs.filter((x): x is T => x !== null);

/** Every call under `root`, in document order, with its callee's text. */
export function callSites(root: Node): CallSite[] {
  const lists = listsOf(root);
  lists.calls ??= present(root.descendantsOfType("call")).map((node) => ({
    node,
    callee: node.childForFieldName("function")?.text ?? "",
  }));
  return lists.calls;
}

/** Every `name=value` keyword argument under `root`, in document order. */
export function keywordSites(root: Node): KeywordSite[] {
  const lists = listsOf(root);
  lists.keywords ??= present(root.descendantsOfType("keyword_argument")).map((kw) => ({
    name: kw.childForFieldName("name")?.text ?? "",
    value: kw.childForFieldName("value"),
  }));
  return lists.keywords;
}

/** Every `key: value` pair of a dict literal under `root`, in document order. */
export function pairSites(root: Node): PairSite[] {
  const lists = listsOf(root);
  lists.pairs ??= present(root.descendantsOfType("pair")).map((pair) => {
    const k = pair.childForFieldName("key");
    return { key: k?.type === "string" ? k.text.slice(1, -1) : null, value: pair.childForFieldName("value") };
  });
  return lists.pairs;
}

/** Every class definition under `root`, in document order. */
export function classDefinitions(root: Node): Node[] {
  const lists = listsOf(root);
  lists.classes ??= present(root.descendantsOfType("class_definition"));
  return lists.classes;
}

/**
 * `name = …` in a block, nested functions and classes excluded (calls not entered): the right-hand
 * side for a name assigned once, null for one assigned more than once (its value depends on the
 * path taken). An assignment's own right-hand side is searched for other names, not its own.
 */
export function assignmentsIn(block: Node): Map<string, Node | null> {
  const lists = listsOf(block);
  if (lists.assignments) return lists.assignments;
  const out = new Map<string, Node | null>();
  const twice = new Set<string>();
  const visit = (n: Node, inside: ReadonlySet<string>) => {
    for (const c of n.namedChildren) {
      if (!c || c.type === "function_definition" || c.type === "class_definition" || c.type === "call") continue;
      if (c.type !== "assignment") {
        visit(c, inside);
        continue;
      }
      const left = c.childForFieldName("left")?.text;
      if (left === undefined || inside.has(left)) {
        visit(c, inside);
        continue;
      }
      // A bare annotation (`steps: int`) has no right-hand side and does not count as a first value.
      if (out.get(left)) twice.add(left);
      else if (!twice.has(left)) out.set(left, c.childForFieldName("right"));
      visit(c, new Set(inside).add(left));
    }
  };
  visit(block, new Set());
  for (const name of twice) out.set(name, null);
  lists.assignments = out;
  return out;
}
