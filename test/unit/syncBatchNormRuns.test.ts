// `model = nn.SyncBatchNorm.convert_sync_batchnorm(model)` (DDP scripts) hands the same model back.
// Before, the call was unknown: the training loop's model was lost, so its FLOPs and the run's
// price were unknown. Now the run equals the same script without the conversion.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});
const analyze = (text: string) =>
  analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;

test("convert_sync_batchnorm keeps the model: same parameters, FLOPs and training run as without it", () => {
  const text = readFileSync(join(process.cwd(), "test/fixtures/runs/syncbn_channels_last.py"), "utf8");
  const line = "    model = nn.SyncBatchNorm.convert_sync_batchnorm(model)\n";
  assert.ok(text.includes(line));
  const a = analyze(text);
  const ref = analyze(text.replace(line, ""));
  const m = a.models.find((x) => x.name === "model");
  const r = ref.models.find((x) => x.name === "model");
  assert.ok(m && r && r.forwardFlops);
  assert.equal(m.params, r.params);
  assert.equal(m.forwardFlops, r.forwardFlops);
  assert.equal(a.runs.length, 1);
  assert.equal(a.runs[0].spec.model, "model");
  assert.deepEqual(a.runs[0].trainFlops, ref.runs[0].trainFlops);
});
