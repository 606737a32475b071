// Serving estimates: per-million-inference energy on the training device, int8 there, and a full-int8
// Edge TPU, each from the device catalog's peak and power with the run's MFU range; checked against
// the formula written out here, and for the cases where a target is left out or the forward is unknown.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { range } from "../../server/src/analysis/format";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { markdownReport } from "../../server/src/cli/renderMarkdown";
import { runHover } from "../../server/src/lsp/hoverText";
import { findDevice } from "../../server/src/analysis/footprint/devices";
import { EDGE_TPU_SRAM_BYTES, INFERENCE_VOLUME } from "../../server/src/analysis/footprint/inference";
import { priceRun } from "../../server/src/analysis/footprint/priceRun";
import { MFU } from "../../server/src/analysis/footprint/data/modelConstants";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";
import { spec } from "./helpers/runSpec";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test("ResNet-50 served: fp32 on the default A100, int8 there, full-int8 on a Coral Edge TPU", () => {
  const s = spec();
  const r = priceRun(s, DEFAULT_SETTINGS);
  const inf = r.inference;
  assert.ok(inf);
  assert.equal(inf.inferences, INFERENCE_VOLUME);
  assert.equal(inf.forwardFlops, s.forwardFlops);
  assert.deepEqual(
    inf.options.map((o) => o.id),
    ["serve:a100-sxm4-80gb:fp32", "serve:a100-sxm4-80gb:int8", "serve:coral-edge-tpu:int8"],
  );
  const edge = findDevice("coral-edge-tpu");
  assert.ok(edge?.peak.int8 && edge.powerW);
  const tpu = inf.options[2];
  // kWh = N × F / (peak × MFU) × W / 3.6e6: the low end at the high MFU, module power only.
  const work = INFERENCE_VOLUME * (s.forwardFlops ?? 0);
  close(tpu.energyKWh.low, ((work / (edge.peak.int8 * 1e12 * MFU.value.high)) * edge.powerW) / 3.6e6);
  close(tpu.energyKWh.high, ((work / (edge.peak.int8 * 1e12 * MFU.value.low)) * edge.powerW) / 3.6e6);
  close(tpu.joulesPerInference.high, (tpu.energyKWh.high * 3.6e6) / INFERENCE_VOLUME);
  // Same grid as the training estimate.
  const grid = (r.co2eKg?.low ?? 0) / (r.energyKWh?.low ?? 1);
  close(tpu.co2eKg.low, tpu.energyKWh.low * grid);
  // fp32 on the A100 at the training inputs: PUE applies, and int8 there is cheaper by its peak ratio.
  const a100 = findDevice("a100-sxm4-80gb");
  assert.ok(a100?.peak.int8 && a100.peak.fp32);
  const [fp32, int8] = inf.options;
  close(fp32.energyKWh.low / int8.energyKWh.low, a100.peak.int8 / a100.peak.fp32);
  assert.ok(fp32.energyKWh.low > tpu.energyKWh.high, "an Edge TPU at 2 W beats an A100 node in fp32 per inference");
  // 25.6 M int8 weights exceed the 8 MB on-chip memory: said in the note.
  assert.ok((s.params ?? 0) > EDGE_TPU_SRAM_BYTES.value);
  assert.match(tpu.note, /exceed its 8 MB on-chip memory/);
  assert.deepEqual(inf.notOffered, []);
});

test("a 7B-parameter model is not offered on the Edge TPU, and bf16 training serves in bf16", () => {
  const r = priceRun(
    spec({
      params: 6_738_415_616,
      trainableParams: 6_738_415_616,
      forwardFlops: 2 * 6.7e9 * 512,
      precision: "bf16-mixed",
    }),
    DEFAULT_SETTINGS,
  );
  assert.ok(r.inference);
  assert.deepEqual(
    r.inference.options.map((o) => o.id),
    ["serve:a100-sxm4-80gb:bf16", "serve:a100-sxm4-80gb:int8"],
  );
  assert.match(r.inference.notOffered[0], /Coral Edge TPU: 6\.7 GB of int8 weights/);
});

test("unknown forward FLOPs: no serving estimate", () => {
  assert.equal(priceRun(spec({ forwardFlops: null }), DEFAULT_SETTINGS).inference, null);
});

test("the MNIST example's run carries its serving table into the Markdown report and the hover", async () => {
  const analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
  const text = readFileSync(join(process.cwd(), "examples", "mnist_cnn.py"), "utf8");
  const a = analyzer.analyze({ path: "mnist_cnn.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE });
  const run = a.analysis.runs[0];
  assert.ok(run?.inference);
  const tpu = run.inference.options.find((o) => o.id === "serve:coral-edge-tpu:int8");
  assert.ok(tpu);
  assert.match(tpu.note, /fit its on-chip memory/, "a 1.2 M-parameter CNN fits the Edge TPU's 8 MB");
  const md = markdownReport([a.analysis]);
  assert.match(md, /Serving the trained model, per 1,000,000 inferences/);
  assert.ok(md.includes(`| ${tpu.title} | ${range(tpu.energyKWh, "kWh")} |`));
  assert.match(runHover(run), /\*\*Serving it\*\* \(per 1,000,000 inferences\)/);
});

test("FP180 quotes the run's serving estimate: full-int8 on the Edge TPU against fp32 on the training device", async () => {
  const analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
  const text = readFileSync(join(process.cwd(), "examples", "keras_cifar10.py"), "utf8");
  const { analysis } = analyzer.analyze({ path: "k.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE });
  const inf = analysis.runs[0]?.inference;
  assert.ok(inf);
  const [base] = inf.options;
  const tpu = inf.options.find((o) => o.id === "serve:coral-edge-tpu:int8");
  assert.ok(tpu);
  const fp180 = analysis.findings.find((f) => f.code === "FP180");
  assert.ok(fp180);
  assert.ok(
    fp180.message.includes(
      `${range(tpu.energyKWh, "kWh")} with ${tpu.title} instead of ${range(base.energyKWh, "kWh")}`,
    ),
  );
});
