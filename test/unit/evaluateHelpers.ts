// Test helpers for the evaluator: run a Python snippet through the real wasm parser and
// evaluateProgram, with an in-memory workspace; find positions by text, never coordinates.
import { join } from "node:path";
import { parseDirectives } from "../../server/src/analysis/directives";
import {
  DEFAULT_BUDGET,
  type EvalBudget,
  evaluateProgram,
  type ProgramFacts,
} from "../../server/src/analysis/evaluate";
import { loadPythonParser, type PythonParser } from "../../server/src/analysis/parse/loadParser";
import type { ModelCost } from "../../server/src/analysis/types";

let parser: PythonParser | null = null;

export async function python(): Promise<PythonParser> {
  parser ??= await loadPythonParser(join(process.cwd(), "grammars"));
  return parser;
}

export const ROOT = "/ws";
export const SCRIPT = `${ROOT}/train.py`;

export async function run(
  text: string,
  opts: { files?: Record<string, string>; budget?: Partial<EvalBudget> } = {},
): Promise<ProgramFacts> {
  const p = await python();
  const files: Record<string, string> = { ...opts.files, [SCRIPT]: text };
  const tree = p.parser.parse(text);
  if (!tree) throw new Error("parse failed");
  return evaluateProgram(tree, {
    path: SCRIPT,
    text,
    workspace: { roots: [ROOT], readFile: (f) => files[f] ?? null },
    parse: (t) => p.parser.parse(t),
    directives: parseDirectives(text),
    budget: { ...DEFAULT_BUDGET, ...opts.budget },
  });
}

export function model(facts: ProgramFacts, name: string): ModelCost {
  const m = facts.models.find((x) => x.name === name);
  if (!m) throw new Error(`no model named ${name}; got ${facts.models.map((x) => x.name).join(", ")}`);
  return m;
}

/** 0-based line of the first occurrence of `needle` in `text`. */
export function lineOf(text: string, needle: string): number {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`not found: ${needle}`);
  return text.slice(0, i).split("\n").length - 1;
}

/** Parameter formulas (torch.nn docs): Linear(a, b) = a·b + b; Conv2d(ci, co, k) = co·ci·k² + co. */
export const linearParams = (a: number, b: number, bias = true) => a * b + (bias ? b : 0);
export const conv2dParams = (ci: number, co: number, k: number, bias = true) => co * ci * k * k + (bias ? co : 0);
export const batchNormParams = (c: number) => 2 * c;
