// `import` / `from … import`: native packages (torch, os, argparse… from stdlib.ts and
// frameworks/torch/package.ts), workspace files resolved relative to the script and the
// workspace roots (parsed with the injected parser, run once, cached, cycle-safe), else an
// opaque module whose attributes are Unknown.
import { dirname, join } from "node:path";
import type { Stmt } from "./ast";
import { getAttr } from "./attributes";
import type { Interp } from "./interp";
import { StmtLowerer } from "./lowerStmt";
import { Scope } from "./scope";
import { execBlock, type FrameResult } from "./statements";
import { fn, nativeModule } from "./nativeHelpers";
import { nativeRoot } from "./stdlib";
import { asString, type ModuleV, NONE, str, unknown, type Value } from "./values";

function opaqueModule(name: string): ModuleV {
  return { k: "module", name, attrs: new Map(), resolve: (attr) => opaqueModule(`${name}.${attr}`) };
}

// Each workspace file is read once per analysis: resolving an import used to read the file to see
// that it exists, and again to load it, on every import statement naming it (a 1,000-module
// workspace with cyclic imports read m0.py four times; test/unit/robustnessWorkspace.test.ts).
const texts = new WeakMap<Interp, Map<string, string | null>>();
function readOnce(ip: Interp, path: string): string | null {
  let seen = texts.get(ip);
  if (!seen) texts.set(ip, (seen = new Map()));
  if (!seen.has(path)) seen.set(path, ip.ctx.workspace.readFile(path));
  return seen.get(path) ?? null;
}

/** Absolute file for a dotted module name searched from `baseDirs`, or null. */
function findFile(ip: Interp, dotted: string, baseDirs: string[]): { path: string; isPackage: boolean } | null {
  const rel = dotted.split(".");
  for (const base of baseDirs) {
    const stem = join(base, ...rel);
    for (const [path, isPackage] of [
      [`${stem}.py`, false],
      [join(stem, "__init__.py"), true],
    ] as const) {
      if (readOnce(ip, path) !== null) return { path, isPackage };
    }
  }
  return null;
}

function searchDirs(ip: Interp): string[] {
  const dirs = [dirname(ip.currentFile), dirname(ip.ctx.path), ...ip.ctx.workspace.roots];
  return [...new Set(dirs)];
}

/** Runs a workspace file as a module (once per analysis; a cycle sees the partial module). */
export function loadFileModule(ip: Interp, path: string, name: string): ModuleV {
  const cached = ip.fileModules.get(path);
  if (cached && cached !== "loading") return cached;
  const text = readOnce(ip, path);
  const scope = new Scope(ip.builtins, null);
  const mod: ModuleV = { k: "module", name, attrs: scope.vars, resolve: null };
  ip.fileModules.set(path, mod);
  if (text === null) return mod;
  const tree = ip.ctx.parse(text);
  if (!tree) return mod;
  const root = tree.rootNode;
  const body = new StmtLowerer(root.hasError ? null : text).block(root);
  scope.vars.set("__name__", str(name));
  scope.vars.set("__file__", str(path));
  const saved = ip.currentFile;
  ip.currentFile = path;
  try {
    const frame: FrameResult = { ret: NONE };
    execBlock(ip, body, scope, frame);
  } finally {
    ip.currentFile = saved;
  }
  return mod;
}

/** The module for a dotted name, or null when neither native nor in the workspace. */
function resolveModule(ip: Interp, dotted: string, baseDirs: string[] | null): Value {
  const root = dotted.split(".")[0];
  const native = nativeRoot(ip, root);
  if (native && !baseDirs) {
    let v: Value = native;
    for (const part of dotted.split(".").slice(1)) v = getAttr(ip, v, part, null);
    return v.k === "unknown" ? opaqueModule(dotted) : v;
  }
  const found = findFile(ip, dotted, baseDirs ?? searchDirs(ip));
  if (found) return loadFileModule(ip, found.path, dotted);
  return opaqueModule(dotted);
}

export function execImport(ip: Interp, st: Extract<Stmt, { t: "import" }>, s: Scope): void {
  for (const { module, alias } of st.names) {
    if (alias) {
      s.set(alias, resolveModule(ip, module, null));
      continue;
    }
    // `import a.b.c` binds `a`; the submodules become its attributes.
    const parts = module.split(".");
    const top = resolveModule(ip, parts[0], null);
    s.set(parts[0], top);
    let parent = top;
    for (let i = 1; i < parts.length; i++) {
      const child = resolveModule(ip, parts.slice(0, i + 1).join("."), null);
      if (parent.k === "module" && !parent.resolve) parent.attrs.set(parts[i], child);
      parent = child;
    }
  }
}

export function execImportFrom(ip: Interp, st: Extract<Stmt, { t: "importfrom" }>, s: Scope): void {
  let baseDirs: string[] | null = null;
  if (st.level > 0) {
    let dir = dirname(ip.currentFile);
    for (let i = 1; i < st.level; i++) dir = dirname(dir);
    baseDirs = [dir];
  }
  if (st.module === "__future__") return;
  const mod = st.module ? resolveModule(ip, st.module, baseDirs) : null;
  if (st.names === "*") {
    if (mod?.k !== "module" || mod.resolve) return;
    // `__all__` is what a package re-exports (a private name listed there too); without it, the public names.
    const all = mod.attrs.get("__all__");
    const listed = all && (all.k === "list" || all.k === "tuple") ? all.items.map((x) => asString(x)) : [null];
    const names = listed.filter((n): n is string => n !== null);
    if (names.length === listed.length) {
      for (const n of names) {
        // A listed name the package never bound is its submodule, which Python imports for `*`.
        const sub = mod.attrs.has(n) ? null : findFile(ip, `${st.module}.${n}`, baseDirs ?? searchDirs(ip));
        s.set(
          n,
          sub ? loadFileModule(ip, sub.path, `${st.module}.${n}`) : (mod.attrs.get(n) ?? getAttr(ip, mod, n, st.node)),
        );
      }
      return;
    }
    for (const [k, v] of mod.attrs) if (!k.startsWith("_")) s.set(k, v);
    return;
  }
  for (const { name, alias } of st.names) {
    let v: Value = mod ? getAttr(ip, mod, name, st.node) : unknown(`cannot import ${name}`, st.node);
    if (v.k === "unknown" || !mod) {
      // `from pkg import submodule` (or `from . import models`).
      const sub = st.module ? `${st.module}.${name}` : name;
      const found = findFile(ip, sub, baseDirs ?? searchDirs(ip));
      if (found) v = loadFileModule(ip, found.path, sub);
      else if (v.k === "unknown") ip.note(`cannot resolve ${name} from ${st.module || "."}`, st.node);
    }
    s.set(alias ?? name, v);
  }
}

/**
 * `importlib.import_module(name, package=None)`: registries and `models.{cfg.arch}` launchers pick
 * a module by string. A known string loads it like an `import` statement (a leading dot is
 * relative to `package`); a name only known at launch stays an Unknown that says so, because the
 * model it builds would otherwise vanish without a word.
 */
export function importlibModule(): ModuleV {
  return nativeModule("importlib", {
    import_module: fn("importlib.import_module", (ip, [name, pkg], kw, node) => {
      let dotted = name ? asString(name) : null;
      const pkgName = asString(kw.get("package") ?? pkg ?? NONE);
      if (dotted?.startsWith(".")) {
        const level = dotted.length - dotted.replace(/^\.+/, "").length;
        const base = pkgName?.split(".").slice(0, pkgName.split(".").length - (level - 1));
        dotted = base && base.length > 0 ? [...base, dotted.slice(level)].filter(Boolean).join(".") : null;
      }
      if (!dotted) {
        const why = "importlib.import_module of a module name known only at launch";
        ip.note(why, node, "the model it builds is not counted; import the module directly to analyse it");
        return unknown(why, node);
      }
      const mod = resolveModule(ip, dotted, null);
      if (mod.k === "module" && mod.resolve && !nativeRoot(ip, dotted.split(".")[0])) {
        ip.note(`importlib.import_module("${dotted}") names no workspace file`, node);
      }
      return mod;
    }),
  });
}

/**
 * The object a dotted path names (`src.models.cnn.SimpleCNN`, `torch.optim.Adam`): the longest
 * prefix that is a native package or a workspace module, then attributes. Null when none is.
 */
export function objectByPath(ip: Interp, dotted: string): Value | null {
  const parts = dotted.split(".");
  for (let i = parts.length - 1; i >= 1; i--) {
    const modName = parts.slice(0, i).join(".");
    const isNative = nativeRoot(ip, parts[0]) !== null;
    if (!isNative && !findFile(ip, modName, searchDirs(ip))) continue;
    let v: Value = resolveModule(ip, modName, null);
    for (const attr of parts.slice(i)) v = getAttr(ip, v, attr, null);
    return v;
  }
  return null;
}
