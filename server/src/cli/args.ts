// Command-line parsing for `footprint`: subcommand, paths, output format, settings flags and
// budgets. Usage errors become a message and exit code 2, never a stack trace.
import { parseArgs } from "node:util";
import { resolveSettings } from "../shared/settings";

export type OutputFormat = "text" | "json" | "markdown" | "sarif";

export interface CheckOptions {
  paths: string[];
  format: OutputFormat;
  /** Settings layer from flags, applied over `[tool.footprint]`. */
  settings: Record<string, unknown>;
  maxKWh: number | null;
  maxCo2Kg: number | null;
  quiet: boolean;
}

export type Command =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "check"; options: CheckOptions }
  | { kind: "usage-error"; message: string };

export const USAGE = `Usage: footprint check <files|dirs…> [options]

Estimates parameters, FLOPs, training time, energy and CO2e of Python training scripts
without running them. Directories are searched for *.py (node_modules, .git and virtual
environments are skipped). [tool.footprint] in the nearest pyproject.toml applies; flags win.

Options:
  --format text|json|markdown|sarif  output format (default: text; json: docs/cli-json.md; sarif: SARIF 2.1.0)
  --device ID                  accelerator assumed when a script does not name one (e.g. a100-sxm4-80gb)
  --device-count N             number of accelerators assumed
  --region R                   'world', a country (FRA) or a cloud region (aws:us-east-1)
  --pue X                      data-centre power usage effectiveness (1–3)
  --max-kwh X                  exit 1 when the estimated energy of all runs may exceed X kWh
  --max-co2 X                  exit 1 when the estimated emissions of all runs may exceed X kg CO2e
  --quiet                      text format: print only problems and exceeded budgets
  -h, --help                   show this help
  -v, --version                show the version

Exit codes: 0 ok, 1 a budget is exceeded, 2 usage or I/O error.`;

function number(flag: string, raw: string | undefined): number | null | string {
  if (raw === undefined) return null;
  const n = Number(raw);
  return raw.trim() !== "" && Number.isFinite(n) ? n : `${flag} needs a number, got "${raw}"`;
}

export function parseCommand(argv: string[]): Command {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: "string" },
        device: { type: "string" },
        "device-count": { type: "string" },
        region: { type: "string" },
        pue: { type: "string" },
        "max-kwh": { type: "string" },
        "max-co2": { type: "string" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
    });
  } catch (err) {
    return { kind: "usage-error", message: (err as Error).message };
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (v.help) return { kind: "help" };
  if (v.version) return { kind: "version" };
  const [command, ...paths] = parsed.positionals;
  if (command === undefined) return { kind: "usage-error", message: "missing command: footprint check <paths…>" };
  if (command !== "check") return { kind: "usage-error", message: `unknown command "${command}"; try "check"` };
  if (paths.length === 0) return { kind: "usage-error", message: "footprint check needs at least one file or folder" };
  const format = (v.format as string | undefined) ?? "text";
  if (format !== "text" && format !== "json" && format !== "markdown" && format !== "sarif") {
    return { kind: "usage-error", message: `--format must be text, json, markdown or sarif, got "${format}"` };
  }
  const settings: Record<string, unknown> = {};
  if (typeof v.device === "string") settings.device = v.device;
  if (typeof v.region === "string") settings.region = v.region;
  const numbers: Array<[string, string, (n: number) => void]> = [
    ["--device-count", "device-count", (n) => (settings.deviceCount = n)],
    ["--pue", "pue", (n) => (settings.pue = n)],
  ];
  for (const [flag, key, set] of numbers) {
    const n = number(flag, v[key] as string | undefined);
    if (typeof n === "string") return { kind: "usage-error", message: n };
    if (n !== null) set(n);
  }
  // A flag the user typed wrong is a usage error, not a silently ignored value.
  const flagProblems = resolveSettings(settings).problems;
  if (flagProblems.length > 0) return { kind: "usage-error", message: flagProblems.join("; ") };
  const maxKWh = number("--max-kwh", v["max-kwh"] as string | undefined);
  const maxCo2Kg = number("--max-co2", v["max-co2"] as string | undefined);
  for (const budget of [maxKWh, maxCo2Kg]) {
    if (typeof budget === "string") return { kind: "usage-error", message: budget };
    if (budget !== null && budget < 0) return { kind: "usage-error", message: "budgets must not be negative" };
  }
  return {
    kind: "check",
    options: {
      paths,
      format,
      settings,
      maxKWh: maxKWh as number | null,
      maxCo2Kg: maxCo2Kg as number | null,
      quiet: !!v.quiet,
    },
  };
}
