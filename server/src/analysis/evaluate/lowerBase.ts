// The tree-reading half of the lowering: grammar field ids, identifier text read from the source,
// field pairs, and the bookkeeping that lets an edited tree's kept statements and calls be reused.
import type { Language, Node } from "web-tree-sitter";
import { type LoweredEntry, type LoweredIndex, rehome } from "./lowerReuse";

/** The grammar fields the lowering reads, by name → numeric id (`childForFieldName` looks the name up on every call). */
const FIELD_NAMES = [
  "alias",
  "alternative",
  "argument",
  "arguments",
  "attribute",
  "body",
  "condition",
  "consequence",
  "definition",
  "expression",
  "function",
  "key",
  "left",
  "module_name",
  "name",
  "object",
  "operator",
  "parameters",
  "right",
  "subscript",
  "superclasses",
  "type",
  "value",
] as const;
export type FieldIds = Record<(typeof FIELD_NAMES)[number], number>;

const fieldIdsByLanguage = new WeakMap<Language, FieldIds>();

/** Field ids of `language`; a name the grammar lacks maps to -1, which no child carries. */
export function fieldIds(language: Language): FieldIds {
  let ids = fieldIdsByLanguage.get(language);
  if (!ids) {
    ids = {} as FieldIds;
    for (const name of FIELD_NAMES) ids[name] = language.fields.indexOf(name);
    fieldIdsByLanguage.set(language, ids);
  }
  return ids;
}

/** Nesting beyond this is lowered to an error node (real code never nests this deep). */
export const MAX_LOWER_DEPTH = 400;

/** What the expression and statement lowerers share: reading tokens and fields, and reuse of kept subtrees. */
export class LowerBase {
  depth = 0;

  /**
   * `source`: the text the tree was parsed from, only when the tree has no errors (no MISSING or
   * ERROR nodes). Then an identifier's text is read from it (`word`) instead of `Node.text`, which
   * asks wasm for the end of every name.
   * `reuse`: the previous lowering of this document (`null`: none yet). With it, statements and
   * calls are indexed in `index` for the next lowering, and those the incremental parse kept are
   * taken from `reuse` instead of being lowered again (lowerReuse.ts). Without it: no bookkeeping.
   */
  constructor(
    protected readonly source: string | null = null,
    protected readonly reuse?: LoweredIndex | null,
  ) {}

  readonly index: LoweredIndex = new Map();
  /** The entries of the statement or call being lowered; those lowered inside it add themselves. */
  private nested: LoweredEntry[] = [];

  /** What the previous lowering made of `n`'s subtree, moved onto `n`'s tree; null to lower it. */
  protected takeKept(n: Node): LoweredEntry | null {
    const kept = this.reuse?.get(n.id);
    if (!kept || kept.depth !== this.depth) return null;
    rehome(kept, n, n.tree);
    this.nested.push(kept);
    this.indexEntry(kept);
    return kept;
  }

  /** Starts the entry of `n`, lowered now; `closeEntry` once its AST is built. */
  protected openEntry(n: Node): LoweredEntry {
    const entry: LoweredEntry = {
      node: n,
      stmts: [],
      expr: null,
      depth: this.depth,
      nested: [],
      nodes: null,
      outer: this.nested,
    };
    this.nested = entry.nested;
    return entry;
  }

  protected closeEntry(entry: LoweredEntry): void {
    this.nested = entry.outer ?? [];
    entry.outer = null;
    this.nested.push(entry);
    this.index.set(entry.node.id, entry);
  }

  /** A kept entry and the ones nested in it stay available to the next lowering. */
  private indexEntry(e: LoweredEntry): void {
    this.index.set(e.node.id, e);
    for (const inner of e.nested) this.indexEntry(inner);
  }

  /** Set from the first node lowered (all nodes of one run share a tree, hence a language). */
  protected F: FieldIds = null as unknown as FieldIds;

  /**
   * The text of an identifier-like node (a name, a keyword used as a name). With an error-free
   * tree the token is the longest run of name characters from its start, so an ASCII run that
   * ends at an ASCII non-name character (or the end) is exactly it; anything else asks the node.
   */
  protected word(n: Node): string {
    const src = this.source;
    if (src !== null) {
      const start = n.startIndex;
      let i = start;
      for (; i < src.length; i++) {
        const c = src.charCodeAt(i);
        if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95)) break;
      }
      if (i > start && (i === src.length || src.charCodeAt(i) < 128)) return src.slice(start, i);
    }
    return n.text;
  }

  /**
   * The string's prefix and opening quotes (string_start). From the source when the tree has no
   * errors: the letters before the first quote (the quotes carry no r/R) — two wasm calls and a
   * Node fewer per string literal.
   */
  protected stringPrefix(n: Node): string {
    const src = this.source;
    if (src === null) return n.child(0)?.text ?? "";
    const start = n.startIndex;
    let i = start;
    for (; i < src.length; i++) {
      const c = src.charCodeAt(i) | 32;
      if (c < 97 || c > 122) break;
    }
    return src.slice(start, i);
  }

  protected wordOf(n: Node | null): string | undefined {
    return n ? this.word(n) : undefined;
  }

  /** Named children other than comments, each with its type (read once). */
  protected nonComment(n: Node): Array<{ n: Node; t: string }> {
    const out: Array<{ n: Node; t: string }> = [];
    for (const c of n.namedChildren) {
      if (!c) continue;
      const ct = c.type;
      if (ct !== "comment") out.push({ n: c, t: ct });
    }
    return out;
  }

  /**
   * The two field children of a node whose grammar rule has exactly two named children, both
   * fields (call, attribute, keyword_argument). In an error-free tree, two named children can
   * only be those two (a comment or line continuation inside would make three), so one
   * `namedChildren` call replaces two field lookups; otherwise the fields are looked up.
   */
  protected pair(n: Node, first: number, second: number): [Node | null, Node | null] {
    if (this.source !== null) {
      const kids = n.namedChildren;
      if (kids.length === 2) return [kids[0], kids[1]];
    }
    return [n.childForFieldId(first), n.childForFieldId(second)];
  }
}
