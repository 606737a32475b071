// Cross-file freshness: the reader an analysis gets serves open documents' unsaved text before
// the disk, and records what each workspace path held when it was read (null for a miss), so the
// store re-analyses a document only when one of those paths now holds something else.
import { resolve } from "node:path";
import type { WorkspaceReader } from "../analysis/workspace";
import { isInside } from "./workspaceReader";

/** What one analysis read: absolute path → the text it saw, or null when nothing was there. */
export type ReadRecord = Map<string, string | null>;

export interface RecordingReader extends WorkspaceReader {
  readonly record: ReadRecord;
}

/**
 * A reader that answers from `openText` (the editor's buffers, keyed by absolute path) before
 * `base` (the disk). The workspace bounds still apply to open buffers: an import resolves only
 * inside the roots, whichever side holds the text.
 */
export function overlayReader(base: WorkspaceReader, openText: (path: string) => string | undefined): RecordingReader {
  const record: ReadRecord = new Map();
  return {
    roots: base.roots,
    record,
    readFile(absPath: string): string | null {
      const path = resolve(absPath);
      const known = record.get(path);
      if (known !== undefined) return known;
      const open = base.roots.some((root) => isInside(root, path)) ? openText(path) : undefined;
      const text = open ?? base.readFile(path);
      record.set(path, text);
      return text;
    },
  };
}

/**
 * The paths among `changed` whose content differs from what `record` saw, as `now` reads them.
 * An unchanged save, or opening a file whose buffer equals the disk, re-analyses nothing.
 */
export function staleReads(record: ReadRecord, changed: Iterable<string>, now: WorkspaceReader): string[] {
  const stale: string[] = [];
  for (const raw of changed) {
    const path = resolve(raw);
    if (!record.has(path)) continue;
    if (now.readFile(path) !== record.get(path)) stale.push(path);
  }
  return stale;
}
