// DeepSpeed (test/fixtures/runs/hf/deepspeed): a config file or dict sets a raw engine loop's micro
// batch and precision, the batch triple fixes the GPU count, and under the transformers Trainer the
// "auto" values come from TrainingArguments while explicit ones that disagree stop the run. Expected
// values are read from the fixtures' own configs and the libraries' documented rules.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { dsBatch, readDsConfig } from "../../server/src/analysis/frameworks/deepspeed/dsConfig";
import { parseConfigText } from "../../server/src/analysis/evaluate/configFiles";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { findDataset } from "../../server/src/analysis/run/datasetCatalog";
import type { FileAnalysis } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE, type WorkspaceReader } from "../../server/src/analysis/workspace";
import { createWorkspaceReader } from "../../server/src/lsp/workspaceReader";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

const DIR = join(process.cwd(), "test/fixtures/runs/hf/deepspeed");
const text = (name: string) => readFileSync(join(DIR, name), "utf8");
const json = (name: string) => JSON.parse(text(name));

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

function analyze(
  name: string,
  body = text(name),
  workspace: WorkspaceReader = createWorkspaceReader([DIR]),
): FileAnalysis {
  return analyzer.analyze({ path: join(DIR, name), text: body, settings: DEFAULT_SETTINGS, workspace }).analysis;
}
const onlyRun = (a: FileAnalysis) => {
  assert.equal(a.runs.length, 1);
  return a.runs[0];
};
const said = (a: FileAnalysis, re: RegExp) =>
  (a.unknowns ?? []).some((u) => re.test(u.message)) ||
  a.runs.some((r) => r.spec.unknowns.some((u) => re.test(u.message)));

describe("the DeepSpeed batch identity", () => {
  test("train_batch_size = micro × accumulation × GPUs: the GPU count follows from all three", () => {
    assert.deepEqual(dsBatch(256, 16, 4), { micro: 16, accum: 4, gpus: 4 });
    // Not a whole number of GPUs: the config is inconsistent, the count is not guessed.
    assert.equal(dsBatch(100, 16, 4).gpus, null);
    // micro alone: accumulation 1 (DeepSpeed's default); tbs + micro: accumulation needs the GPU count.
    assert.deepEqual(dsBatch(null, 8, null), { micro: 8, accum: 1, gpus: null });
    assert.deepEqual(dsBatch(64, 8, null), { micro: 8, accum: null, gpus: null });
    assert.deepEqual(dsBatch(64, null, 2), { micro: null, accum: 2, gpus: null });
  });

  test("a config file's sections: fp16, bf16 'auto', ZeRO stage and offload", () => {
    const read = (name: string) => {
      const v = parseConfigText(text(name), name);
      assert.ok(typeof v !== "string");
      return readDsConfig(v, name);
    };
    const cifar = read("ds_config_cifar.json");
    assert.equal(cifar?.microBatch, json("ds_config_cifar.json").train_micro_batch_size_per_gpu);
    assert.equal(cifar?.fp16, true);
    assert.equal(cifar?.bf16, null);
    assert.equal(cifar?.zeroStage, 1);
    const zero2 = read("ds_zero2_auto.json");
    assert.equal(zero2?.bf16, "auto");
    assert.equal(zero2?.trainBatch, "auto");
    assert.equal(zero2?.zeroStage, 2);
    assert.deepEqual(zero2?.offload, ["optimizer to cpu"]);
  });
});

describe("deepspeed.initialize and the engine loop", () => {
  test("CIFAR-10 through the engine: the loader DeepSpeed builds runs at the config's micro batch, fp16", () => {
    const a = analyze("cifar_engine.py");
    const r = onlyRun(a);
    const cfg = json("ds_config_cifar.json");
    assert.equal(r.spec.batchSize, cfg.train_micro_batch_size_per_gpu);
    assert.equal(r.spec.precision, "fp16-mixed");
    assert.equal(r.spec.epochs, Number(/"--epochs", type=int, default=(\d+)/.exec(text("cifar_engine.py"))![1]));
    assert.equal(r.spec.trainSamples, findDataset("torchvision.datasets.CIFAR10", { train: true })?.samples);
    assert.equal(r.spec.params, a.models[0].params);
    assert.ok(r.co2eKg, "priced");
    // The deepspeed launcher, not the script, decides how many GPUs run.
    assert.ok(r.spec.unknowns.some((u) => /deepspeed\.initialize.*deepspeed --num_gpus/.test(u.message)));
    // DeepSpeedDataLoader pins memory and starts workers: FP170 has nothing to say about it.
    assert.ok(!a.findings.some((f) => f.code === "FP170"));
  });

  test("the config missing from the workspace, or named only at launch, is said to be unknown", () => {
    const missing = analyze("cifar_engine.py", undefined, EMPTY_WORKSPACE);
    assert.ok(said(missing, /ds_config_cifar\.json is not in the workspace/));
    assert.equal(onlyRun(missing).spec.precision, "fp32");
    const launch = text("cifar_engine.py").replace("        config=args.ds_config,\n", "");
    const a = analyze("cifar_engine.py", launch);
    assert.ok(said(a, /chosen at launch \(--deepspeed_config\)/));
    assert.ok(said(a, /micro batch per GPU is not in the config/));
  });

  test("GPT-2 with a config dict: 256 = 16 per GPU × 4 accumulated × 4 GPUs, bf16", () => {
    const a = analyze("gpt2_wikitext_engine.py");
    const r = onlyRun(a);
    assert.equal(r.spec.device?.count, 256 / (16 * 4));
    assert.equal(r.spec.precision, "bf16-mixed");
    // engine.train_micro_batch_size_per_gpu() reads the config back for the script's own DataLoader.
    assert.equal(r.spec.batchSize, 16);
    assert.equal(r.spec.tokensPerSample, 512);
    // group_texts cut every token column into BLOCK_SIZE blocks: engine(**batch) traces GPT-2 at 512.
    // Before, the regrouped columns had no shape and the loop's model had no FLOPs.
    assert.deepEqual(a.models[0].inputShape, [512]);
    const m = a.models[0];
    assert.ok(m.forwardFlops !== null && (m.recomputedFlops ?? 0) > 0, "gradient_checkpointing_enable() recomputes");
    assert.equal(r.spec.forwardFlops, m.forwardFlops + (m.recomputedFlops ?? 0) / 3);
    // Without train_batch_size the count is the launcher's again.
    const open = analyze(
      "gpt2_wikitext_engine.py",
      text("gpt2_wikitext_engine.py").replace('    "train_batch_size": 256,\n', ""),
    );
    assert.equal(onlyRun(open).spec.device?.count ?? null, null);
    assert.ok(onlyRun(open).spec.unknowns.some((u) => /deepspeed --num_gpus/.test(u.message)));
  });
});

describe("TrainingArguments(deepspeed=...)", () => {
  const script = () => text("finetune_mistral_zero2.py");

  test("'auto' values follow the TrainingArguments; ZeRO-2 offload is said to be unpriced", () => {
    const a = analyze("finetune_mistral_zero2.py");
    const r = onlyRun(a);
    assert.equal(r.spec.batchSize, Number(/per_device_train_batch_size=(\d+)/.exec(script())![1]));
    assert.equal(r.spec.gradientAccumulation, Number(/gradient_accumulation_steps=(\d+)/.exec(script())![1]));
    assert.equal(r.spec.precision, "bf16-mixed");
    assert.equal(r.spec.trainSamples, findDataset("hf:tatsu-lab/alpaca", { split: "train" })?.samples);
    assert.ok(said(a, /ZeRO stage 2 with optimizer to cpu \(ds_zero2_auto\.json\)/));
    assert.ok(r.spec.unknowns.some((u) => /TrainingArguments\(deepspeed=\.\.\.\).*launcher/.test(u.message)));
  });

  test("a numeric train_batch_size gives the GPU count: 128 = 2 × 8 × 8", () => {
    const inline = script().replace(
      'deepspeed="ds_zero2_auto.json"',
      'deepspeed={"train_batch_size": 128, "train_micro_batch_size_per_gpu": "auto", "zero_optimization": {"stage": 3}}',
    );
    const r = onlyRun(analyze("finetune_mistral_zero2.py", inline));
    assert.equal(r.spec.device?.count, 128 / (2 * 8));
  });

  test("an explicit value that disagrees with TrainingArguments: transformers raises, and the report says so", () => {
    const clash = script().replace(
      'deepspeed="ds_zero2_auto.json"',
      'deepspeed={"gradient_accumulation_steps": 4, "fp16": {"enabled": True}}',
    );
    const a = analyze("finetune_mistral_zero2.py", clash);
    assert.ok(
      said(a, /gradient_accumulation_steps 4 vs 8, fp16\.enabled true vs false\): transformers raises ValueError/),
    );
    assert.ok(!said(analyze("finetune_mistral_zero2.py"), /raises ValueError/));
  });
});

test("ZeRO-3 with zero.Init and a CPU optimizer: the model built inside is the one trained; offload is said", () => {
  const script = `import deepspeed
import torch.nn as nn
from deepspeed.ops.adam import DeepSpeedCPUAdam
from torchvision import datasets, transforms

ds_config = {"train_micro_batch_size_per_gpu": 64, "bf16": {"enabled": True}, "zero_optimization": {"stage": 3, "offload_param": {"device": "cpu"}}}

with deepspeed.zero.Init(config_dict_or_path=ds_config):
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10))

opt = DeepSpeedCPUAdam(model.parameters(), lr=1e-3)
train = datasets.MNIST("data", train=True, download=True, transform=transforms.ToTensor())
engine, opt, loader, _ = deepspeed.initialize(model=model, optimizer=opt, training_data=train, config=ds_config)
loss_fn = nn.CrossEntropyLoss()
for epoch in range(5):
    for x, y in loader:
        x, y = x.to(engine.device), y.to(engine.device)
        loss = loss_fn(engine(x), y)
        engine.backward(loss)
        engine.step()
`;
  const a = analyze("zero3_mnist.py", script, EMPTY_WORKSPACE);
  const r = onlyRun(a);
  // The whole MNIST train split at the config's micro batch of 64, 5 epochs, bf16.
  assert.equal(r.spec.batchSize, 64);
  assert.equal(r.spec.epochs, 5);
  assert.equal(r.spec.trainSamples, findDataset("torchvision.datasets.MNIST", { train: true })?.samples);
  assert.equal(r.spec.precision, "bf16-mixed");
  assert.equal(r.spec.params, a.models[0].params);
  assert.ok(said(a, /ZeRO stage 3 with parameters to cpu \(the config dict\)/));
});

test("accelerate's DeepSpeedPlugin(hf_ds_config=...): an enabled bf16 sets the precision; 'auto' leaves it to the launch", () => {
  const script = (cfg: string) =>
    [
      "import torch",
      "import torch.nn as nn",
      "from accelerate import Accelerator",
      "from accelerate.utils import DeepSpeedPlugin",
      "from torch.utils.data import DataLoader",
      "from torchvision import datasets, transforms",
      "",
      `accelerator = Accelerator(deepspeed_plugin=DeepSpeedPlugin(hf_ds_config=${cfg}))`,
      "model = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))",
      "opt = torch.optim.AdamW(model.parameters())",
      'loader = DataLoader(datasets.MNIST("d", train=True, transform=transforms.ToTensor()), batch_size=128)',
      "model, opt, loader = accelerator.prepare(model, opt, loader)",
      "for epoch in range(3):",
      "    for x, y in loader:",
      "        loss = nn.functional.cross_entropy(model(x), y)",
      "        accelerator.backward(loss)",
      "        opt.step()",
      "        opt.zero_grad()",
      "",
    ].join("\n");
  const on = analyze(
    "plugin.py",
    script('{"bf16": {"enabled": True}, "zero_optimization": {"stage": 2, "offload_optimizer": {"device": "cpu"}}}'),
  );
  assert.equal(onlyRun(on).spec.precision, "bf16-mixed");
  assert.ok(said(on, /ZeRO stage 2 with optimizer to cpu \(the config dict\)/));
  assert.ok(!said(on, /without mixed_precision/));
  // The file form: ds_zero2_auto.json leaves bf16 "auto", which accelerate fills from mixed_precision.
  const auto = analyze("plugin.py", script('"ds_zero2_auto.json"'));
  assert.equal(onlyRun(auto).spec.precision, "fp32");
  assert.ok(said(auto, /Accelerator\(\) without mixed_precision=: accelerate launch sets it/));
});
