// Runs the real Analyzer on every fixture of test/oracle/expected.json and pairs what it found with
// what real PyTorch measured, so the oracle test and `npm run accuracy` judge the same rows.
import { readFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { FileAnalysis, ModelCost } from "../../server/src/analysis/types";
import type { WorkspaceReader } from "../../server/src/analysis/workspace";
import { resolveSettings } from "../../server/src/shared/settings";

export const FIXTURES_DIR = join(process.cwd(), "test", "fixtures", "torch");
export const EXPECTED_PATH = join(process.cwd(), "test", "oracle", "expected.json");
/** The product's copy of the published counts (torchvision metadata, Keras and HF docs), with sources. */
export const GROUND_TRUTH_CSV = join(
  process.cwd(),
  "server",
  "src",
  "analysis",
  "frameworks",
  "zoo",
  "data",
  "model_ground_truth.csv",
);
/** Issue #3: forward FLOPs within this relative error of the oracle. */
export const FLOPS_TOLERANCE = 0.02;

export interface OracleInput {
  shape: number[];
  dtype?: "long";
  high?: number;
}

export interface OracleLayer {
  path: string;
  type: string;
  params: number;
  trainableParams: number;
  macs: number | null;
  calls: number;
}

export interface OracleCase {
  id: string;
  file: string;
  model: string;
  className: string;
  params: number;
  trainableParams: number;
  inputs: OracleInput[] | null;
  forwardMacs: number | null;
  /** MACs per forward call that do not scale with the batch (cases marked perCallOps only). */
  perCallMacs?: number;
  published?: string;
  profilerFlopsRatio?: number | null;
  layers: OracleLayer[];
}

export interface OracleDoc {
  torch: string;
  cases: OracleCase[];
}

export interface AccuracyRow {
  oracle: OracleCase;
  /** The analyzer's model bound to the case's variable; null when it found none. */
  got: ModelCost | null;
  /** How many models the analyzer reported under that name (more than one is ambiguous). */
  sameName: number;
  /** Names it did report in that file, for the failure message. */
  namesInFile: string[];
  notices: string[];
  expectedFlops: number | null;
  paramsExact: boolean;
  trainableExact: boolean;
  /** null when the case has no input shape. */
  flopsWithinTolerance: boolean | null;
}

export function loadOracle(): OracleDoc {
  return JSON.parse(readFileSync(EXPECTED_PATH, "utf8")) as OracleDoc;
}

/** Reads files under the fixture root only, like the editor's workspace would. */
export function fixtureWorkspace(root = FIXTURES_DIR): WorkspaceReader {
  return {
    roots: [root],
    readFile(absPath: string): string | null {
      const rel = relative(root, resolve(absPath));
      if (rel.startsWith("..") || isAbsolute(rel)) return null;
      try {
        return readFileSync(absPath, "utf8");
      } catch {
        return null;
      }
    },
  };
}

export function relativeError(got: number | null | undefined, expected: number): number | null {
  if (got === null || got === undefined) return null;
  if (expected === 0) return got === 0 ? 0 : Number.POSITIVE_INFINITY;
  return Math.abs(got - expected) / expected;
}

export async function measureAccuracy(oracle: OracleDoc = loadOracle()): Promise<AccuracyRow[]> {
  const analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
  const workspace = fixtureWorkspace();
  const settings = resolveSettings().settings;
  const byFile = new Map<string, FileAnalysis>();
  const rows: AccuracyRow[] = [];
  for (const oc of oracle.cases) {
    let analysis = byFile.get(oc.file);
    if (!analysis) {
      const path = join(FIXTURES_DIR, oc.file);
      analysis = analyzer.analyze({ path, text: readFileSync(path, "utf8"), settings, workspace }).analysis;
      byFile.set(oc.file, analysis);
    }
    const named = analysis.models.filter((m) => m.name === oc.model);
    const got = named[0] ?? null;
    const expectedFlops = oc.forwardMacs === null ? null : 2 * oc.forwardMacs;
    const flopsErr = expectedFlops === null ? null : relativeError(got?.forwardFlops, expectedFlops);
    rows.push({
      oracle: oc,
      got,
      sameName: named.length,
      namesInFile: analysis.models.map((m) => m.name),
      notices: analysis.notices,
      expectedFlops,
      paramsExact: got !== null && got.params === oc.params,
      trainableExact: got !== null && got.trainableParams === oc.trainableParams,
      flopsWithinTolerance: expectedFlops === null ? null : flopsErr !== null && flopsErr <= FLOPS_TOLERANCE,
    });
  }
  return rows;
}

export interface AccuracySummary {
  models: number;
  paramsExact: number;
  trainableExact: number;
  withInput: number;
  flopsWithin: number;
  withoutInput: number;
  flopsUnknownAsExpected: number;
}

export function summarize(rows: AccuracyRow[]): AccuracySummary {
  const withInput = rows.filter((r) => r.expectedFlops !== null);
  const withoutInput = rows.filter((r) => r.expectedFlops === null);
  return {
    models: rows.length,
    paramsExact: rows.filter((r) => r.paramsExact).length,
    trainableExact: rows.filter((r) => r.trainableExact).length,
    withInput: withInput.length,
    flopsWithin: withInput.filter((r) => r.flopsWithinTolerance).length,
    withoutInput: withoutInput.length,
    flopsUnknownAsExpected: withoutInput.filter((r) => r.got !== null && r.got.forwardFlops === null).length,
  };
}

/** Minimal RFC 4180 reader: quoted fields may hold commas and doubled quotes. */
export function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      record.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      field = "";
      if (record.some((f) => f !== "")) records.push(record);
      record = [];
    } else field += ch;
  }
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const [header, ...body] = records;
  if (!header) return [];
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
}
