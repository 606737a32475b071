// The WorkspaceReader the server hands the analyzer: reads files for `import`s, but only inside
// the workspace folders, only text, and only files small enough to be source code.
import { readFileSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { WorkspaceReader } from "../analysis/workspace";

/** Larger files are generated code or data, not modules a training script imports. */
export const MAX_IMPORTED_FILE_BYTES = 2 * 1024 * 1024;

/** A file system path for `file:` URIs; other schemes (untitled:) keep the URI as their name. */
export function uriToPath(uri: string): string {
  if (!uri.startsWith("file:")) return uri;
  try {
    return fileURLToPath(uri);
  } catch {
    return uri;
  }
}

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes source text, or null for binary or non-UTF-8 bytes. */
export function decodeSource(bytes: Uint8Array): string | null {
  if (bytes.includes(0)) return null;
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/** The path with symlinks resolved, or null when it does not exist. */
function real(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

export function createWorkspaceReader(roots: readonly string[]): WorkspaceReader {
  const absRoots = roots.map((r) => resolve(r));
  // Containment is checked on real paths too: a symlink inside the workspace that points
  // outside it (pkg/link.py → /elsewhere/secret.py) must not be followed (test/unit/security.test.ts).
  const realRoots = absRoots.map((r) => real(r) ?? r);
  return {
    roots: absRoots,
    readFile(absPath: string): string | null {
      const path = resolve(absPath);
      if (!absRoots.some((root) => isInside(root, path))) return null;
      const target = real(path);
      if (target === null || !realRoots.some((root) => isInside(root, target))) return null;
      try {
        const stat = statSync(target);
        if (!stat.isFile() || stat.size > MAX_IMPORTED_FILE_BYTES) return null;
        return decodeSource(readFileSync(target));
      } catch {
        return null;
      }
    },
  };
}
