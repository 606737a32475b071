// The pipeline: text → tree → facts → models/runs → priced runs → findings. Pure: every input
// (parser, settings, workspace files) is handed in, so the server and the CLI run the same code.
import type { Node, Tree } from "web-tree-sitter";
import type { Settings } from "../shared/settings";
import { parseDirectives } from "./directives";
import { DEFAULT_BUDGET, type EvalBudget, evaluateProgram, type ProgramFacts } from "./evaluate";
import { LoweringCache } from "./evaluate/lowerReuse";
import { priceRun } from "./footprint/priceRun";
import type { PythonParser } from "./parse/loadParser";
import { nodeRange } from "./parse/nodes";
import { runRules } from "./rules";
import { DeferredFixes } from "./rules/deferredFixes";
import { detectRuns } from "./run/detectRuns";
import type { FileAnalysis, Range, Unknown } from "./types";
import type { WorkspaceReader } from "./workspace";

export interface AnalyzeInput {
  path: string;
  text: string;
  settings: Settings;
  workspace: WorkspaceReader;
  /** The previous tree of this document, already `edit`ed, for incremental reparsing. */
  oldTree?: Tree | null;
  budget?: EvalBudget;
  /**
   * Build each finding's fixes when its `fixes` is first read, not now (the language server: it
   * publishes diagnostics first and builds the fixes of the finding a code action asks about).
   * The output's `deferredFixes` must then be abandoned before `tree` is edited or deleted.
   */
  deferFixes?: boolean;
}

export interface AnalyzeOutput {
  analysis: FileAnalysis;
  /** Keep it to pass back as `oldTree` after applying the next edit. */
  tree: Tree | null;
  /** With `deferFixes`: the fixes not built yet, built on demand while `tree` is unchanged. */
  deferredFixes?: DeferredFixes;
}

/** Above this size the interpreter does not run (a generated or data file, not a training script). */
export const MAX_ANALYZED_BYTES = 2_000_000;

export class Analyzer {
  /** The last lowering of each tree this analyzer returned, for the next analysis's `oldTree`. */
  private readonly lowering = new LoweringCache();

  constructor(private readonly python: PythonParser) {}

  parse(text: string, oldTree?: Tree | null): Tree | null {
    return this.python.parser.parse(text, oldTree ?? null);
  }

  analyze(input: AnalyzeInput): AnalyzeOutput {
    const analysis: FileAnalysis = {
      path: input.path,
      models: [],
      runs: [],
      findings: [],
      syntaxErrors: [],
      notices: [],
      steps: 0,
    };
    const { text } = input;
    if (text.includes("\u0000")) {
      analysis.notices.push("Not analysed: the file contains NUL bytes (binary, not Python source).");
      return { analysis, tree: null };
    }
    if (/\.ipynb$/i.test(input.path) && /^\s*\{/.test(text)) {
      // A notebook file is JSON around the code: its lines are not the script's lines. Editors
      // hand notebook cells to the server as Python documents of their own.
      analysis.notices.push(
        "Not analysed: a Jupyter notebook file (.ipynb) is JSON around the code; in a notebook editor each Python cell is analysed on its own.",
      );
      return { analysis, tree: null };
    }
    if (text.length > MAX_ANALYZED_BYTES) {
      analysis.notices.push(
        `Not analysed: ${(text.length / 1e6).toFixed(1)} MB is over the ${MAX_ANALYZED_BYTES / 1e6} MB limit for training scripts.`,
      );
      return { analysis, tree: null };
    }
    const tree = this.parse(text, input.oldTree);
    if (!tree) {
      analysis.notices.push("Not analysed: the parser gave up on this text.");
      return { analysis, tree: null };
    }
    analysis.syntaxErrors = collectSyntaxErrors(tree.rootNode);
    if (analysis.syntaxErrors.length > 0) {
      analysis.notices.push(`${analysis.syntaxErrors.length} syntax error(s): results cover the parts that parse.`);
    }

    // Trees of imported workspace files live until the analysis ends (trace events, model ranges
    // and run detection read their nodes), then are freed: web-tree-sitter trees are wasm memory
    // that no garbage collector reclaims, so a server re-analysing on each keystroke leaked them.
    // Deferred fixes may read them too: then they are freed once those fixes are built or abandoned.
    const imported: Tree[] = [];
    const own = (t: Tree | null) => {
      if (t) imported.push(t);
      return t;
    };
    const deferred = input.deferFixes ? new DeferredFixes() : undefined;
    const free = () => {
      for (const t of imported.splice(0)) t.delete();
    };
    try {
      return { ...this.analyzeTree(input, analysis, tree, own, deferred), deferredFixes: deferred };
    } finally {
      if (deferred && deferred.pendingCount > 0) deferred.onRelease(free);
      else free();
    }
  }

  private analyzeTree(
    input: AnalyzeInput,
    analysis: FileAnalysis,
    tree: Tree,
    own: (t: Tree | null) => Tree | null,
    deferred: DeferredFixes | undefined,
  ): AnalyzeOutput {
    const { text } = input;
    // Split once: the directives and the rules both read the file by line.
    const lines = text.split(/\r?\n/);
    const directives = parseDirectives(text, lines);
    let facts: ProgramFacts;
    try {
      facts = evaluateProgram(tree, {
        path: input.path,
        text,
        workspace: input.workspace,
        parse: (t) => own(this.parse(t)),
        directives,
        budget: input.budget ?? DEFAULT_BUDGET,
        lowering: { cache: this.lowering, oldTree: input.oldTree },
      });
    } catch (err) {
      // The interpreter must never take the file down with it: report and keep serving.
      analysis.notices.push(`Analysis stopped by an internal error: ${describe(err)}`);
      return { analysis, tree };
    }
    analysis.models = facts.models;
    analysis.steps = facts.steps;
    surfaceUnknowns(analysis, facts);
    try {
      analysis.runs = detectRuns(facts, directives, tree).map((spec) => priceRun(spec, input.settings));
    } catch (err) {
      analysis.notices.push(`Training-run estimate stopped by an internal error: ${describe(err)}`);
    }
    try {
      const failures: string[] = [];
      analysis.findings = runRules(
        {
          path: input.path,
          text,
          lines,
          tree,
          facts,
          models: analysis.models,
          runs: analysis.runs,
          directives,
          settings: input.settings,
          parse: (t, old) => this.parse(t, old),
        },
        failures,
        deferred,
      );
      analysis.notices.push(...failures);
    } catch (err) {
      analysis.notices.push(`Rules stopped by an internal error: ${describe(err)}`);
    }
    for (const p of directives.problems) analysis.notices.push(`line ${p.range.start.line + 1}: ${p.message}`);
    return { analysis, tree };
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** ERROR and MISSING nodes, outermost only, capped so a garbage file does not flood the output. */
export function collectSyntaxErrors(root: Node, cap = 50): Range[] {
  const out: Range[] = [];
  if (!root.hasError) return out;
  const cursor = root.walk();
  let descend = true;
  for (;;) {
    const n = cursor.currentNode;
    if (descend && (n.isError || n.isMissing)) {
      out.push(nodeRange(n));
      if (out.length >= cap) break;
      descend = false;
    }
    if (descend && n.hasError && cursor.gotoFirstChild()) continue;
    if (cursor.gotoNextSibling()) {
      descend = true;
      continue;
    }
    let done = true;
    while (cursor.gotoParent()) {
      if (cursor.gotoNextSibling()) {
        done = false;
        break;
      }
    }
    if (done) break;
    descend = true;
  }
  return out;
}

/**
 * The interpreter's notes that no model carries: file-level stops (budget, nesting) become notices;
 * ranged ones go to `unknowns` so the reports can say what was not resolved and where.
 */
function surfaceUnknowns(analysis: FileAnalysis, facts: ProgramFacts): void {
  const onModels = new Set(facts.models.flatMap((m) => m.unknowns.map((u) => u.message)));
  const rest: Unknown[] = [];
  for (const u of facts.unknowns) {
    if (onModels.has(u.message)) continue;
    if (u.range === null) analysis.notices.push(u.hint ? `${u.message} (${u.hint})` : u.message);
    else rest.push(u);
  }
  if (rest.length > 0) analysis.unknowns = rest;
}
