// Finds the Python files to check and reads them safely: binary, non-UTF-8 and huge files
// become a notice instead of an analysis (or a crash).
import { type Dirent, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { MAX_ANALYZED_BYTES } from "../analysis/analyze";
import { decodeSource } from "../lsp/workspaceReader";

/**
 * Folders of dependencies and build output, never the user's training scripts. The names follow
 * ruff's default `exclude` list (plus __pycache__); hidden folders are skipped separately.
 */
const SKIPPED_DIRS = new Set([
  "node_modules",
  "__pycache__",
  "__pypackages__",
  "site-packages",
  "venv",
  "dist",
  "_build",
  "buck-out",
]);

function isSkippedDir(dir: string, entry: Dirent): boolean {
  if (entry.name.startsWith(".")) return true; // .git, .venv, .tox, .mypy_cache…
  if (SKIPPED_DIRS.has(entry.name)) return true;
  return existsSync(join(dir, entry.name, "pyvenv.cfg")); // a virtual environment by any name
}

/** Every *.py under `dir`, sorted, not following symlinked folders (no cycles). */
export function walkPython(dir: string, out: string[] = []): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.isDirectory()) {
      if (!isSkippedDir(dir, entry)) walkPython(join(dir, entry.name), out);
    } else if (entry.isFile() && entry.name.endsWith(".py")) {
      out.push(join(dir, entry.name));
    }
  }
  return out;
}

export interface CollectedPaths {
  files: string[];
  /** Named paths that do not exist: a usage error. */
  missing: string[];
}

/** Expands the command line's paths: files as given (any extension), folders walked. */
export function collectFiles(paths: string[]): CollectedPaths {
  const files: string[] = [];
  const missing: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      missing.push(p);
      continue;
    }
    if (isDir) walkPython(abs, files);
    else files.push(abs);
  }
  return { files: [...new Set(files)], missing };
}

export type SourceRead = { ok: true; text: string } | { ok: false; notice: string; ioError: boolean };

export function readSource(path: string): SourceRead {
  try {
    const stat = statSync(path);
    // A FIFO or device named on the command line would block the read forever.
    if (!stat.isFile()) return { ok: false, ioError: false, notice: "Not analysed: not a regular file." };
    const size = stat.size;
    if (size > MAX_ANALYZED_BYTES) {
      return {
        ok: false,
        ioError: false,
        notice: `Not analysed: ${(size / 1e6).toFixed(1)} MB is over the ${MAX_ANALYZED_BYTES / 1e6} MB limit for training scripts.`,
      };
    }
    const text = decodeSource(readFileSync(path));
    if (text === null) {
      return { ok: false, ioError: false, notice: "Not analysed: binary or not UTF-8 text." };
    }
    return { ok: true, text };
  } catch (err) {
    return { ok: false, ioError: true, notice: `Not analysed: cannot read the file (${(err as Error).message}).` };
  }
}
