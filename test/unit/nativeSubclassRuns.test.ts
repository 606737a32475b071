// User subclasses of modelled library classes (HF Trainer / trl SFTTrainer, Lightning Trainer):
// overriding compute_loss or adding constructor arguments keeps the library's run, with the same
// schedule as the plain class. Expected values are read from the scripts themselves.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { RunSpec } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";
import { run } from "./evaluateHelpers";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

const analyze = (text: string) =>
  analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;
const scriptNumber = (text: string, pattern: RegExp): number => {
  const m = pattern.exec(text);
  if (!m) throw new Error(`not in the script: ${pattern}`);
  return Number(m[1]);
};
const schedule = (s: RunSpec) => ({
  framework: s.framework,
  epochs: s.epochs,
  batchSize: s.batchSize,
  precision: s.precision,
  trainSamples: s.trainSamples,
  tokensPerSample: s.tokensPerSample,
  params: s.params,
  forwardFlops: s.forwardFlops,
});

const HF = (trainerDef: string, trainerCall: string) => `
from datasets import load_dataset
from transformers import AutoModelForSequenceClassification, AutoTokenizer, Trainer, TrainingArguments
${trainerDef}
tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")
imdb = load_dataset("imdb")
encoded = imdb.map(lambda b: tokenizer(b["text"], truncation=True, max_length=256, padding="max_length"), batched=True)
model = AutoModelForSequenceClassification.from_pretrained("bert-base-uncased", num_labels=2)
training_args = TrainingArguments(output_dir="ckpt", num_train_epochs=4, per_device_train_batch_size=32, fp16=True)
trainer = ${trainerCall}(model=model, args=training_args, train_dataset=encoded["train"])
trainer.train()
`;

test("a Trainer subclass overriding compute_loss trains like Trainer itself", () => {
  const plain = HF("", "Trainer");
  const sub = HF(
    `
class WeightedLossTrainer(Trainer):
    def compute_loss(self, model, inputs, return_outputs=False, **kwargs):
        outputs = model(**inputs)
        return (outputs.loss, outputs) if return_outputs else outputs.loss
`,
    "WeightedLossTrainer",
  );
  const base = analyze(plain).runs;
  const derived = analyze(sub).runs;
  assert.equal(derived.length, 1, "the subclass's train() is a run");
  assert.equal(derived[0].spec.epochs, scriptNumber(sub, /num_train_epochs=(\d+)/));
  assert.equal(derived[0].spec.precision, "fp16-mixed");
  assert.deepEqual(schedule(derived[0].spec), schedule(base[0].spec));
  assert.deepEqual(derived[0].energyKWh, base[0].energyKWh);
});

test("Trainer subclass with its own __init__ (*args, extra keyword) and a train() override", async () => {
  const text = HF(
    `
import torch
class ClassWeightedTrainer(Trainer):
    def __init__(self, *args, class_weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.class_weights = torch.tensor(class_weights)

    def train(self, *args, **kwargs):
        print("training with weights", self.class_weights)
        return super().train(*args, **kwargs)
`,
    "ClassWeightedTrainer",
  ).replace('train_dataset=encoded["train"])', 'train_dataset=encoded["train"], class_weights=[1.0, 3.0])');
  const runs = analyze(text).runs;
  assert.equal(runs.length, 1);
  const plain = analyze(HF("", "Trainer")).runs[0];
  assert.deepEqual(schedule(runs[0].spec), schedule(plain.spec), "args= reached Trainer through **kwargs");
  // Attributes the subclass does not define are the Trainer's own.
  const facts = await run(`${text}\nprint(trainer.model.config, trainer.args.num_train_epochs)\n`);
  assert.ok(facts.trace.some((e) => e.kind === "hfTrainer" && e.epochs === 4));
  assert.deepEqual(
    facts.unknowns.filter((u) => /ClassWeightedTrainer|has no attribute|not modelled/.test(u.message)),
    [],
  );
});

test("trl SFTTrainer and Lightning Trainer subclasses keep their runs", () => {
  const sft = `
from datasets import load_dataset
from transformers import AutoModelForCausalLM
from trl import SFTConfig, SFTTrainer
class MaskedSFTTrainer(SFTTrainer):
    pass
model = AutoModelForCausalLM.from_pretrained("gpt2")
data = load_dataset("imdb", split="train")
cfg = SFTConfig(output_dir="sft", num_train_epochs=2, per_device_train_batch_size=8, bf16=True)
MaskedSFTTrainer(model=model, args=cfg, train_dataset=data).train()
`;
  const s = analyze(sft).runs;
  assert.equal(s.length, 1);
  assert.equal(s[0].spec.epochs, scriptNumber(sft, /num_train_epochs=(\d+)/));
  assert.equal(s[0].spec.batchSize, scriptNumber(sft, /per_device_train_batch_size=(\d+)/));
  assert.equal(s[0].spec.precision, "bf16-mixed");

  const lightning = `
import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

class Regressor(L.LightningModule):
    def __init__(self):
        super().__init__()
        self.head = nn.Linear(16, 1)
    def training_step(self, batch, batch_idx):
        x, y = batch
        return nn.functional.mse_loss(self.head(x), y)
    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)

class TaggedTrainer(L.Trainer):
    def __init__(self, tag, **kwargs):
        super().__init__(**kwargs)
        self.tag = tag

loader = DataLoader(TensorDataset(torch.randn(4096, 16), torch.randn(4096, 1)), batch_size=128)
trainer = TaggedTrainer("baseline", max_epochs=6, accelerator="gpu", devices=2, precision="bf16-mixed")
trainer.fit(Regressor(), loader)
`;
  const l = analyze(lightning).runs;
  assert.equal(l.length, 1);
  const { spec } = l[0];
  assert.equal(spec.framework, "lightning");
  assert.equal(spec.epochs, scriptNumber(lightning, /max_epochs=(\d+)/));
  assert.equal(spec.trainSamples, scriptNumber(lightning, /torch\.randn\((\d+), 16\)/));
  assert.equal(spec.batchSize, scriptNumber(lightning, /batch_size=(\d+)/));
  assert.equal(spec.precision, "bf16-mixed");
  assert.equal(spec.device?.count, scriptNumber(lightning, /devices=(\d+)/));
  assert.equal(spec.params, 16 + 1, "nn.Linear(16, 1): 16 weights + 1 bias");
});
