// What the editor must show, computed by the same core the bundled server runs: the example's
// analysis under given settings, and the exact CodeLens, inlay-hint and fixed-file texts from it.
// The real-editor test then checks that code-server renders these strings, not look-alikes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Analyzer } from "../../server/src/analysis/analyze";
import { applyEdits } from "../../server/src/analysis/fixes/textEdits";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { FileAnalysis, Finding } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { modelLensTitle, runLensTitle } from "../../server/src/lsp/codeLens";
import { inlayHintsFor } from "../../server/src/lsp/inlayHints";
import { DEFAULT_SETTINGS, type Settings } from "../../server/src/shared/settings";

// The repository root: the cwd under node --test, FOOTPRINT_ROOT inside VS Code's extension host
// (test/vscode/runTest.ts sets it), where the cwd is VS Code's.
const ROOT = process.env.FOOTPRINT_ROOT ?? process.cwd();
export const EXAMPLES = join(ROOT, "examples");

let analyzer: Analyzer | undefined;

export async function analyzeExample(name: string, overrides: Partial<Settings> = {}, text?: string) {
  analyzer ??= new Analyzer(await loadPythonParser(join(ROOT, "grammars")));
  const source = text ?? readFileSync(join(EXAMPLES, name), "utf8");
  // The examples import no workspace files, so an empty reader sees what the server sees.
  const { analysis } = analyzer.analyze({
    path: join(EXAMPLES, name),
    text: source,
    settings: { ...DEFAULT_SETTINGS, ...overrides },
    workspace: EMPTY_WORKSPACE,
  });
  return { text: source, analysis };
}

/**
 * The analysis of `name` in a workspace folder whose files are `files` (name → text): what the
 * server sees when one script imports another, with the imported file's buffer as given.
 */
export async function analyzeInWorkspace(dir: string, files: Record<string, string>, name: string) {
  analyzer ??= new Analyzer(await loadPythonParser(join(ROOT, "grammars")));
  const byPath = new Map(Object.entries(files).map(([file, text]) => [join(dir, file), text]));
  const { analysis } = analyzer.analyze({
    path: join(dir, name),
    text: files[name],
    settings: DEFAULT_SETTINGS,
    workspace: { roots: [dir], readFile: (path) => byPath.get(path) ?? null },
  });
  return analysis;
}

/** 1-based line of the first source line containing `needle` (what "Go to Line" takes). */
export function lineOf(text: string, needle: string): number {
  const index = text.split("\n").findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`"${needle}" is not in the example any more`);
  return index + 1;
}

/** The CodeLens title above the file's only training run (the one the e2e checks follow). */
export function runLens(analysis: FileAnalysis): string {
  if (analysis.runs.length !== 1) throw new Error(`expected one run, found ${analysis.runs.length}`);
  return runLensTitle(analysis.runs[0]);
}

export function modelLens(analysis: FileAnalysis, name: string): string {
  const model = analysis.models.find((m) => m.name === name);
  if (!model) throw new Error(`no model ${name}: ${analysis.models.map((m) => m.name).join(", ")}`);
  return modelLensTitle(model);
}

/** The inlay hint at the end of the 1-based `line`. */
export function hintAt(analysis: FileAnalysis, line: number): string {
  const whole = { start: { line: 0, character: 0 }, end: { line: 1_000_000, character: 0 } };
  const hint = inlayHintsFor(analysis, whole).find((h) => h.position.line === line - 1);
  if (!hint || typeof hint.label !== "string") throw new Error(`no inlay hint on line ${line}`);
  return hint.label;
}

/** The one finding with `code`, and the file's text once its fix titled `title` is applied. */
export function fixedText(text: string, analysis: FileAnalysis, code: string, title: RegExp) {
  const findings = analysis.findings.filter((f: Finding) => f.code === code);
  if (findings.length !== 1) throw new Error(`expected one ${code}, found ${findings.length}`);
  const fix = findings[0].fixes.find((f) => title.test(f.title));
  if (!fix) throw new Error(`${code} has no fix matching ${title}: ${findings[0].fixes.map((f) => f.title)}`);
  return { finding: findings[0], fix, after: applyEdits(text, fix.edits) };
}
