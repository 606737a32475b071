// Where FP180's int8 copy is written: beside the file the script itself saves — derived from the
// save's path expression (torch.save, torch.jit.script/trace(...).save, torch.jit.save, onnx) —
// and only in the working directory when the script's path cannot be rewritten safely.
import type { Node } from "web-tree-sitter";
import { keywordArgument } from "../fixes/codeShapes";

/** Positional argument `i` of a call (comments skipped), or null. */
export function positional(call: Node, i: number): Node | null {
  const args = call.childForFieldName("arguments")?.namedChildren ?? [];
  return args.filter((a): a is Node => !!a && a.type !== "comment" && a.type !== "keyword_argument")[i] ?? null;
}

/** Positional `i`, else the keyword `name`'s value. */
function argument(call: Node, i: number, name: string): Node | null {
  return positional(call, i) ?? keywordArgument(call, name)?.childForFieldName("value") ?? null;
}

/** "convnet.pt" → "convnet.int8.pt" for a string-literal path, else `fallback`. */
export function int8Path(arg: Node | null, fallback: string, ext: string): string {
  const m = arg?.type === "string" ? /^(['"])([^'"{}\\]+)\1$/.exec(arg.text) : null;
  if (!m) return fallback;
  const name = m[2].replace(/\/+$/, "");
  const dot = name.lastIndexOf(".");
  const stem = dot > name.lastIndexOf("/") + 0 && dot > 0 ? name.slice(0, dot) : name;
  return `${stem}${ext}`;
}

/** A name or attribute chain (`out_dir`, `args.out_dir`): evaluating it again has no side effect. */
export const PLAIN = new Set(["identifier", "attribute"]);

/**
 * The int8 copy's path beside the fp32 one when that path is joined from a folder and a file name:
 * `os.path.join(args.out_dir, "tagger.pt")` → `os.path.join(args.out_dir, "tagger.int8.pt")`,
 * `out / "model.pt"` likewise. Only when every other part is a name, so repeating the expression
 * has no side effect; null otherwise.
 */
export function joinedInt8Path(arg: Node | null, ext: string): string | null {
  if (!arg) return null;
  let last: Node | null = null;
  if (arg.type === "call" && /^(os\.path\.join|path\.join|join)$/.test(arg.childForFieldName("function")?.text ?? "")) {
    const parts = (arg.childForFieldName("arguments")?.namedChildren ?? []).filter((n): n is Node => !!n);
    if (parts.length < 2 || !parts.slice(0, -1).every((n) => PLAIN.has(n.type) || n.type === "string")) return null;
    last = parts[parts.length - 1];
  } else if (arg.type === "binary_operator" && ["/", "+"].includes(arg.childForFieldName("operator")?.text ?? "")) {
    if (!PLAIN.has(arg.childForFieldName("left")?.type ?? "")) return null;
    last = arg.childForFieldName("right");
  }
  const m = last?.type === "string" ? /^(['"])([^'"{}\\]+)\1$/.exec(last.text) : null;
  if (!last || !m) return null;
  const renamed = int8Path(last, "", ext);
  if (!renamed) return null;
  const offset = last.startIndex - arg.startIndex;
  return `${arg.text.slice(0, offset)}${m[1]}${renamed}${m[1]}${arg.text.slice(offset + last.text.length)}`;
}

/**
 * The path expression a deployment save writes to, and the statement after which the int8 copy
 * goes (the save's, so every name the path uses is bound). `call` is the traced save call:
 * - `torch.save(obj, path)`;
 * - `torch.jit.script(m).save(path)` / `torch.jit.trace(m, x).save(path)`;
 * - `torch.jit.save(torch.jit.script(m), path)`;
 * - `scripted = torch.jit.script(m)` followed in the same block by `scripted.save(path)` or
 *   `torch.jit.save(scripted, path)`;
 * - `torch.onnx.export(m, args, f)`.
 * A null path: the script's own path was not found.
 */
export function savePath(how: string, call: Node, stmt: Node): { path: Node | null; anchor: Node } {
  if (how === "torch.save") return { path: argument(call, 1, "f"), anchor: stmt };
  if (how === "torch.onnx.export") return { path: argument(call, 2, "f"), anchor: stmt };
  const parent = call.parent;
  // torch.jit.script(m).save(path)
  if (parent?.type === "attribute" && parent.childForFieldName("attribute")?.text === "save") {
    const outer = parent.parent;
    if (outer?.type === "call") return { path: argument(outer, 0, "f"), anchor: stmt };
  }
  // torch.jit.save(torch.jit.script(m), path)
  const outer = parent?.type === "argument_list" ? parent.parent : null;
  if (outer?.type === "call" && isJitSave(outer) && positional(outer, 0)?.id === call.id)
    return { path: argument(outer, 1, "f"), anchor: stmt };
  // scripted = torch.jit.script(m) … scripted.save(path)
  const assign = stmt.firstNamedChild;
  const target = assign?.type === "assignment" ? assign.childForFieldName("left") : null;
  if (target?.type === "identifier" && assign?.childForFieldName("right")?.id === call.id) {
    for (let s = stmt.nextNamedSibling; s; s = s.nextNamedSibling) {
      const found = saveOf(s, target.text);
      if (found) return { path: found, anchor: s };
      // Rebinding the name ends the search: a later save is of something else.
      if (s.type === "expression_statement" && s.firstNamedChild?.type === "assignment") {
        if (s.firstNamedChild.childForFieldName("left")?.text === target.text) break;
      }
    }
  }
  return { path: null, anchor: stmt };
}

const isJitSave = (call: Node) => /(^|\.)jit\.save$/.test(call.childForFieldName("function")?.text ?? "");

/** The path of `name.save(path)` or `torch.jit.save(name, path)` when `stmt` is that call. */
function saveOf(stmt: Node, name: string): Node | null {
  const call = stmt.type === "expression_statement" ? stmt.firstNamedChild : null;
  if (call?.type !== "call") return null;
  const fn = call.childForFieldName("function");
  if (fn?.type === "attribute" && fn.childForFieldName("attribute")?.text === "save") {
    if (fn.childForFieldName("object")?.text === name) return argument(call, 0, "f");
  }
  if (isJitSave(call) && positional(call, 0)?.text === name) return argument(call, 1, "f");
  return null;
}
