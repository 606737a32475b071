// Every rule FP110–FP190 on real-looking scripts through the whole pipeline: at least three where it
// must fire and three where it must stay quiet, including already-efficient scripts (autocast on,
// no_grad evaluation, early stopping, workers + pinned memory, an int8 export) and fixed goldens.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { describeSaving, whatIf } from "../../server/src/analysis/rules/savings";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { readProjectSettings } from "../../server/src/shared/pyproject";
import { resolveSettings } from "../../server/src/shared/settings";

const DIR = join(process.cwd(), "test", "fixtures", "rules");
type Settings = Record<string, unknown>;
/** [fixture under test/fixtures/rules, settings] */
type Case = [string, Settings?];

const A100 = { device: "a100" };
const EXPECT: Record<string, { fires: Case[]; quiet: Case[] }> = {
  FP110: {
    fires: [
      ["golden/fp110_torch_bf16.before.py", A100],
      ["golden/fp110_torch_fp16_t4.before.py", { device: "t4" }],
      ["golden/fp110_keras_policy.before.py", A100],
      ["golden/fp110_hf_bf16.before.py", A100],
      ["golden/fp110_lightning_precision.before.py", A100],
      ["golden/fp110_torch_bf16_cpu_fallback.before.py", A100],
    ],
    quiet: [
      ["golden/fp110_torch_bf16.after.py", A100],
      ["golden/fp110_torch_fp16_t4.after.py", { device: "t4" }],
      ["golden/fp110_hf_bf16.after.py", A100],
      ["golden/fp110_lightning_precision.after.py", A100],
      ["golden/fp110_torch_bf16_cpu_fallback.after.py", A100],
      ["cases/clean_torch.py", A100],
      ["cases/clean_keras.py", A100],
    ],
  },
  FP120: {
    fires: [
      ["golden/fp120_mlp_prune.before.py", A100],
      ["cases/fp120_transformer_ffn.py", A100],
      ["cases/fp120_keras_wide_dense.py", A100],
      ["golden/fp120_semi_structured.before.py", A100],
    ],
    quiet: [
      ["golden/fp120_mlp_prune.after.py", A100],
      ["golden/fp120_semi_structured.after.py", A100],
      // A ResNet-50's 2M-weight classifier is a sliver of its forward MACs.
      ["golden/fp110_torch_bf16.before.py", A100],
      // Volta has no sparse tensor cores: nothing to gain.
      ["cases/fp120_transformer_ffn.py", { device: "v100" }],
      ["golden/fp140_eval_no_grad.before.py", A100],
    ],
  },
  FP130: {
    fires: [
      ["golden/fp130_keras_resnet50.before.py", A100],
      ["cases/fp130_keras_xception_flatten.py", A100],
      ["../../../examples/hf_sst2_finetune.py", A100],
    ],
    quiet: [
      ["golden/fp130_keras_resnet50.after.py", A100],
      // weights=None trains from scratch; EfficientNetB0 has no smaller listed alternative.
      ["cases/fp130_keras_scratch_and_small.py", A100],
      ["cases/clean_keras.py", A100],
    ],
  },
  FP140: {
    fires: [
      ["golden/fp140_eval_no_grad.before.py"],
      ["cases/fp140_val_loss.py"],
      ["mnist_gpu_fp32.py", A100],
      ["cases/fp140_partly_frozen.py", A100],
      ["cases/fp140_grad_toggled_back.py", A100],
    ],
    quiet: [
      ["golden/fp140_eval_no_grad.after.py"],
      ["cases/fp140_set_grad_statement.py", A100],
      ["cases/fp140_decorated_eval.py", A100],
      ["cases/fp140_frozen_teacher.py", A100],
      ["cases/clean_torch.py", A100],
      ["golden/fp110_torch_bf16.before.py", A100],
    ],
  },
  FP150: {
    fires: [
      ["golden/fp150_double.before.py", A100],
      ["golden/fp150_numpy_batches.before.py", A100],
      ["golden/ignore_line_fp150.before.py", A100],
      ["cases/fp150_to_float64.py", A100],
    ],
    quiet: [
      ["golden/fp150_double.after.py", A100],
      ["golden/fp150_numpy_batches.after.py", A100],
      ["golden/ignore_line_fp150.after.py", A100],
      ["cases/clean_torch.py", A100],
      ["cases/fp150_float64_batches_only.py", A100],
    ],
  },
  FP160: {
    fires: [
      ["golden/fp160_keras_early_stopping.before.py", A100],
      ["golden/ignore_file_fp160.before.py", A100],
      ["mnist_gpu_fp32.py", A100],
    ],
    quiet: [
      ["golden/fp160_keras_early_stopping.after.py", A100],
      ["golden/ignore_file_fp160.after.py", A100],
      ["cases/clean_torch.py", A100],
      ["cases/clean_keras.py", A100],
    ],
  },
  FP170: {
    fires: [
      ["golden/fp170_loader_workers.before.py", A100],
      ["cases/fp170_no_pin_memory.py", A100],
      ["mnist_gpu_fp32.py", A100],
      ["golden/fp170_lightning_datamodule.before.py", A100],
      ["cases/fp170_lightning_fit_loader.py", A100],
      ["cases/fp170_lightning_module_loader.py", A100],
    ],
    quiet: [
      ["golden/fp170_loader_workers.after.py", A100],
      ["golden/fp170_lightning_datamodule.after.py", A100],
      ["cases/fp170_lightning_cpu.py", A100],
      // Tensors made on the GPU: workers cannot share them and pin_memory refuses them.
      ["golden/ignore_file_fp160.before.py", A100],
      ["cases/clean_torch.py", A100],
      ["golden/fp110_torch_bf16.before.py", A100],
    ],
  },
  FP180: {
    fires: [
      ["golden/fp180_torch_int8.before.py"],
      ["golden/fp180_torch_lstm_tagger.before.py", A100],
      ["golden/fp180_keras_tflite.before.py"],
      ["mnist_gpu_fp32.py", A100],
    ],
    quiet: [
      ["golden/fp180_torch_int8.after.py"],
      ["golden/fp180_torch_lstm_tagger.after.py", A100],
      ["golden/fp180_keras_tflite.after.py"],
      ["cases/clean_torch.py", A100],
      ["cases/clean_keras.py", A100],
      // Saves inside the epoch loop are checkpoints, not deployment.
      ["golden/fp110_torch_bf16.before.py", A100],
      // An optimizer state and a resumable checkpoint dict are not a model shipped for inference.
      ["cases/fp180_checkpoint_dict.py"],
    ],
  },
  FP190: {
    fires: [
      ["golden/fp110_torch_bf16.before.py", A100],
      ["cases/clean_torch.py", A100],
      ["cases/clean_keras.py", A100],
    ],
    quiet: [
      ["cases/clean_torch.py", { ...A100, region: "SWE" }],
      ["golden/fp110_torch_bf16.before.py", { ...A100, gridIntensity: 20 }],
      ["golden/fp140_eval_no_grad.before.py", A100],
    ],
  },
};

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

function codes(file: string, settings: Settings = {}): Set<string> {
  const path = join(DIR, file);
  const { analysis, tree } = analyzer.analyze({
    path,
    text: readFileSync(path, "utf8"),
    settings: resolveSettings(settings).settings,
    workspace: EMPTY_WORKSPACE,
  });
  tree?.delete();
  assert.deepEqual(analysis.syntaxErrors, [], `${file} does not parse`);
  return new Set(analysis.findings.map((f) => f.code));
}

for (const [code, { fires, quiet }] of Object.entries(EXPECT)) {
  describe(`${code} on fixtures`, () => {
    it("has at least three positive and three negative fixtures", () => {
      assert.ok(fires.length >= 3 && quiet.length >= 3);
    });
    for (const [file, settings] of fires) {
      it(`fires on ${file} ${JSON.stringify(settings ?? {})}`, () => assert.ok(codes(file, settings).has(code)));
    }
    for (const [file, settings] of quiet) {
      it(`stays quiet on ${file} ${JSON.stringify(settings ?? {})}`, () => assert.ok(!codes(file, settings).has(code)));
    }
  });
}

/** The whole analysis of a fixture, for tests that read messages. */
function analysisOf(file: string, settings: Settings = {}) {
  const path = join(DIR, file);
  const { analysis, tree } = analyzer.analyze({
    path,
    text: readFileSync(path, "utf8"),
    settings: resolveSettings(settings).settings,
    workspace: EMPTY_WORKSPACE,
  });
  tree?.delete();
  return analysis;
}

describe("priced messages quote the footprint model's what-ifs", () => {
  it("FP120 quotes the 2:4 sparsity what-if of its run and says unstructured pruning saves nothing", () => {
    const a = analysisOf("golden/fp120_mlp_prune.before.py", A100);
    const run = a.runs[0];
    const saving = describeSaving(run, whatIf(run, "sparsity-2of4"));
    assert.ok(saving, "the run has a priced sparsity what-if");
    const msg = a.findings.find((f) => f.code === "FP120")!.message;
    assert.ok(msg.includes(saving), `${msg} lacks ${saving}`);
    assert.match(msg, /Unstructured pruning saves no time on dense GPUs/);
  });

  it("FP170 prices the training loader with the loader-workers what-if and says the eval loader is not priced", () => {
    const a = analysisOf("mnist_gpu_fp32.py", A100);
    const run = a.runs[0];
    const saving = describeSaving(run, whatIf(run, "loader-workers"))!;
    const [train, test] = a.findings.filter((f) => f.code === "FP170");
    assert.ok(train.message.includes(saving), train.message);
    assert.match(test.message, /not priced: the estimate covers the training loop/);
  });

  it("FP170 prices Lightning's train_dataloader() with its run's loader-workers what-if", () => {
    const a = analysisOf("golden/fp170_lightning_datamodule.before.py", A100);
    const run = a.runs.find((r) => r.spec.framework === "lightning")!;
    const saving = describeSaving(run, whatIf(run, "loader-workers"))!;
    const [train, ...rest] = a.findings.filter((f) => f.code === "FP170");
    assert.ok(train.message.includes(saving), train.message);
    // The validation loader has workers and pinned memory already.
    assert.equal(rest.length, 0);
  });
});

describe("rules switched and re-graded from [tool.footprint]", () => {
  it("turns FP120 off and makes FP180 a warning from pyproject.toml", () => {
    const dir = mkdtempSync(join(tmpdir(), "fp-rules-"));
    const toml = join(dir, "pyproject.toml");
    writeFileSync(
      toml,
      '[tool.footprint]\ndevice = "a100"\n\n[tool.footprint.rules]\nFP120 = "off"\nFP180 = "warning"\n',
    );
    const project = readProjectSettings(toml);
    assert.deepEqual(project.problems, []);
    const base = analysisOf("golden/fp120_mlp_prune.before.py", A100);
    assert.ok(base.findings.some((f) => f.code === "FP120"));
    const switched = analysisOf("golden/fp120_mlp_prune.before.py", project.values!);
    assert.ok(!switched.findings.some((f) => f.code === "FP120"));
    const fp180 = analysisOf("mnist_gpu_fp32.py", project.values!).findings.find((f) => f.code === "FP180")!;
    assert.equal(fp180.severity, "warning");
  });
});
