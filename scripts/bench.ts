// `npm run bench`: measures the budgets of DESIGN.md §9 and prints one table. A report, not a
// test: it exits 0 whatever the numbers, and docs/PERFORMANCE.md keeps dated results.
import { join } from "node:path";
import { Analyzer } from "../server/src/analysis/analyze";
import { loadPythonParser } from "../server/src/analysis/parse/loadParser";
import { analysisRows } from "./bench/analysisBench";
import { lspRows } from "./bench/lspBench";
import { runtimeRows } from "./bench/runtimeBench";
import { load, machine, printTable, type Row } from "./bench/stats";

async function main(): Promise<void> {
  console.log(
    `Footprint Lint benchmarks — ${new Date().toISOString().slice(0, 10)} — ${machine()} — ${load()} at start`,
  );
  // The core rows time whatever ran this file: the minified bundle (`npm run bench`, as shipped)
  // or the TypeScript sources through tsx (for --cpu-prof with readable names; 10–15% slower).
  console.log(
    `core: ${/\.js$/.test(process.argv[1] ?? "") ? "esbuild bundle, minified as shipped" : "TypeScript sources through tsx"}\n`,
  );
  const analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
  // `npm run bench -- analysis` runs only the core rows (quick, and what --cpu-prof is pointed at).
  const only = process.argv[2];
  const rows: Row[] = [...analysisRows(analyzer)];
  if (only !== "analysis") rows.push(...(await lspRows()), ...(await runtimeRows()));
  printTable(rows);
  console.log(`\n${load()} at end`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
