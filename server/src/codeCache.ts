// Runs the language server bundle from a V8 code cache: compiling the 1.7 MB bundle and its first
// analysis' functions was over half of "server start → first diagnostics" (see docs/PERFORMANCE.md).
// Node 20, which VS Code's extension host provides, has no module compile cache of its own (22.1+).
import { createHash } from "node:crypto";
import {
  closeSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  type Stats,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname, join } from "node:path";
import vm from "node:vm";

/** Where boot.ts leaves the compiled bundle's `CodeCacheRun` for main.ts (null: loaded without). */
export const CODE_CACHE_HOOK = Symbol.for("footprint-lint.codeCache");

export type CodeCacheStatus = "used" | "created" | "rejected" | "off";

export interface CodeCacheRun {
  /** "created": no cache yet (or for another bundle); "rejected": V8 refused the file (it is rewritten). */
  status: CodeCacheStatus;
  /** Why the cache is off, when it is. */
  reason?: string;
  /** Runs the compiled bundle, as `require` would. */
  execute(): void;
  /**
   * Writes the cache from what has been compiled so far — call it after the first analysis, so
   * the functions that analysis needed are in it. Returns a line for the log, or null.
   */
  save(): string | null;
}

/**
 * Where the cache lives: FOOTPRINT_CACHE_DIR (the VS Code client sets it to the extension's
 * private global storage), else the user's cache folder. FOOTPRINT_CODE_CACHE=off disables it.
 */
export function codeCacheDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string | null {
  if (/^(off|0|false)$/i.test(env.FOOTPRINT_CODE_CACHE ?? "")) return null;
  if (env.FOOTPRINT_CACHE_DIR) return env.FOOTPRINT_CACHE_DIR;
  if (platform === "win32") return env.LOCALAPPDATA ? join(env.LOCALAPPDATA, "footprint-lint") : null;
  const base = env.XDG_CACHE_HOME || (home ? join(home, ".cache") : "");
  return base ? join(base, "footprint-lint") : null;
}

/**
 * A code cache is trusted code, so it is only read from a folder that this user owns and nobody
 * else can write to (on POSIX; Windows user profiles are private by default).
 */
export function privateFolder(dir: string): string | null {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory()) return "not a folder";
    return notPrivate(st);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Why a folder or file is not this user's alone (POSIX; Windows profiles are private), or null. */
function notPrivate(st: Stats): string | null {
  if (typeof process.getuid !== "function") return null;
  if (st.uid !== process.getuid()) return "owned by another user";
  if ((st.mode & 0o022) !== 0) return "writable by group or others";
  return null;
}

/**
 * Compiles the CommonJS bundle `file` with its code cache from `dir`; `execute()` then runs it.
 * Throws only here, before any of the bundle ran, so a caller can fall back to `require`.
 */
export function compileWithCodeCache(file: string, dir: string | null): CodeCacheRun {
  const bytes = readFileSync(file);
  const source = bytes.toString("utf8");
  const unsafe = dir === null ? "disabled" : privateFolder(dir);
  // The key covers the bundle's bytes and the engine: V8 itself only checks the source length.
  // (The bytes, not the string: hashing a string re-encodes it first, twice the time.)
  const key = createHash("sha256").update(bytes).update(process.version).update(process.arch).digest("hex");
  const cacheFile = dir && !unsafe ? join(dir, `server-${key.slice(0, 20)}.v8cache`) : null;
  const cached = cacheFile ? readOwnFile(cacheFile) : undefined;
  // No importModuleDynamically: Node 20 drops it from a script restored from a cache, so the
  // bundles are built without dynamic import() (build.mjs), and compileWithCodeCache refuses one.
  if (/[^\w$.]import\(/.test(source)) throw new Error(`${file} uses dynamic import(), which a cached script cannot`);
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData: cached });
  const status: CodeCacheStatus = !cacheFile
    ? "off"
    : !cached
      ? "created"
      : script.cachedDataRejected
        ? "rejected"
        : "used";
  let saved = false;
  return {
    status,
    reason: unsafe ?? undefined,
    execute() {
      const mod = new Module(file);
      mod.filename = file;
      mod.paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(dirname(file));
      script.runInThisContext().call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
      mod.loaded = true;
    },
    save() {
      if (saved || !cacheFile || status === "used") return null;
      saved = true;
      try {
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        renameSync(tmp, cacheFile);
        removeOtherCaches(dirname(cacheFile), cacheFile);
        return `footprint: code cache ${status === "rejected" ? "rewritten" : "written"} (${cacheFile})`;
      } catch (err) {
        return `footprint: code cache not written: ${err instanceof Error ? err.message : String(err)}`;
      }
    },
  };
}

/** The file's bytes when it is a regular file of this user's, else undefined (no cache). */
function readOwnFile(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || notPrivate(st)) return undefined;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Caches of earlier builds or engines are never read again: remove them. */
function removeOtherCaches(dir: string, keep: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path !== keep && /^server-[0-9a-f]{20}\.v8cache$/.test(name)) {
      try {
        unlinkSync(path);
      } catch {
        // Another server may be replacing it at the same moment; the next start tries again.
      }
    }
  }
}
