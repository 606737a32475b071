// Lowers tree-sitter statement nodes into the compact AST, once per file per analysis; ERROR
// regions keep the statements the parser still recognised inside them.
import type { Node } from "web-tree-sitter";
import type { Expr, Stmt, WithItem } from "./ast";
import { Lowerer, MAX_LOWER_DEPTH } from "./lowerExpr";

export class StmtLowerer extends Lowerer {
  block(n: Node | null): Stmt[] {
    const out: Stmt[] = [];
    if (!n) return out;
    for (const c of n.namedChildren) {
      if (!c || c.type === "comment") continue;
      this.stmt(c, out);
    }
    return out;
  }

  private stmt(n: Node, out: Stmt[]): void {
    if (this.depth >= MAX_LOWER_DEPTH) {
      out.push({ t: "error", why: "statements nested too deeply", node: n });
      return;
    }
    this.depth++;
    try {
      this.stmtInner(n, out);
    } finally {
      this.depth--;
    }
  }

  private stmtInner(n: Node, out: Stmt[]): void {
    switch (n.type) {
      case "expression_statement": {
        for (const c of n.namedChildren) {
          if (!c || c.type === "comment") continue;
          out.push(this.simple(c, n));
        }
        return;
      }
      case "if_statement":
        out.push(this.ifStmt(n));
        return;
      case "for_statement":
        out.push({
          t: "for",
          target: this.expr(n.childForFieldName("left")),
          iter: this.expr(n.childForFieldName("right")),
          body: this.block(n.childForFieldName("body")),
          orelse: this.block(n.childForFieldName("alternative")?.childForFieldName("body") ?? null),
          node: n,
        });
        return;
      case "while_statement":
        out.push({
          t: "while",
          cond: this.expr(n.childForFieldName("condition")),
          body: this.block(n.childForFieldName("body")),
          orelse: this.block(n.childForFieldName("alternative")?.childForFieldName("body") ?? null),
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
          .map((d) => this.expr(d.namedChildren.find((x) => x && x.type !== "comment") ?? null));
        const def = n.childForFieldName("definition");
        if (def?.type === "function_definition") out.push(this.funcDef(def, decorators));
        else if (def?.type === "class_definition") out.push(this.classDef(def, decorators));
        return;
      }
      case "return_statement": {
        const v = n.namedChildren.find((c) => c && c.type !== "comment") ?? null;
        out.push({ t: "return", value: v ? this.expr(v) : null, node: n });
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
          targets: n.namedChildren.filter((c): c is Node => !!c && c.type !== "comment").map((c) => this.expr(c)),
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
          test: this.expr(n.namedChildren.find((c) => c && c.type !== "comment") ?? null),
          node: n,
        });
        return;
      case "block":
        out.push(...this.block(n));
        return;
      case "ERROR":
        // Half-typed code: keep the statements the parser recognised inside the error region.
        for (const c of n.namedChildren) if (c && /_statement$|_definition$/.test(c.type)) this.stmt(c, out);
        return;
      default:
        out.push({ t: "error", why: `unsupported statement: ${n.type}`, node: n });
    }
  }

  private simple(c: Node, stmtNode: Node): Stmt {
    if (c.type === "assignment") {
      const targets: Expr[] = [];
      let cur: Node | null = c;
      while (cur && cur.type === "assignment") {
        const right: Node | null = cur.childForFieldName("right");
        if (!right) {
          const annotation = cur.childForFieldName("type");
          return {
            t: "annassign",
            target: this.expr(cur.childForFieldName("left")),
            value: null,
            annotation: annotation ? this.expr(annotation.namedChildren[0] ?? null) : null,
            node: stmtNode,
          };
        }
        targets.push(this.expr(cur.childForFieldName("left")));
        cur = right;
      }
      const annotation = c.childForFieldName("type");
      if (annotation && targets.length === 1)
        return {
          t: "annassign",
          target: targets[0],
          value: this.expr(cur),
          annotation: this.expr(annotation.namedChildren[0] ?? null),
          node: stmtNode,
        };
      return { t: "assign", targets, value: this.expr(cur), node: stmtNode };
    }
    if (c.type === "augmented_assignment") {
      return {
        t: "augassign",
        target: this.expr(c.childForFieldName("left")),
        op: (c.childForFieldName("operator")?.type ?? "+=").slice(0, -1),
        value: this.expr(c.childForFieldName("right")),
        node: stmtNode,
      };
    }
    return { t: "expr", e: this.expr(c), node: stmtNode };
  }

  private ifStmt(n: Node): Stmt {
    const alternatives = n.childrenForFieldName("alternative").filter((c): c is Node => !!c);
    let orelse: Stmt[] = [];
    // Build the elif chain from the back so each elif becomes a nested if in the previous else.
    for (let i = alternatives.length - 1; i >= 0; i--) {
      const alt = alternatives[i];
      if (alt.type === "else_clause") orelse = this.block(alt.childForFieldName("body"));
      else
        orelse = [
          {
            t: "if",
            cond: this.expr(alt.childForFieldName("condition")),
            body: this.block(alt.childForFieldName("consequence")),
            orelse,
            node: alt,
          },
        ];
    }
    return {
      t: "if",
      cond: this.expr(n.childForFieldName("condition")),
      body: this.block(n.childForFieldName("consequence")),
      orelse,
      node: n,
    };
  }

  private funcDef(n: Node, decorators: Expr[]): Stmt {
    return {
      t: "def",
      name: n.childForFieldName("name")?.text ?? "_",
      params: this.params(n.childForFieldName("parameters")),
      body: this.block(n.childForFieldName("body")),
      decorators,
      node: n,
    };
  }

  private classDef(n: Node, decorators: Expr[]): Stmt {
    const bases = this.argList(n.childForFieldName("superclasses"));
    return {
      t: "class",
      name: n.childForFieldName("name")?.text ?? "_",
      bases,
      body: this.block(n.childForFieldName("body")),
      decorators,
      node: n,
    };
  }

  private withStmt(n: Node): Stmt {
    const items: WithItem[] = [];
    const clause = n.namedChildren.find((c) => c?.type === "with_clause");
    for (const it of clause?.namedChildren ?? []) {
      if (!it || it.type !== "with_item") continue;
      const v = it.childForFieldName("value");
      if (v?.type === "as_pattern") {
        const alias = v.childForFieldName("alias");
        items.push({ ctx: this.expr(v.namedChildren[0] ?? null), target: alias ? this.expr(alias) : null });
      } else items.push({ ctx: this.expr(v), target: null });
    }
    return { t: "with", items, body: this.block(n.childForFieldName("body")), node: n };
  }

  private tryStmt(n: Node): Stmt {
    const handlers: Stmt[][] = [];
    let orelse: Stmt[] = [];
    let final: Stmt[] = [];
    for (const c of n.namedChildren) {
      if (!c) continue;
      if (c.type === "except_clause" || c.type === "except_group_clause")
        handlers.push(this.block(c.namedChildren.find((x) => x?.type === "block") ?? null));
      else if (c.type === "else_clause") orelse = this.block(c.childForFieldName("body"));
      else if (c.type === "finally_clause")
        final = this.block(c.namedChildren.find((x) => x?.type === "block") ?? null);
    }
    return { t: "try", body: this.block(n.childForFieldName("body")), handlers, orelse, final, node: n };
  }

  private importNames(n: Node): Array<{ name: string; alias: string | null }> {
    const out: Array<{ name: string; alias: string | null }> = [];
    for (const c of n.childrenForFieldName("name")) {
      if (!c) continue;
      if (c.type === "aliased_import")
        out.push({ name: c.childForFieldName("name")?.text ?? "", alias: c.childForFieldName("alias")?.text ?? null });
      else out.push({ name: c.text, alias: null });
    }
    return out;
  }

  private importFrom(n: Node): Stmt {
    const mod = n.childForFieldName("module_name");
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
