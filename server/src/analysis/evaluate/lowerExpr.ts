// Lowers tree-sitter expression nodes into the compact AST (ast.ts). Depth-guarded: a
// 5,000-deep expression becomes an `error` node instead of overflowing the JS stack.
import type { Node } from "web-tree-sitter";
import { fieldIds, LowerBase, MAX_LOWER_DEPTH } from "./lowerBase";
import type { CallArg, CompClause, Expr, Param } from "./ast";

export class Lowerer extends LowerBase {
  /**
   * `type`, when the caller has already read it: every `Node.type` read is a call into wasm (and
   * every `childForFieldName` a new `Node`), so each node's type is read once and passed down.
   */
  expr(n: Node | null | undefined, type?: string): Expr {
    if (!n) return { t: "error", why: "missing expression", node: n as unknown as Node };
    if (this.depth >= MAX_LOWER_DEPTH) return { t: "error", why: "expression nested too deeply", node: n };
    this.F ??= fieldIds(n.tree.language);
    const t = type ?? n.type;
    // Calls carry most of an expression's nodes (arguments), and the parser often keeps a call
    // where it rebuilds the statement around it (assignments are "fragile" in its GLR parse).
    if (t === "call" && this.reuse !== undefined) return this.keptCall(n);
    this.depth++;
    try {
      return this.exprInner(n, t);
    } finally {
      this.depth--;
    }
  }

  private keptCall(n: Node): Expr {
    const kept = this.takeKept(n);
    if (kept?.expr) return kept.expr;
    const entry = this.openEntry(n);
    this.depth++;
    try {
      entry.expr = this.exprInner(n, "call");
      return entry.expr;
    } finally {
      this.depth--;
      this.closeEntry(entry);
    }
  }

  private exprInner(n: Node, type: string): Expr {
    switch (type) {
      case "identifier":
        return { t: "name", id: this.word(n), node: n };
      case "integer": {
        const s = n.text.replace(/_/g, "").replace(/[lL]$/, "");
        const v = /^0[oO]/.test(s)
          ? Number.parseInt(s.slice(2), 8)
          : /^0[bB]/.test(s)
            ? Number.parseInt(s.slice(2), 2)
            : Number(s);
        return { t: "num", v, int: true, node: n };
      }
      case "float":
        if (/[jJ]$/.test(n.text)) return { t: "error", why: "complex literal", node: n };
        return { t: "num", v: Number(n.text.replace(/_/g, "")), int: false, node: n };
      case "true":
        return { t: "const", v: true, node: n };
      case "false":
        return { t: "const", v: false, node: n };
      case "none":
        return { t: "const", v: null, node: n };
      case "string":
        return this.string(n);
      case "concatenated_string": {
        const parts: Array<string | Expr> = [];
        for (const c of n.namedChildren) {
          if (!c || c.type !== "string") continue;
          const s = this.string(c);
          if (s.t === "str") parts.push(s.v);
          else if (s.t === "fstr") parts.push(...s.parts);
        }
        return { t: "fstr", parts, node: n };
      }
      case "parenthesized_expression":
        return this.firstNonComment(n);
      case "attribute": {
        const [obj, attr] = this.pair(n, this.F.object, this.F.attribute);
        return { t: "attr", obj: this.expr(obj), name: this.wordOf(attr) ?? "", node: n };
      }
      case "subscript": {
        const idx = n.childrenForFieldId(this.F.subscript).filter((c): c is Node => !!c);
        const index: Expr =
          idx.length === 1 ? this.expr(idx[0]) : { t: "tuple", items: idx.map((c) => this.expr(c)), node: n };
        return { t: "sub", obj: this.expr(n.childForFieldId(this.F.value)), index, node: n };
      }
      case "slice":
        return this.slice(n);
      case "call":
        return this.call(n);
      case "binary_operator":
        return {
          t: "bin",
          op: n.childForFieldId(this.F.operator)?.type ?? "?",
          l: this.expr(n.childForFieldId(this.F.left)),
          r: this.expr(n.childForFieldId(this.F.right)),
          node: n,
        };
      case "unary_operator":
        return {
          t: "unary",
          op: n.childForFieldId(this.F.operator)?.type ?? "-",
          e: this.expr(n.childForFieldId(this.F.argument)),
          node: n,
        };
      case "not_operator":
        return { t: "not", e: this.expr(n.childForFieldId(this.F.argument)), node: n };
      case "boolean_operator":
        return {
          t: "bool",
          op: n.childForFieldId(this.F.operator)?.type === "or" ? "or" : "and",
          l: this.expr(n.childForFieldId(this.F.left)),
          r: this.expr(n.childForFieldId(this.F.right)),
          node: n,
        };
      case "comparison_operator": {
        const ops: string[] = [];
        const operands: Expr[] = [];
        for (let i = 0; i < n.childCount; i++) {
          const c = n.child(i);
          if (!c) continue;
          const ct = c.type;
          if (ct === "comment") continue;
          if (n.fieldNameForChild(i) === "operators") ops.push(ct);
          else if (c.isNamed) operands.push(this.expr(c, ct));
        }
        return { t: "cmp", ops, operands, node: n };
      }
      case "conditional_expression": {
        const [a, cond, b] = this.nonComment(n);
        return {
          t: "ifexp",
          a: this.expr(a?.n, a?.t),
          cond: this.expr(cond?.n, cond?.t),
          b: this.expr(b?.n, b?.t),
          node: n,
        };
      }
      case "tuple":
      case "expression_list":
      case "pattern_list":
      case "tuple_pattern":
        return { t: "tuple", items: this.items(n), node: n };
      case "list":
      case "list_pattern":
        return { t: "list", items: this.items(n), node: n };
      case "set":
        return { t: "set", items: this.items(n), node: n };
      case "dictionary":
        return this.dict(n);
      case "list_comprehension":
      case "set_comprehension":
      case "generator_expression":
      case "dictionary_comprehension":
        return this.comprehension(n, type);
      case "lambda":
        return {
          t: "lambda",
          params: this.params(n.childForFieldId(this.F.parameters)),
          body: this.expr(n.childForFieldId(this.F.body)),
          node: n,
        };
      case "list_splat":
      case "list_splat_pattern":
      case "dictionary_splat":
        return { t: "star", e: this.firstNonComment(n), node: n };
      case "named_expression":
        return {
          t: "walrus",
          name: this.wordOf(n.childForFieldId(this.F.name)) ?? "_",
          e: this.expr(n.childForFieldId(this.F.value)),
          node: n,
        };
      case "await":
        return this.expr(n.namedChildren[0] ?? null);
      case "as_pattern_target":
        return this.expr(n.namedChildren[0] ?? null);
      case "ellipsis":
        return { t: "name", id: "Ellipsis", node: n };
      case "keyword_identifier":
        return { t: "name", id: this.word(n), node: n };
      default:
        return { t: "error", why: `unsupported syntax: ${n.type}`, node: n };
    }
  }

  private items(n: Node): Expr[] {
    const out: Expr[] = [];
    for (const c of n.namedChildren) {
      if (!c) continue;
      const ct = c.type;
      if (ct !== "comment") out.push(this.expr(c, ct));
    }
    return out;
  }

  /** The first named child that is not a comment, lowered (an error node when there is none). */
  protected firstNonComment(n: Node): Expr {
    for (const c of n.namedChildren) {
      if (!c) continue;
      const ct = c.type;
      if (ct !== "comment") return this.expr(c, ct);
    }
    return this.expr(null);
  }

  private string(n: Node): Expr {
    const parts: Array<string | Expr> = [];
    let isF = false;
    const raw = /[rR]/.test(this.stringPrefix(n));
    for (const c of n.namedChildren) {
      if (!c) continue;
      const ct = c.type;
      if (ct === "string_content") parts.push(raw ? c.text : unescapePy(c.text));
      else if (ct === "escape_sequence") parts.push(unescapePy(c.text));
      else if (ct === "interpolation") {
        isF = true;
        parts.push(this.expr(c.childForFieldId(this.F.expression)));
      }
    }
    if (!isF) return { t: "str", v: parts.join(""), node: n };
    return { t: "fstr", parts, node: n };
  }

  private slice(n: Node): Expr {
    // slice children: [lo] ':' [hi] [':' [step]]
    const slots: Array<Expr | null> = [null, null, null];
    let slot = 0;
    for (const c of n.children) {
      if (!c) continue;
      const ct = c.type;
      if (ct === ":") slot++;
      else if (c.isNamed && ct !== "comment" && slot < 3) slots[slot] = this.expr(c, ct);
    }
    return { t: "slice", lo: slots[0], hi: slots[1], step: slots[2], node: n };
  }

  private call(n: Node): Expr {
    const [fn, args] = this.pair(n, this.F.function, this.F.arguments);
    return { t: "call", fn: this.expr(fn), args: this.argList(args), node: n };
  }

  /** Arguments of a call or the bases of a class (`class A(B, metaclass=M)`). */
  argList(argsNode: Node | null): CallArg[] {
    const args: CallArg[] = [];
    const argsType = argsNode?.type;
    if (argsType === "generator_expression") {
      args.push({ name: null, star: false, value: this.expr(argsNode, argsType) });
    } else if (argsNode) {
      for (const c of argsNode.namedChildren) {
        if (!c) continue;
        const ct = c.type;
        if (ct === "comment") continue;
        if (ct === "keyword_argument") {
          const [name, value] = this.pair(c, this.F.name, this.F.value);
          args.push({ name: this.wordOf(name) ?? "_", star: false, value: this.expr(value) });
        } else if (ct === "list_splat") {
          args.push({ name: null, star: true, value: this.expr(c.namedChildren[0] ?? null) });
        } else if (ct === "dictionary_splat") {
          args.push({ name: "**", star: true, value: this.expr(c.namedChildren[0] ?? null) });
        } else args.push({ name: null, star: false, value: this.expr(c, ct) });
      }
    }
    return args;
  }

  private dict(n: Node): Expr {
    const entries: Array<{ key: Expr | null; value: Expr }> = [];
    for (const c of n.namedChildren) {
      if (!c) continue;
      const ct = c.type;
      if (ct === "comment") continue;
      if (ct === "pair")
        entries.push({
          key: this.expr(c.childForFieldId(this.F.key)),
          value: this.expr(c.childForFieldId(this.F.value)),
        });
      else if (ct === "dictionary_splat") entries.push({ key: null, value: this.expr(c.namedChildren[0] ?? null) });
    }
    return { t: "dict", entries, node: n };
  }

  private comprehension(n: Node, type: string): Expr {
    const kind =
      type === "list_comprehension"
        ? "list"
        : type === "set_comprehension"
          ? "set"
          : type === "dictionary_comprehension"
            ? "dict"
            : "gen";
    const body = n.childForFieldId(this.F.body);
    let elt: Expr;
    let key: Expr | null = null;
    const bodyType = body?.type;
    if (kind === "dict" && bodyType === "pair") {
      key = this.expr(body!.childForFieldId(this.F.key));
      elt = this.expr(body!.childForFieldId(this.F.value));
    } else elt = this.expr(body, bodyType);
    const clauses: CompClause[] = [];
    for (const c of n.namedChildren) {
      if (!c) continue;
      const ct = c.type;
      if (ct === "for_in_clause")
        clauses.push({
          kind: "for",
          target: this.expr(c.childForFieldId(this.F.left)),
          iter: this.expr(c.childForFieldId(this.F.right)),
        });
      else if (ct === "if_clause") clauses.push({ kind: "if", cond: this.expr(c.namedChildren[0] ?? null) });
    }
    return { t: "comp", kind, elt, key, clauses, node: n };
  }

  params(n: Node | null): Param[] {
    const out: Param[] = [];
    if (!n) return out;
    let kwonly = false;
    for (const c of n.namedChildren) {
      if (!c) continue;
      switch (c.type) {
        case "identifier":
          out.push({ name: this.word(c), kind: kwonly ? "kwonly" : "pos", default: null });
          break;
        case "typed_parameter": {
          const inner = c.namedChildren[0];
          const innerType = inner?.type;
          if (innerType === "list_splat_pattern") {
            out.push({ name: inner!.namedChildren[0]?.text ?? "args", kind: "star", default: null });
            kwonly = true;
          } else if (innerType === "dictionary_splat_pattern")
            out.push({ name: inner!.namedChildren[0]?.text ?? "kwargs", kind: "starstar", default: null });
          else out.push({ name: inner?.text ?? "_", kind: kwonly ? "kwonly" : "pos", default: null });
          break;
        }
        case "default_parameter":
        case "typed_default_parameter":
          out.push({
            name: this.wordOf(c.childForFieldId(this.F.name)) ?? "_",
            kind: kwonly ? "kwonly" : "pos",
            default: this.expr(c.childForFieldId(this.F.value)),
          });
          break;
        case "list_splat_pattern":
          out.push({ name: c.namedChildren[0]?.text ?? "args", kind: "star", default: null });
          kwonly = true;
          break;
        case "keyword_separator":
          kwonly = true;
          break;
        case "dictionary_splat_pattern":
          out.push({ name: c.namedChildren[0]?.text ?? "kwargs", kind: "starstar", default: null });
          break;
      }
    }
    return out;
  }
}

function unescapePy(s: string): string {
  return s.replace(/\\(n|t|r|\\|'|")/g, (_m, c: string) =>
    c === "n" ? "\n" : c === "t" ? "\t" : c === "r" ? "\r" : c,
  );
}
