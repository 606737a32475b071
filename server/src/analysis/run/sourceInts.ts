// Integers a guard names (`% accum_steps`), read from the source where the trace does not carry
// them: literals, assignments in the enclosing functions or at module level, a parameter's default
// or the argument its call sites pass, argparse defaults, dataclass / class-body fields, dict keys.
import type { Node } from "web-tree-sitter";
import { assignmentsIn, callSites, classDefinitions, keywordSites, pairSites } from "./sourceIndex";

// Hops such as name → parameter → call-site argument → `args.x` → argparse default; real scripts
// pass a setting through two or three functions at most, and the bound keeps the lookup cheap.
const MAX_DEPTH = 5;

/** The integer `expr` evaluates to when the source states it unambiguously; null otherwise. */
export function integerAt(root: Node, expr: Node, depth = 0): number | null {
  if (depth > MAX_DEPTH) return null;
  switch (expr.type) {
    case "integer":
      return /^\d[\d_]*$/.test(expr.text) ? Number(expr.text.replace(/_/g, "")) : null;
    case "parenthesized_expression": {
      const inner = expr.namedChild(0);
      return inner ? integerAt(root, inner, depth + 1) : null;
    }
    case "call": {
      // int(x) around a value that is already an integer
      const arg = expr.childForFieldName("arguments")?.namedChild(0);
      return expr.childForFieldName("function")?.text === "int" && arg ? integerAt(root, arg, depth + 1) : null;
    }
    case "binary_operator": {
      // `args.epochs + 1` (a 1-based `range(start, epochs + 1)`): sums and differences only.
      const op = expr.childForFieldName("operator")?.text;
      const l = expr.childForFieldName("left");
      const r = expr.childForFieldName("right");
      if ((op !== "+" && op !== "-") || !l || !r) return null;
      const a = integerAt(root, l, depth + 1);
      const b = a === null ? null : integerAt(root, r, depth + 1);
      return a === null || b === null ? null : op === "+" ? a + b : a - b;
    }
    case "identifier":
      return nameValue(root, expr, expr.text, depth);
    case "attribute": {
      const attr = expr.childForFieldName("attribute")?.text;
      return attr ? fieldDefault(root, attr) : null;
    }
    case "subscript": {
      const key = expr.childForFieldName("subscript");
      return key?.type === "string" ? dictValue(root, key.text.slice(1, -1)) : null;
    }
    default:
      return null;
  }
}

/** A bare name: assigned in an enclosing function, a parameter of one, or assigned at module level. */
function nameValue(root: Node, at: Node, name: string, depth: number): number | null {
  for (let fn = enclosing(at, "function_definition"); fn; fn = enclosing(fn, "function_definition")) {
    const body = fn.childForFieldName("body");
    const assigned = body ? assignedIn(body, name) : null;
    if (assigned) return integerAt(root, assigned, depth + 1);
    const fromParam = parameterValue(root, fn, name, depth);
    if (fromParam !== undefined) return fromParam;
  }
  const top = assignedIn(root, name);
  return top ? integerAt(root, top, depth + 1) : null;
}

/** Right-hand side of the one `name = …` in a block (nested functions and classes excluded); null if none or several. */
function assignedIn(block: Node, name: string): Node | null {
  return assignmentsIn(block).get(name) ?? null;
}

/**
 * `undefined` when `name` is not a parameter of `fn`; else its value: the argument every call site
 * of `fn` passes (by position or keyword) when they agree, else its default.
 */
function parameterValue(root: Node, fn: Node, name: string, depth: number): number | null | undefined {
  const params = fn.childForFieldName("parameters")?.namedChildren ?? [];
  const index = params.findIndex((p) => paramName(p) === name);
  if (index < 0) return undefined;
  const p = params[index] as Node;
  const fname = fn.childForFieldName("name")?.text;
  const isMethod = enclosing(fn, "class_definition") !== null && paramName(params[0]) === "self";
  const values: number[] = [];
  for (const { node: call, callee } of fname ? callSites(root) : []) {
    if (callee !== fname && !callee.endsWith(`.${fname}`)) continue;
    const args = call.childForFieldName("arguments")?.namedChildren ?? [];
    const kw = args.find((a) => a?.type === "keyword_argument" && a.childForFieldName("name")?.text === name);
    const positional = args.filter((a) => a && a.type !== "keyword_argument" && !a.type.includes("splat"));
    const arg = kw?.childForFieldName("value") ?? positional[isMethod ? index - 1 : index];
    if (!arg) continue; // this call leaves the default
    const v = integerAt(root, arg, depth + 1);
    if (v === null) return null;
    values.push(v);
  }
  if (values.length > 0) return values.every((v) => v === values[0]) ? values[0] : null;
  const dflt = p.type.includes("default") ? p.childForFieldName("value") : null;
  return dflt ? integerAt(root, dflt, depth + 1) : null;
}

function paramName(p: Node | null | undefined): string | null {
  if (!p) return null;
  if (p.type === "identifier") return p.text;
  const n = p.childForFieldName("name") ?? p.namedChild(0);
  return n?.type === "identifier" ? n.text : null;
}

/**
 * `cfg.name` / `args.name`: an argparse option's default, else the integer every `name=` keyword
 * passes, else a class-body field `name: int = N`.
 */
function fieldDefault(root: Node, name: string): number | null {
  const flags = new Set([`--${name}`, `--${name.replace(/_/g, "-")}`]);
  for (const { node: call, callee } of callSites(root)) {
    if (!callee.endsWith("add_argument")) continue;
    const args = call.childForFieldName("arguments")?.namedChildren ?? [];
    const names = args.filter((a) => a?.type === "string").map((a) => a?.text.slice(1, -1));
    if (!names.some((n) => n && flags.has(n))) continue;
    const d = args.find((a) => a?.type === "keyword_argument" && a.childForFieldName("name")?.text === "default");
    const v = d?.childForFieldName("value");
    return v?.type === "integer" ? integerAt(root, v) : null;
  }
  // `Config(accum=8)` overrides the field's default: a keyword of that name every call agrees on.
  const passed = new Set<number | null>();
  for (const kw of keywordSites(root)) {
    const v = kw.name === name ? kw.value : null;
    if (v) passed.add(v.type === "integer" ? integerAt(root, v) : null);
  }
  if (passed.size > 0) {
    const [only] = [...passed];
    return passed.size === 1 ? only : null;
  }
  for (const cls of classDefinitions(root)) {
    for (const st of cls.childForFieldName("body")?.namedChildren ?? []) {
      const a = st?.type === "expression_statement" ? st.namedChild(0) : null;
      if (a?.type === "assignment" && a.childForFieldName("left")?.text === name) {
        const v = a.childForFieldName("right");
        if (v?.type === "integer") return integerAt(root, v);
      }
    }
  }
  return null;
}

/** `config["name"]`: the integer of a `"name": N` pair in a dict literal. */
function dictValue(root: Node, key: string): number | null {
  for (const { key: k, value: v } of pairSites(root)) {
    if (k === key && v?.type === "integer") return integerAt(root, v);
  }
  return null;
}

function enclosing(n: Node, type: string): Node | null {
  for (let p = n.parent; p; p = p.parent) if (p.type === type) return p;
  return null;
}
