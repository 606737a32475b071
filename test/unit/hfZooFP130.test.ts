// Rule FP130 and the smaller-model what-if: a fine-tune of a checkpoint with a catalogued smaller
// alternative is priced with the alternative's real size, the finding quotes the published quality
// delta, and the fix (checkpoint string / torchvision builder + weights enum) reanalyses to that size.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { applyEdits } from "../../server/src/analysis/fixes/textEdits";
import { findKerasApp } from "../../server/src/analysis/frameworks/keras/applications";
import { allAlternatives } from "../../server/src/analysis/frameworks/zoo/alternatives";
import { torchvisionZoo } from "../../server/src/analysis/frameworks/torch/zooData";
import { findCheckpoint } from "../../server/src/analysis/frameworks/transformers/hfZoo";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});
const read = (p: string) => readFileSync(join(process.cwd(), p), "utf8");
const analyze = (text: string) =>
  analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;
const csv = read("server/src/analysis/frameworks/zoo/data/model_ground_truth.csv").split("\n");
const truth = (fw: string, model: string) => Number(csv.find((l) => l.startsWith(`${fw},${model},`))!.split(",")[2]);
const acc1 = (model: string) =>
  Number(/acc@1 ([\d.]+)/.exec(csv.find((l) => l.startsWith(`torchvision,${model},`))!)![1]);

test("alternatives.json: every row names catalogued models, cites a source, and torchvision accuracies match the ground truth", () => {
  for (const r of allAlternatives()) {
    assert.ok(r.source.length > 10, `${r.from} → ${r.to} cites a source`);
    if (r.hub === "huggingface") {
      assert.ok(findCheckpoint(r.from) && findCheckpoint(r.to), `${r.from} → ${r.to} catalogued`);
    } else if (r.hub === "keras") {
      // Checked in kerasFP130.test.ts (catalogued, one figure per model across rows).
      assert.ok(findKerasApp(r.from) && findKerasApp(r.to), `${r.from} → ${r.to} in the keras.applications catalog`);
    } else {
      assert.ok(torchvisionZoo()[r.from] && torchvisionZoo()[r.to], `${r.from} → ${r.to} in the torchvision zoo`);
      // "V1 acc@1 76.130; V2 80.858": the first figure of the note is the one the alternatives quote.
      assert.equal(r.quality?.from, acc1(r.from));
      assert.equal(r.quality?.to, acc1(r.to));
    }
  }
});

test("SST-2 example: FP130 proposes DistilBERT at its real size; the fix swaps the checkpoint and the rerun matches", () => {
  const text = read("examples/hf_sst2_finetune.py");
  const a = analyze(text);
  const f = a.findings.find((x) => x.code === "FP130");
  assert.ok(f, "FP130 fires on a BERT fine-tune");
  assert.match(f.message, /distilbert-base-uncased/);
  assert.match(f.message, /GLUE dev macro-score 79\.5 → 77/);
  const run = a.runs[0];
  const alt = run.spec.smallerModel!;
  // DistilBertForSequenceClassification = DistilBertModel (ground truth) + pre_classifier(h, h) + classifier(h, 2).
  assert.equal(alt.params, truth("transformers", "distilbert-base-uncased") + 768 * 768 + 768 + 768 * 2 + 2);
  const w = run.whatIfs.find((x) => x.id === "smaller-model:distilbert-base-uncased");
  assert.ok(w && w.saving !== null && w.saving < -0.3, "about half the layers: a large saving");
  const fixed = applyEdits(text, f.fixes[0].edits);
  assert.match(fixed, /CHECKPOINT = "distilbert-base-uncased"/);
  const b = analyze(fixed);
  assert.equal(b.models[0].params, alt.params);
  assert.equal(b.models[0].forwardFlops, alt.forwardFlops);
  assert.ok(!b.findings.some((x) => x.code === "FP130"), "DistilBERT has no listed smaller alternative");
});

test("torchvision: resnet50 fine-tune → resnet18 with a consistent weights enum; the rerun has the predicted size", () => {
  const text = read("test/fixtures/hf/resnet50_flowers_finetune.py");
  const a = analyze(text);
  const f = a.findings.find((x) => x.code === "FP130");
  assert.ok(f);
  assert.match(f.message, new RegExp(`acc@1 ${acc1("resnet50")} → ${acc1("resnet18")}`));
  const fixed = applyEdits(text, f.fixes[0].edits);
  assert.match(fixed, /from torchvision.models import ResNet18_Weights, resnet18/);
  assert.match(fixed, /resnet18\(weights=ResNet18_Weights.IMAGENET1K_V1\)/);
  const b = analyze(fixed);
  const classes = Number(/nn.Linear\(model.fc.in_features, (\d+)\)/.exec(text)![1]);
  const resnet18 = truth("torchvision", "resnet18") - (512 * 1000 + 1000) + 512 * classes + classes;
  assert.equal(b.models[0].params, resnet18);
  const alt = a.runs[0].spec.smallerModel!;
  assert.equal(alt.params, resnet18);
  // The what-if scales the traced FLOPs by the oracle's body MACs; only the head's share differs.
  assert.ok(Math.abs(alt.forwardFlops / b.models[0].forwardFlops! - 1) < 0.01);
});

test("FP130 stays quiet for models trained from scratch and for checkpoints without a listed alternative", () => {
  const scratch = [
    "from transformers import AutoConfig, AutoModelForSequenceClassification, Trainer, TrainingArguments",
    'config = AutoConfig.from_pretrained("bert-base-uncased", num_labels=2)',
    "model = AutoModelForSequenceClassification.from_config(config)",
    "trainer = Trainer(model=model, args=TrainingArguments(output_dir='o'))",
    "trainer.train()",
    "",
  ].join("\n");
  assert.ok(!analyze(scratch).findings.some((x) => x.code === "FP130"));
  const noWeights = read("test/fixtures/hf/resnet50_flowers_finetune.py").replace(
    "weights=ResNet50_Weights.IMAGENET1K_V2",
    "",
  );
  assert.ok(!analyze(noWeights).findings.some((x) => x.code === "FP130"));
  assert.ok(!analyze(read("test/fixtures/hf/llama_lora_sft.py")).findings.some((x) => x.code === "FP130"));
});

test("an org-prefixed checkpoint is swapped for the alternative's org-prefixed name; frozen layers stay frozen in share", () => {
  const text = read("test/fixtures/hf/roberta_mnli_frozen.py");
  const a = analyze(text);
  const f = a.findings.find((x) => x.code === "FP130");
  assert.ok(f);
  const fixed = applyEdits(text, f.fixes[0].edits);
  assert.match(fixed, /CHECKPOINT = "distilbert\/distilroberta-base"/);
  const alt = a.runs[0].spec.smallerModel!;
  const b = analyze(fixed);
  assert.equal(b.models[0].params, alt.params);
  // The what-if keeps the original's trainable share; the fixed script freezes its own 6 of 6 layers.
  const m = a.models[0];
  assert.equal(alt.trainableParams, Math.round((alt.params * m.trainableParams) / m.params));
});
