// `footprint check`: collects files, resolves settings per file (pyproject + flags), runs the
// same Analyzer as the server, and totals the estimates for the budgets.
import { statSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";
import type { Analyzer } from "../analysis/analyze";
import type { FileAnalysis, Interval } from "../analysis/types";
import { createWorkspaceReader } from "../lsp/workspaceReader";
import { projectSettingsFor } from "../shared/pyproject";
import { resolveSettings, type Settings } from "../shared/settings";
import type { CheckOptions } from "./args";
import { collectFiles, readSource } from "./files";

export interface Budget {
  name: "energyKWh" | "co2eKg";
  flag: "--max-kwh" | "--max-co2";
  limit: number;
  /** Total over all runs; the budget is exceeded when the upper bound is above the limit. */
  total: Interval | null;
  exceeded: boolean;
}

export interface CheckResult {
  files: FileAnalysis[];
  totals: { energyKWh: Interval | null; co2eKg: Interval | null; runsWithoutEstimate: number };
  budgets: Budget[];
  /** Settings problems and I/O errors, one line each, for stderr. */
  warnings: string[];
  ioErrors: number;
}

/** A path as the user reads it: relative to the working directory, with forward slashes. */
export function displayPath(abs: string, cwd = process.cwd()): string {
  const rel = relative(cwd, abs);
  const shown = rel === "" || rel.startsWith("..") ? abs : rel;
  return shown.split(sep).join("/");
}

function addInterval(total: Interval | null, x: Interval): Interval {
  return total ? { low: total.low + x.low, high: total.high + x.high } : { ...x };
}

export function runCheck(analyzer: Analyzer, options: CheckOptions, files: string[]): CheckResult {
  const warnings: string[] = [];
  const seenWarnings = new Set<string>();
  const warn = (w: string): void => {
    if (seenWarnings.has(w)) return;
    seenWarnings.add(w);
    warnings.push(w);
  };
  const cwd = process.cwd();
  // A file given by path brings its folder: `python train.py` imports its siblings and reads its configs.
  const roots = [
    ...new Set([cwd, ...options.paths.map((p) => (isFile(resolve(p)) ? dirname(resolve(p)) : resolve(p)))]),
  ];
  const workspace = createWorkspaceReader(roots);
  const settingsByDir = new Map<string, Settings>();
  const settingsFor = (dir: string): Settings => {
    let s = settingsByDir.get(dir);
    if (!s) {
      const project = projectSettingsFor(dir);
      for (const p of project.problems) warn(p);
      const resolved = resolveSettings(project.values, options.settings);
      for (const p of resolved.problems) warn(project.file ? `${displayPath(project.file)}: ${p}` : p);
      // Keys of the project file that no CLI flag overrides: their assumptions say "project".
      const flags = (options.settings ?? {}) as Record<string, unknown>;
      const fromProject = Object.keys(project.values ?? {}).filter(
        (k): k is keyof Settings => k in resolved.settings && flags[k] === undefined,
      );
      s = fromProject.length > 0 ? { ...resolved.settings, fromProject } : resolved.settings;
      settingsByDir.set(dir, s);
    }
    return s;
  };

  const results: FileAnalysis[] = [];
  let ioErrors = 0;
  for (const file of files) {
    const path = displayPath(file, cwd);
    const source = readSource(file);
    if (!source.ok) {
      if (source.ioError) {
        ioErrors++;
        warn(`${path}: ${source.notice}`); // on stderr too, so --quiet and JSON runs still say why
      }
      results.push({ path, models: [], runs: [], findings: [], syntaxErrors: [], notices: [source.notice], steps: 0 });
      continue;
    }
    const out = analyzer.analyze({ path: file, text: source.text, settings: settingsFor(dirname(file)), workspace });
    out.tree?.delete();
    results.push({ ...out.analysis, path });
  }

  let energy: Interval | null = null;
  let co2: Interval | null = null;
  let runsWithoutEstimate = 0;
  for (const run of results.flatMap((r) => r.runs)) {
    if (run.energyKWh) energy = addInterval(energy, run.energyKWh);
    if (run.co2eKg) co2 = addInterval(co2, run.co2eKg);
    if (!run.energyKWh || !run.co2eKg) runsWithoutEstimate++;
  }
  const budgets: Budget[] = [];
  if (options.maxKWh !== null) {
    budgets.push({
      name: "energyKWh",
      flag: "--max-kwh",
      limit: options.maxKWh,
      total: energy,
      exceeded: !!energy && energy.high > options.maxKWh,
    });
  }
  if (options.maxCo2Kg !== null) {
    budgets.push({
      name: "co2eKg",
      flag: "--max-co2",
      limit: options.maxCo2Kg,
      total: co2,
      exceeded: !!co2 && co2.high > options.maxCo2Kg,
    });
  }
  return {
    files: results,
    totals: { energyKWh: energy, co2eKg: co2, runsWithoutEstimate },
    budgets,
    warnings,
    ioErrors,
  };
}

export { collectFiles };

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
