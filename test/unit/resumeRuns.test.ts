// A script that resumes from a checkpoint when one exists: `start_epoch = 1`, then under
// `if os.path.isfile(ckpt):` `start_epoch = state["epoch"] + 1`, then `range(start_epoch, epochs + 1)`.
// The whole job is the fresh start's epochs (a resumed launch trains the rest of the same schedule);
// a start read unconditionally from a file stays an Unknown. Expected values come from the script.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { findDataset } from "../../server/src/analysis/run/datasetCatalog";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

const TEXT = readFileSync(join(process.cwd(), "test/fixtures/runs/resume_checkpoint_fmnist.py"), "utf8");
const onlyRun = (text: string) => {
  const runs = analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE })
    .analysis.runs;
  assert.equal(runs.length, 1);
  return runs[0].spec;
};
const scriptNumber = (text: string, pattern: RegExp): number => {
  const m = pattern.exec(text);
  if (!m) throw new Error(`not in the script: ${pattern}`);
  return Number(m[1]);
};
const edit = (text: string, from: string, to: string) => {
  const out = text.replace(from, to);
  assert.notEqual(out, text, `script holds ${JSON.stringify(from)}`);
  return out;
};

test("resume-if-a-checkpoint-exists: the epochs of a fresh start, said as such", () => {
  const spec = onlyRun(TEXT);
  const epochs = scriptNumber(TEXT, /"--epochs", type=int, default=(\d+)/);
  const start = scriptNumber(TEXT, /^ {4}start_epoch = (\d+)$/m);
  // range(start_epoch, args.epochs + 1) from start_epoch = 1: epochs 1 … args.epochs.
  assert.equal(spec.epochs, epochs + 1 - start);
  assert.equal(spec.trainSamples, findDataset("torchvision.datasets.FashionMNIST", { train: true })?.samples);
  assert.ok(
    spec.evidence.some((e) => /started fresh .*start_epoch = 1/.test(e)),
    spec.evidence.join("\n"),
  );
  assert.ok(!spec.unknowns.some((u) => /epoch loop/.test(u.message)));
});

test("a start always read from a checkpoint, or set again unconditionally, stays unknown", () => {
  const always = edit(TEXT, "    start_epoch = 1\n", '    start_epoch = torch.load(args.ckpt)["epoch"]\n');
  const a = onlyRun(always);
  assert.equal(a.epochs, null);
  assert.ok(a.unknowns.some((u) => /epoch loop .* has no known trip count/.test(u.message)));
  const reset = edit(
    TEXT,
    '        print(f"resuming at epoch {start_epoch}")\n',
    '        print(f"resuming at epoch {start_epoch}")\n    start_epoch = int(os.environ["START_EPOCH"])\n',
  );
  assert.equal(onlyRun(reset).epochs, null);
});
