// Reads `# footprint: …` comments: facts the user states where the code cannot tell
// (input shape, samples, epochs, device) and rule suppressions.
import type { Range } from "./types";

export interface Directives {
  /** Per-sample input shape, e.g. [3, 224, 224], with the directive's line. */
  input: { shape: number[]; line: number } | null;
  samples: { value: number; line: number } | null;
  epochs: { value: number; line: number } | null;
  device: { id: string; count: number; line: number } | null;
  /** The trained model's parameters when the code cannot size it (a private checkpoint). */
  params: { value: number; line: number } | null;
  /** Forward FLOPs per sample when no input shape can reach the model. */
  flops: { value: number; line: number } | null;
  /** Line (0-based) → codes suppressed on that line ("*" = all). */
  ignoreLines: Map<number, Set<string>>;
  /** Codes suppressed for the whole file ("*" = all). */
  ignoreFile: Set<string>;
  /** Directives that could not be read, with why. */
  problems: Array<{ message: string; range: Range }>;
}

const DIRECTIVE = /#\s*footprint:\s*(.*)$/;

/**
 * Parses every directive in the text. Only comments count: the regex runs per line on the part after a `#`.
 * Sizes accept "x" or "×" (\u00d7), written as an escape: esbuild escapes non-ASCII in strings but not in
 * regex literals, and one such character makes V8 hold the whole server bundle as a two-byte string.
 */
export function parseDirectives(text: string, lines: readonly string[] = text.split(/\r?\n/)): Directives {
  const d: Directives = {
    input: null,
    samples: null,
    epochs: null,
    device: null,
    params: null,
    flops: null,
    ignoreLines: new Map(),
    ignoreFile: new Set(),
    problems: [],
  };
  for (let line = 0; line < lines.length; line++) {
    const m = DIRECTIVE.exec(lines[line]);
    if (!m) continue;
    const body = m[1].trim();
    const at: Range = {
      start: { line, character: m.index },
      end: { line, character: lines[line].length },
    };
    const fail = (message: string) => d.problems.push({ message, range: at });
    let mm: RegExpExecArray | null;
    if ((mm = /^ignore(-file)?(?:\[([^\]]*)\])?$/.exec(body))) {
      const codes = mm[2]
        ? mm[2]
            .split(",")
            .map((c) => c.trim().toUpperCase())
            .filter(Boolean)
        : ["*"];
      if (mm[1]) for (const c of codes) d.ignoreFile.add(c);
      else {
        const set = d.ignoreLines.get(line) ?? new Set<string>();
        for (const c of codes) set.add(c);
        d.ignoreLines.set(line, set);
      }
    } else if ((mm = /^input\s+(\d+(?:\s*[x\u00d7,]\s*\d+)*)$/i.exec(body))) {
      d.input = { shape: mm[1].split(/\s*[x\u00d7,]\s*/).map(Number), line };
    } else if ((mm = /^(samples|epochs)\s+([\d_,]+)$/i.exec(body))) {
      const value = Number(mm[2].replace(/[_,]/g, ""));
      if (!Number.isFinite(value) || value <= 0) fail(`footprint: ${mm[1]} needs a positive whole number`);
      else d[mm[1].toLowerCase() as "samples" | "epochs"] = { value, line };
    } else if ((mm = /^(params|flops)\s+(\S+)$/i.exec(body))) {
      const value = quantity(mm[2]);
      if (value === null) fail(`footprint: ${mm[1]} needs a positive number such as 110M, 7B or 2.2e9`);
      else d[mm[1].toLowerCase() as "params" | "flops"] = { value, line };
    } else if ((mm = /^device\s+([\w.-]+)(?:\s*[x\u00d7]\s*(\d+))?$/i.exec(body))) {
      d.device = { id: mm[1].toLowerCase(), count: mm[2] ? Number(mm[2]) : 1, line };
    } else {
      fail(
        `unknown footprint directive "${body}": expected input 3x224x224, samples N, epochs N, device ID [xN], params 110M, flops 2.2G, ignore[FPxxx] or ignore-file[FPxxx]`,
      );
    }
  }
  return d;
}

/** True when a finding with `code` on `line` is suppressed. */
export function isSuppressed(d: Directives, code: string, line: number): boolean {
  if (d.ignoreFile.has("*") || d.ignoreFile.has(code)) return true;
  const set = d.ignoreLines.get(line);
  return !!set && (set.has("*") || set.has(code));
}

const SUFFIX: Record<string, number> = { k: 1e3, m: 1e6, g: 1e9, b: 1e9, t: 1e12 };

/** "110M", "7B", "2.2G", "1.3e9", "123_456" → a positive number; null when it is not one. */
export function quantity(text: string): number | null {
  const m = /^([\d_,]*\.?\d+(?:e[+-]?\d+)?)\s*([kmgbt])?$/i.exec(text.trim());
  if (!m) return null;
  const v = Number(m[1].replace(/[_,]/g, "")) * (m[2] ? SUFFIX[m[2].toLowerCase()] : 1);
  return Number.isFinite(v) && v > 0 ? Math.round(v) : null;
}
