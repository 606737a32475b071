// Reads `[tool.footprint]` from the pyproject.toml nearest a file, for both the server and the
// CLI, so the editor and CI price a script with the same project settings.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, parse as parsePath, relative } from "node:path";
import { parse as parseToml } from "smol-toml";

export interface ProjectSettings {
  /** The pyproject.toml that was read, or null when none was found. */
  file: string | null;
  /** The `[tool.footprint]` table with keys in camelCase, ready for resolveSettings. */
  values: Record<string, unknown> | null;
  /** Why the file could not be used (bad TOML, `tool.footprint` not a table). */
  problems: string[];
}

/** The nearest pyproject.toml at or above `dir`, never above `stopAt` when one is given. */
export function findPyproject(dir: string, stopAt?: string): string | null {
  let current = dir;
  for (;;) {
    const candidate = join(current, "pyproject.toml");
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    if (stopAt && (current === stopAt || relative(stopAt, current).startsWith(".."))) return null;
    const parent = dirname(current);
    if (parent === current || current === parsePath(current).root) return null;
    current = parent;
  }
}

/** Python projects spell keys `device_count` or `device-count`; the settings use `deviceCount`. */
export function camelKey(key: string): string {
  return key.replace(/[-_]+([a-z0-9])/gi, (_m, c: string) => c.toUpperCase());
}

/** Reads and normalises `[tool.footprint]`; never throws. */
export function readProjectSettings(file: string): ProjectSettings {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    return { file, values: null, problems: [`${file}: cannot read (${(err as Error).message})`] };
  }
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (err) {
    const first = (err as Error).message.split("\n")[0];
    return { file, values: null, problems: [`${file}: not valid TOML (${first}); [tool.footprint] ignored`] };
  }
  const tool = doc.tool as Record<string, unknown> | undefined;
  const table = tool && typeof tool === "object" ? tool.footprint : undefined;
  if (table === undefined) return { file, values: null, problems: [] };
  if (!table || typeof table !== "object" || Array.isArray(table)) {
    return { file, values: null, problems: [`${file}: [tool.footprint] must be a table; ignored`] };
  }
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(table as Record<string, unknown>)) {
    // Rule codes inside `rules` stay as written ("FP110"); only top-level keys are renamed.
    values[camelKey(key)] = value;
  }
  return { file, values, problems: [] };
}

/** Finds and reads the project settings that apply to a file in `dir`. */
export function projectSettingsFor(dir: string, stopAt?: string): ProjectSettings {
  const file = findPyproject(dir, stopAt);
  return file ? readProjectSettings(file) : { file: null, values: null, problems: [] };
}
