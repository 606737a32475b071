// How the pure core reads other workspace files (imports): injected, so the core does no I/O
// of its own and tests can hand it an in-memory workspace.

export interface WorkspaceReader {
  /** Workspace roots; imports never resolve outside them. */
  roots: string[];
  /** Text of an absolute path, or null when missing, unreadable, binary or outside the roots. */
  readFile(absPath: string): string | null;
}

export const EMPTY_WORKSPACE: WorkspaceReader = { roots: [], readFile: () => null };
