// A compact Python AST lowered once from the tree-sitter tree: the interpreter walks plain JS
// objects (fast to revisit in loops and forward traces) and keeps the tree-sitter node only for ranges.
import type { Node } from "web-tree-sitter";

export interface Param {
  name: string;
  kind: "pos" | "kwonly" | "star" | "starstar";
  default: Expr | null;
}

export interface CallArg {
  /** null for positional and `*x`; "**" for `**x`. */
  name: string | null;
  star: boolean;
  value: Expr;
}

export type CompClause = { kind: "for"; target: Expr; iter: Expr } | { kind: "if"; cond: Expr };

export type Expr = { node: Node } & (
  | { t: "name"; id: string }
  | { t: "num"; v: number; int: boolean }
  | { t: "str"; v: string }
  | { t: "fstr"; parts: Array<string | Expr> }
  | { t: "const"; v: boolean | null }
  | { t: "attr"; obj: Expr; name: string }
  | { t: "sub"; obj: Expr; index: Expr }
  | { t: "slice"; lo: Expr | null; hi: Expr | null; step: Expr | null }
  | { t: "call"; fn: Expr; args: CallArg[] }
  | { t: "bin"; op: string; l: Expr; r: Expr }
  | { t: "unary"; op: string; e: Expr }
  | { t: "not"; e: Expr }
  | { t: "bool"; op: "and" | "or"; l: Expr; r: Expr }
  | { t: "cmp"; ops: string[]; operands: Expr[] }
  | { t: "tuple" | "list" | "set"; items: Expr[] }
  | { t: "dict"; entries: Array<{ key: Expr | null; value: Expr }> }
  | { t: "comp"; kind: "list" | "set" | "gen" | "dict"; elt: Expr; key: Expr | null; clauses: CompClause[] }
  | { t: "ifexp"; cond: Expr; a: Expr; b: Expr }
  | { t: "lambda"; params: Param[]; body: Expr }
  | { t: "star"; e: Expr }
  | { t: "walrus"; name: string; e: Expr }
  | { t: "error"; why: string }
);

export interface WithItem {
  ctx: Expr;
  target: Expr | null;
}

export interface FuncDef {
  name: string;
  params: Param[];
  body: Stmt[];
  decorators: Expr[];
  node: Node;
}

export type Stmt = { node: Node } & (
  | { t: "expr"; e: Expr }
  | { t: "assign"; targets: Expr[]; value: Expr }
  | { t: "annassign"; target: Expr; value: Expr | null; annotation: Expr | null }
  | { t: "augassign"; target: Expr; op: string; value: Expr }
  | { t: "if"; cond: Expr; body: Stmt[]; orelse: Stmt[] }
  | { t: "for"; target: Expr; iter: Expr; body: Stmt[]; orelse: Stmt[] }
  | { t: "while"; cond: Expr; body: Stmt[]; orelse: Stmt[] }
  | ({ t: "def" } & FuncDef)
  | { t: "class"; name: string; bases: CallArg[]; body: Stmt[]; decorators: Expr[] }
  | { t: "return"; value: Expr | null }
  | { t: "pass" | "break" | "continue" }
  | { t: "with"; items: WithItem[]; body: Stmt[] }
  | { t: "try"; body: Stmt[]; handlers: Stmt[][]; orelse: Stmt[]; final: Stmt[] }
  | { t: "import"; names: Array<{ module: string; alias: string | null }> }
  | { t: "importfrom"; module: string; level: number; names: Array<{ name: string; alias: string | null }> | "*" }
  | { t: "del"; targets: Expr[] }
  | { t: "global"; names: string[] }
  | { t: "raise" }
  | { t: "assert"; test: Expr | null }
  | { t: "error"; why: string }
);
