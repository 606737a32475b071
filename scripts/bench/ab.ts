// Before/after on a shared machine: times full analyses of one concatenated-fixture script with the
// core of another checkout (a `git worktree` of the "before" commit), so two trees can be run in
// alternation under the same load. Usage, from the repository root:
//   node --import tsx scripts/bench/ab.ts <checkout root> <lines> <runs>
// e.g. `for i in 1 2; do for r in /tmp/before .; do node --import tsx scripts/bench/ab.ts $r 1000 10; done; done`
// `<lines>` = `keystroke` times the bench's keystroke row instead (a comment line inserted and
// deleted in the middle of a 1,000-line script: tree.edit + incremental parse + analysis).
// Each line gives the median and min of wall time and of the process's CPU time: on a loaded
// machine the CPU time of a run moves less than its wall time.
import { join, resolve } from "node:path";
import type { Tree } from "web-tree-sitter";

async function main(): Promise<void> {
  const [rootArg = ".", linesArg = "1000", runsArg = "10"] = process.argv.slice(2);
  const root = resolve(rootArg);
  const { Analyzer } = await import(join(root, "server/src/analysis/analyze.ts"));
  const { loadPythonParser } = await import(join(root, "server/src/analysis/parse/loadParser.ts"));
  const { EMPTY_WORKSPACE } = await import(join(root, "server/src/analysis/workspace.ts"));
  const { resolveSettings } = await import(join(root, "server/src/shared/settings.ts"));
  // The same input for both trees: this checkout's corpus builder over this checkout's fixtures.
  const { commentKeystroke, scriptOfLines } = await import("./corpus");
  const analyzer = new Analyzer(await loadPythonParser(join(root, "grammars")));
  const settings = resolveSettings().settings;
  const keystroke = linesArg === "keystroke";
  let text = scriptOfLines(keystroke ? 1000 : Number(linesArg));
  const runs = Number(runsArg);
  const analyze = (oldTree?: Tree | null) =>
    analyzer.analyze({ path: "/bench/ab.py", text, settings, workspace: EMPTY_WORKSPACE, oldTree, deferFixes: true });

  // Keystroke mode: alternately insert and delete "#\n" at the start of a middle line.
  let tree: Tree | null = keystroke ? analyze().tree : null;
  const keystrokeEdit = commentKeystroke(text);
  const type = () => {
    text = keystrokeEdit(tree);
  };

  const wall: number[] = [];
  const cpu: number[] = [];
  let found = "";
  for (let i = 0; i < runs + 3; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    if (keystroke) type();
    const { analysis, tree: next } = analyze(keystroke ? tree : null);
    if (keystroke) tree?.delete();
    tree = keystroke ? next : null;
    if (!keystroke) next?.delete();
    const used = process.cpuUsage(c);
    if (i >= 3) {
      wall.push(performance.now() - t);
      cpu.push((used.user + used.system) / 1000);
    }
    found = `${analysis.models.length} models, ${analysis.runs.length} runs, ${analysis.findings.length} findings`;
  }
  const stat = (xs: number[]) => {
    xs.sort((a, b) => a - b);
    return `median ${xs[Math.floor(xs.length / 2)].toFixed(1)} ms, min ${xs[0].toFixed(1)} ms`;
  };
  const what = keystroke ? "keystroke, 1,000 lines" : `${text.split("\n").length} lines`;
  console.log(`${root} ${what}: wall ${stat(wall)}; cpu ${stat(cpu)} (${found})`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
