// Lowers tree-sitter statement nodes into the compact AST, once per file per analysis; ERROR
// regions keep the statements the parser still recognised inside them.
import type { Node } from "web-tree-sitter";
import type { Expr, Stmt, WithItem } from "./ast";
import { fieldIds, MAX_LOWER_DEPTH } from "./lowerBase";
import { Lowerer } from "./lowerExpr";

export class StmtLowerer extends Lowerer {
  block(n: Node | null): Stmt[] {
    const out: Stmt[] = [];
    if (!n) return out;
    this.F ??= fieldIds(n.tree.language);
    for (const c of n.namedChildren) {
      if (!c) continue;
      const ct = c.type;
      if (ct === "comment") continue;
      this.stmt(c, out, ct);
    }
    return out;
  }

  /** `type` is the node's type, read once by the caller (each read is a call into wasm). */
  private stmt(n: Node, out: Stmt[], type: string): void {
    if (this.depth >= MAX_LOWER_DEPTH) {
      out.push({ t: "error", why: "statements nested too deeply", node: n });
      return;
    }
    if (this.reuse === undefined) {
      this.depth++;
      try {
        this.stmtInner(n, out, type);
      } finally {
        this.depth--;
      }
      return;
    }
    const kept = this.takeKept(n);
    if (kept) {
      for (const st of kept.stmts) out.push(st);
      return;
    }
    const entry = this.openEntry(n);
    const before = out.length;
    this.depth++;
    try {
      this.stmtInner(n, out, type);
    } finally {
      this.depth--;
      this.closeEntry(entry);
    }
    entry.stmts = out.slice(before);
  }

  private stmtInner(n: Node, out: Stmt[], type: string): void {
    const F = this.F;
    switch (type) {
      case "expression_statement": {
        for (const c of n.namedChildren) {
          if (!c) continue;
          const ct = c.type;
          if (ct === "comment") continue;
          out.push(this.simple(c, n, ct));
        }
        return;
      }
      case "if_statement":
        out.push(this.ifStmt(n));
        return;
      case "for_statement":
        out.push({
          t: "for",
          target: this.expr(n.childForFieldId(F.left)),
          iter: this.expr(n.childForFieldId(F.right)),
          body: this.block(n.childForFieldId(F.body)),
          orelse: this.block(n.childForFieldId(F.alternative)?.childForFieldId(F.body) ?? null),
          node: n,
        });
        return;
      case "while_statement":
        out.push({
          t: "while",
          cond: this.expr(n.childForFieldId(F.condition)),
          body: this.block(n.childForFieldId(F.body)),
          orelse: this.block(n.childForFieldId(F.alternative)?.childForFieldId(F.body) ?? null),
          node: n,
        });
        return;
      case "function_definition":
        out.push(this.funcDef(n, []));
        return;
      case "class_definition":
        out.push(this.classDef(n, []));
        return;
      case "decorated_definition": {
        const decorators = n.namedChildren
          .filter((c): c is Node => !!c && c.type === "decorator")
          .map((d) => this.firstNonComment(d));
        const def = n.childForFieldId(F.definition);
        const defType = def?.type;
        if (defType === "function_definition") out.push(this.funcDef(def!, decorators));
        else if (defType === "class_definition") out.push(this.classDef(def!, decorators));
        return;
      }
      case "return_statement": {
        const v = this.nonComment(n)[0];
        out.push({ t: "return", value: v ? this.expr(v.n, v.t) : null, node: n });
        return;
      }
      case "pass_statement":
        out.push({ t: "pass", node: n });
        return;
      case "break_statement":
        out.push({ t: "break", node: n });
        return;
      case "continue_statement":
        out.push({ t: "continue", node: n });
        return;
      case "with_statement":
        out.push(this.withStmt(n));
        return;
      case "try_statement":
        out.push(this.tryStmt(n));
        return;
      case "import_statement":
        out.push({ t: "import", names: this.importNames(n).map((x) => ({ module: x.name, alias: x.alias })), node: n });
        return;
      case "import_from_statement":
      case "future_import_statement":
        out.push(this.importFrom(n));
        return;
      case "delete_statement":
        out.push({
          t: "del",
          targets: this.nonComment(n).map((c) => this.expr(c.n, c.t)),
          node: n,
        });
        return;
      case "global_statement":
      case "nonlocal_statement":
        out.push({
          t: "global",
          names: n.namedChildren.filter((c): c is Node => !!c && c.type === "identifier").map((c) => c.text),
          node: n,
        });
        return;
      case "raise_statement":
        out.push({ t: "raise", node: n });
        return;
      case "assert_statement":
        // Asserts often call the model on a dummy input: evaluated for that, never enforced.
        out.push({
          t: "assert",
          test: this.firstNonComment(n),
          node: n,
        });
        return;
      case "block":
        out.push(...this.block(n));
        return;
      case "ERROR":
        // Half-typed code: keep the statements the parser recognised inside the error region.
        for (const c of n.namedChildren) {
          if (!c) continue;
          const ct = c.type;
          if (/_statement$|_definition$/.test(ct)) this.stmt(c, out, ct);
        }
        return;
      default:
        out.push({ t: "error", why: `unsupported statement: ${type}`, node: n });
    }
  }

  private simple(c: Node, stmtNode: Node, type: string): Stmt {
    const F = this.F;
    if (type === "assignment") {
      const targets: Expr[] = [];
      let cur: Node | null = c;
      let curType: string | undefined = type;
      let firstAnnotation: Node | null = null;
      while (cur && curType === "assignment") {
        const parts = this.assignmentParts(cur);
        if (cur === c) firstAnnotation = parts.annotation; // the annotation belongs to the first target
        if (!parts.right) {
          return {
            t: "annassign",
            target: this.expr(parts.left),
            value: null,
            annotation: parts.annotation ? this.expr(parts.annotation.namedChildren[0] ?? null) : null,
            node: stmtNode,
          };
        }
        targets.push(this.expr(parts.left));
        cur = parts.right;
        curType = parts.rightType;
      }
      const annotation = firstAnnotation;
      if (annotation && targets.length === 1)
        return {
          t: "annassign",
          target: targets[0],
          value: this.expr(cur, curType),
          annotation: this.expr(annotation.namedChildren[0] ?? null),
          node: stmtNode,
        };
      return { t: "assign", targets, value: this.expr(cur, curType), node: stmtNode };
    }
    if (type === "augmented_assignment") {
      return {
        t: "augassign",
        target: this.expr(c.childForFieldId(F.left)),
        op: (c.childForFieldId(F.operator)?.type ?? "+=").slice(0, -1),
        value: this.expr(c.childForFieldId(F.right)),
        node: stmtNode,
      };
    }
    return { t: "expr", e: this.expr(c, type), node: stmtNode };
  }

  /**
   * An assignment's `left`, `type` and `right` fields (with the right side's type). Its named
   * children are left, [type], [right] — a `type` node only ever fills the type field — so in an
   * error-free tree one `namedChildren` call answers when no comment or line continuation sits
   * among them; otherwise the fields are looked up.
   */
  private assignmentParts(n: Node): {
    left: Node | null;
    annotation: Node | null;
    right: Node | null;
    rightType: string | undefined;
  } {
    if (this.source !== null) {
      const [k0, k1, k2] = n.namedChildren;
      const count = n.namedChildren.length;
      if (count === 2 && k1) {
        const t1 = k1.type;
        if (t1 === "type") return { left: k0, annotation: k1, right: null, rightType: undefined };
        if (t1 !== "comment" && t1 !== "line_continuation")
          return { left: k0, annotation: null, right: k1, rightType: t1 };
      } else if (count === 3 && k1 && k2 && k1.type === "type") {
        const t2 = k2.type;
        if (t2 !== "comment" && t2 !== "line_continuation")
          return { left: k0, annotation: k1, right: k2, rightType: t2 };
      }
    }
    const F = this.F;
    const right = n.childForFieldId(F.right);
    return {
      left: n.childForFieldId(F.left),
      annotation: n.childForFieldId(F.type),
      right,
      rightType: right?.type,
    };
  }

  private ifStmt(n: Node): Stmt {
    const F = this.F;
    const alternatives = n.childrenForFieldId(F.alternative).filter((c): c is Node => !!c);
    let orelse: Stmt[] = [];
    // Build the elif chain from the back so each elif becomes a nested if in the previous else.
    for (let i = alternatives.length - 1; i >= 0; i--) {
      const alt = alternatives[i];
      if (alt.type === "else_clause") orelse = this.block(alt.childForFieldId(F.body));
      else
        orelse = [
          {
            t: "if",
            cond: this.expr(alt.childForFieldId(F.condition)),
            body: this.block(alt.childForFieldId(F.consequence)),
            orelse,
            node: alt,
          },
        ];
    }
    return {
      t: "if",
      cond: this.expr(n.childForFieldId(F.condition)),
      body: this.block(n.childForFieldId(F.consequence)),
      orelse,
      node: n,
    };
  }

  private funcDef(n: Node, decorators: Expr[]): Stmt {
    return {
      t: "def",
      name: this.wordOf(n.childForFieldId(this.F.name)) ?? "_",
      params: this.params(n.childForFieldId(this.F.parameters)),
      body: this.block(n.childForFieldId(this.F.body)),
      decorators,
      node: n,
    };
  }

  private classDef(n: Node, decorators: Expr[]): Stmt {
    const bases = this.argList(n.childForFieldId(this.F.superclasses));
    return {
      t: "class",
      name: this.wordOf(n.childForFieldId(this.F.name)) ?? "_",
      bases,
      body: this.block(n.childForFieldId(this.F.body)),
      decorators,
      node: n,
    };
  }

  private withStmt(n: Node): Stmt {
    const items: WithItem[] = [];
    const clause = n.namedChildren.find((c) => c?.type === "with_clause");
    for (const it of clause?.namedChildren ?? []) {
      if (!it || it.type !== "with_item") continue;
      const v = it.childForFieldId(this.F.value);
      const vType = v?.type;
      if (vType === "as_pattern") {
        const alias = v!.childForFieldId(this.F.alias);
        items.push({ ctx: this.expr(v!.namedChildren[0] ?? null), target: alias ? this.expr(alias) : null });
      } else items.push({ ctx: this.expr(v, vType), target: null });
    }
    return { t: "with", items, body: this.block(n.childForFieldId(this.F.body)), node: n };
  }

  private tryStmt(n: Node): Stmt {
    const handlers: Stmt[][] = [];
    let orelse: Stmt[] = [];
    let final: Stmt[] = [];
    for (const c of n.namedChildren) {
      if (!c) continue;
      const ct = c.type;
      if (ct === "except_clause" || ct === "except_group_clause")
        handlers.push(this.block(c.namedChildren.find((x) => x?.type === "block") ?? null));
      else if (ct === "else_clause") orelse = this.block(c.childForFieldId(this.F.body));
      else if (ct === "finally_clause") final = this.block(c.namedChildren.find((x) => x?.type === "block") ?? null);
    }
    return { t: "try", body: this.block(n.childForFieldId(this.F.body)), handlers, orelse, final, node: n };
  }

  private importNames(n: Node): Array<{ name: string; alias: string | null }> {
    const out: Array<{ name: string; alias: string | null }> = [];
    for (const c of n.childrenForFieldId(this.F.name)) {
      if (!c) continue;
      if (c.type === "aliased_import")
        out.push({
          name: c.childForFieldId(this.F.name)?.text ?? "",
          alias: c.childForFieldId(this.F.alias)?.text ?? null,
        });
      else out.push({ name: c.text, alias: null });
    }
    return out;
  }

  private importFrom(n: Node): Stmt {
    const mod = n.childForFieldId(this.F.module_name);
    let module = "";
    let level = 0;
    if (mod?.type === "relative_import") {
      level = (mod.namedChildren.find((c) => c?.type === "import_prefix")?.text ?? "").length;
      module = mod.namedChildren.find((c) => c?.type === "dotted_name")?.text ?? "";
    } else module = mod?.text ?? (n.type === "future_import_statement" ? "__future__" : "");
    const wildcard = n.namedChildren.some((c) => c?.type === "wildcard_import");
    return { t: "importfrom", module, level, names: wildcard ? "*" : this.importNames(n), node: n };
  }
}
