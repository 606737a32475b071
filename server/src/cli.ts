// `footprint` command-line entry: parses arguments, loads the grammar from the bundle's folder,
// runs `check` and sets the exit code (0 ok, 1 budget exceeded, 2 usage or I/O error).
import { version } from "../../package.json";
import { Analyzer } from "./analysis/analyze";
import { loadPythonParser } from "./analysis/parse/loadParser";
import { parseCommand, USAGE } from "./cli/args";
import { collectFiles, runCheck } from "./cli/check";
import { jsonReport } from "./cli/jsonReport";
import { markdownReport } from "./cli/renderMarkdown";
import { sarifReport } from "./cli/sarifReport";
import { textReport } from "./cli/textReport";

async function main(argv: string[]): Promise<number> {
  const command = parseCommand(argv);
  switch (command.kind) {
    case "help":
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case "version":
      process.stdout.write(`${version}\n`);
      return 0;
    case "usage-error":
      process.stderr.write(`footprint: ${command.message}\n\n${USAGE}\n`);
      return 2;
  }
  const { options } = command;
  const { files, missing } = collectFiles(options.paths);
  if (missing.length > 0) {
    process.stderr.write(`footprint: no such file or folder: ${missing.join(", ")}\n`);
    return 2;
  }
  // build.mjs copies the two wasm files next to dist/cli.js.
  const analyzer = new Analyzer(await loadPythonParser(__dirname));
  const result = runCheck(analyzer, options, files);
  for (const w of result.warnings) process.stderr.write(`footprint: warning: ${w}\n`);
  if (options.format === "json") process.stdout.write(`${JSON.stringify(jsonReport(result, version), null, 2)}\n`);
  else if (options.format === "markdown") process.stdout.write(markdownReport(result.files));
  else if (options.format === "sarif")
    process.stdout.write(`${JSON.stringify(sarifReport(result, version), null, 2)}\n`);
  else process.stdout.write(textReport(result, options.quiet));
  if (result.ioErrors > 0) return 2;
  return result.budgets.some((b) => b.exceeded) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `footprint: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 2;
  },
);
