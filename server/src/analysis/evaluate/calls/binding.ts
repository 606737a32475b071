// Binding call arguments to a Python function's parameters: positionals, keywords, defaults,
// *args and **kwargs. A missing argument binds Unknown so the body still runs.
import type { Node } from "web-tree-sitter";
import type { Param } from "../ast";
import type { Interp } from "../interp";
import type { Scope } from "../scope";
import { dictFrom, type Kw, openKw, str, unknown, type Value } from "../values";

export function bindParams(
  _ip: Interp,
  params: Param[],
  defaults: Map<string, Value>,
  args: Value[],
  kw: Kw,
  scope: Scope,
  node: Node | null,
  fname: string,
): void {
  let i = 0;
  let used: Set<string> | null = null;
  for (const p of params) {
    switch (p.kind) {
      case "pos":
      case "kwonly": {
        let v: Value | undefined;
        if (p.kind === "pos" && i < args.length) v = args[i++];
        else if (kw.has(p.name)) {
          v = kw.get(p.name);
          (used ??= new Set()).add(p.name);
        } else {
          // `f(**cfg)` with cfg read at run time may set this parameter: its default is not known to run.
          const open = openKw(kw);
          v = open ? unknown(`${fname}(): '${p.name}' may be set by ${open}`, node) : defaults.get(p.name);
        }
        scope.vars.set(p.name, v ?? unknown(`${fname}() called without argument '${p.name}'`, node));
        break;
      }
      case "star":
        scope.vars.set(p.name, { k: "tuple", items: args.slice(i) });
        i = args.length;
        break;
      case "starstar": {
        const rest: Array<[Value, Value]> = [];
        // `*args` cannot be passed by keyword: `args=` (Trainer's TrainingArguments) lands here.
        for (const [k, v] of kw)
          if (!used?.has(k) && !params.some((q) => q.name === k && (q.kind === "pos" || q.kind === "kwonly")))
            rest.push([str(k), v]);
        scope.vars.set(p.name, dictFrom(rest));
        break;
      }
    }
  }
}
