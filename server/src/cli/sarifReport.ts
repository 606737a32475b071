// `footprint check --format sarif`: the findings as a SARIF 2.1.0 log (OASIS), the format code-scanning
// services (GitHub, Azure DevOps, GitLab) read, so CI can annotate pull requests with FP-coded findings.
// Lines and columns are 1-based here (the core's are 0-based; columns are UTF-16 code units, SARIF's default).
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Sarif from "sarif";
import { RULES } from "../analysis/rules";
import type { Finding, Severity } from "../analysis/types";
import { ruleDocsUrl } from "../shared/ruleDocs";
import type { CheckResult } from "./check";

const SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
const INFO_URI = "https://github.com/footprint-lint/footprint-lint";

/** SARIF has three result levels: information and hint findings are notes. */
function level(s: Severity): Sarif.ReportingConfiguration.level {
  return s === "error" ? "error" : s === "warning" ? "warning" : "note";
}

/** A path as `check` shows it: relative ones resolve against the checkout (%SRCROOT%), absolute ones are file URIs. */
function artifact(path: string): Sarif.ArtifactLocation {
  if (isAbsolute(path)) return { uri: pathToFileURL(path).href };
  return { uri: encodeURI(path), uriBaseId: "%SRCROOT%" };
}

function result(path: string, f: Finding, ruleIndex: Map<string, number>): Sarif.Result {
  const { start, end } = f.range;
  return {
    ruleId: f.code,
    ...(ruleIndex.has(f.code) ? { ruleIndex: ruleIndex.get(f.code) } : {}),
    level: level(f.severity),
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifact(path),
          region: {
            startLine: start.line + 1,
            startColumn: start.character + 1,
            endLine: end.line + 1,
            endColumn: end.character + 1,
          },
        },
      },
    ],
  };
}

export function sarifReport(result_: CheckResult, version: string): Sarif.Log {
  const rules: Sarif.ReportingDescriptor[] = RULES.map((r) => ({
    id: r.code,
    name: r.title.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : "")),
    shortDescription: { text: r.title },
    helpUri: ruleDocsUrl(r.code),
    defaultConfiguration: { level: level(r.defaultSeverity) },
  }));
  const ruleIndex = new Map(RULES.map((r, i) => [r.code, i]));
  const results = result_.files.flatMap((f) => f.findings.map((x) => result(f.path, x, ruleIndex)));
  // What the analysis could not do (a file too large, an internal stop, a bad directive, an
  // exceeded budget) is said about the run, not about a line: tool execution notifications.
  const notifications: Sarif.Notification[] = [
    ...result_.files.flatMap((f) =>
      f.notices.map((n) => ({
        level: "warning" as const,
        message: { text: n },
        locations: [{ physicalLocation: { artifactLocation: artifact(f.path) } }],
      })),
    ),
    ...result_.warnings.map((w) => ({ level: "warning" as const, message: { text: w } })),
    ...result_.budgets
      .filter((b) => b.exceeded)
      .map((b) => ({
        level: "error" as const,
        message: {
          text: `Budget exceeded: ${b.flag} ${b.limit}: the estimate's upper bound is ${b.total?.high.toPrecision(3)} ${b.name === "energyKWh" ? "kWh" : "kg CO2e"}`,
        },
      })),
  ];
  return {
    $schema: SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "Footprint Lint", version, informationUri: INFO_URI, rules } },
        invocations: [{ executionSuccessful: result_.ioErrors === 0, toolExecutionNotifications: notifications }],
        results,
        columnKind: "utf16CodeUnits",
      },
    ],
  };
}
