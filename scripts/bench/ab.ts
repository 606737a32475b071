// Before/after on a shared machine: times full analyses of one concatenated-fixture script with the
// core of another checkout (a `git worktree` of the "before" commit), so two trees can be run in
// alternation under the same load. Usage, from the repository root:
//   node --import tsx scripts/bench/ab.ts <checkout root> <lines> <runs>
// e.g. `for i in 1 2; do for r in /tmp/before .; do node --import tsx scripts/bench/ab.ts $r 1000 10; done; done`
import { join, resolve } from "node:path";

async function main(): Promise<void> {
  const [rootArg = ".", linesArg = "1000", runsArg = "10"] = process.argv.slice(2);
  const root = resolve(rootArg);
  const { Analyzer } = await import(join(root, "server/src/analysis/analyze.ts"));
  const { loadPythonParser } = await import(join(root, "server/src/analysis/parse/loadParser.ts"));
  const { EMPTY_WORKSPACE } = await import(join(root, "server/src/analysis/workspace.ts"));
  const { resolveSettings } = await import(join(root, "server/src/shared/settings.ts"));
  // The same input for both trees: this checkout's corpus builder over this checkout's fixtures.
  const { scriptOfLines } = await import("./corpus");
  const analyzer = new Analyzer(await loadPythonParser(join(root, "grammars")));
  const settings = resolveSettings().settings;
  const text = scriptOfLines(Number(linesArg));
  const runs = Number(runsArg);
  const times: number[] = [];
  let found = "";
  for (let i = 0; i < runs + 3; i++) {
    const t = performance.now();
    const { analysis, tree } = analyzer.analyze({ path: "/bench/ab.py", text, settings, workspace: EMPTY_WORKSPACE });
    tree?.delete();
    if (i >= 3) times.push(performance.now() - t);
    found = `${analysis.models.length} models, ${analysis.runs.length} runs, ${analysis.findings.length} findings`;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(
    `${root} ${text.split("\n").length} lines: median ${median.toFixed(1)} ms, min ${times[0].toFixed(1)} ms (${found})`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
