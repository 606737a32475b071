// Name resolution: a function's locals, its enclosing closures, the module globals, builtins.
// Class bodies get their own scope that methods skip, as in Python.
import type { Value } from "./values";

export class Scope {
  readonly vars = new Map<string, Value>();
  /** Names declared `global`/`nonlocal` here: assignments go to the scope that owns them. */
  private declared: Set<string> | null = null;

  constructor(
    readonly parent: Scope | null,
    /** The module scope this one belongs to (itself at module level). */
    globals: Scope | null,
    readonly isClass = false,
  ) {
    this.globals = globals ?? this;
  }

  readonly globals: Scope;
  /** Class bodies: annotated names in order (dataclass / NamedTuple fields). */
  annotations: string[] | undefined;

  lookup(name: string): Value | undefined {
    let s: Scope | null = this;
    while (s) {
      const v = s.vars.get(name);
      if (v !== undefined) return v;
      s = s.parent;
      // Class scopes are not visible from the methods defined inside them.
      while (s?.isClass && s !== this) s = s.parent;
    }
    return undefined;
  }

  set(name: string, v: Value): void {
    if (this.declared?.has(name)) {
      let s: Scope | null = this.parent;
      while (s && !s.vars.has(name) && s !== this.globals) s = s.parent;
      (s ?? this.globals).vars.set(name, v);
      return;
    }
    this.vars.set(name, v);
  }

  declareOuter(name: string): void {
    if (!this.declared) this.declared = new Set();
    this.declared.add(name);
  }

  /** The scope new functions close over: class bodies are skipped. */
  closureScope(): Scope {
    let s: Scope = this;
    while (s.isClass && s.parent) s = s.parent;
    return s;
  }
}
