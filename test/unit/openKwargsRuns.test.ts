// `**cfg` where cfg is read at run time (a YAML or JSON file): any keyword the script leaves out may
// be set there, so neither a function's parameter defaults nor TrainingArguments' library defaults
// are what runs. The run says so (an Unknown naming the spread) instead of pricing the defaults.
import assert from "node:assert/strict";
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

const onlyRun = (text: string) => {
  const runs = analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE })
    .analysis.runs;
  assert.equal(runs.length, 1);
  return runs[0];
};
const edit = (text: string, from: string, to: string) => {
  const out = text.replace(from, to);
  assert.notEqual(out, text, `script holds ${JSON.stringify(from)}`);
  return out;
};

const HF = `import yaml
from datasets import load_dataset
from transformers import AutoModelForSequenceClassification, AutoTokenizer, Trainer, TrainingArguments

with open("train.yaml") as f:
    cfg = yaml.safe_load(f)
tok = AutoTokenizer.from_pretrained("roberta-base")
ds = load_dataset("glue", "sst2").map(lambda b: tok(b["sentence"], truncation=True, max_length=64, padding="max_length"), batched=True)
model = AutoModelForSequenceClassification.from_pretrained("roberta-base", num_labels=2)
args = TrainingArguments(output_dir="out", per_device_train_batch_size=32, **cfg["training"])
Trainer(model=model, args=args, train_dataset=ds["train"]).train()
`;

test("TrainingArguments(**cfg) from YAML: what the script leaves out is unknown, what it writes is kept", () => {
  const { spec, trainFlops } = onlyRun(HF);
  assert.equal(spec.batchSize, 32, "written in the script");
  assert.equal(spec.epochs, null, "num_train_epochs may be in the YAML");
  assert.equal(trainFlops, null);
  const said = spec.unknowns.map((u) => u.message).join("\n");
  assert.match(said, /num_train_epochs \(or max_steps\) is not in the script: .*\*\*cfg\["training"\]/);
  assert.match(said, /fp16 \/ bf16 is not in the script/);
  assert.ok(!/library default/.test(spec.evidence.join("\n")));
  // Without the spread the library defaults apply, as before.
  const plain = onlyRun(edit(HF, ', **cfg["training"])', ")")).spec;
  assert.equal(plain.epochs, 3, "transformers TrainingArguments: num_train_epochs=3.0");
  assert.ok(!plain.unknowns.some((u) => /not in the script/.test(u.message)));
});

const FN = `import json
import torch
from torch import nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms


def train(epochs=10, batch_size=64, lr=0.1):
    loader = DataLoader(datasets.MNIST("data", train=True, transform=transforms.ToTensor()), batch_size=batch_size)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    for epoch in range(epochs):
        for x, y in loader:
            opt.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            opt.step()


with open("hparams.json") as fh:
    hparams = json.load(fh)
train(epochs=5, **hparams)
`;

test("a function called with **hparams from JSON: its defaults are unknown, its explicit keywords known", () => {
  const { spec } = onlyRun(FN);
  assert.equal(spec.epochs, 5, "passed explicitly");
  assert.equal(spec.batchSize, null, "batch_size may be in hparams.json");
  // A spread of a known dict keeps the defaults it does not name.
  const known = onlyRun(edit(FN, "hparams = json.load(fh)", 'hparams = {"lr": 0.01}')).spec;
  assert.equal(known.batchSize, 64);
});

const LIGHTNING = `import yaml
import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms


class Classifier(L.LightningModule):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))

    def training_step(self, batch, batch_idx):
        x, y = batch
        return nn.functional.cross_entropy(self.net(x), y)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters())


cfg = yaml.safe_load(open("config.yaml"))
loader = DataLoader(datasets.MNIST("data", train=True, transform=transforms.ToTensor()), **cfg["loader"])
trainer = L.Trainer(**cfg["trainer"])
trainer.fit(Classifier(), loader)
`;

test("Lightning Trainer(**cfg) and DataLoader(**cfg): no 1000-epoch default, no batch of 1", () => {
  const { spec, trainFlops } = onlyRun(LIGHTNING);
  assert.equal(spec.epochs, null);
  assert.equal(spec.batchSize, null, "DataLoader's batch_size=1 default may not apply");
  assert.equal(trainFlops, null);
  const said = spec.unknowns.map((u) => u.message).join("\n");
  assert.match(said, /max_epochs \/ max_steps are not in the script: .*\*\*cfg\["trainer"\]/);
  assert.match(said, /devices and precision are not in the script/);
  // The epochs directive fills the gap it names; the device directive the other.
  const filled = onlyRun(`# footprint: epochs 20\n# footprint: device a100 x2\n${LIGHTNING}`).spec;
  assert.equal(filled.epochs, 20);
  assert.ok(!filled.unknowns.some((u) => /not in the script/.test(u.message)));
  // Written out, the library defaults hold again.
  const plain = onlyRun(
    edit(edit(LIGHTNING, ', **cfg["loader"])', ")"), 'L.Trainer(**cfg["trainer"])', "L.Trainer()"),
  ).spec;
  assert.equal(plain.batchSize, 1, "torch DataLoader: batch_size=1");
  assert.equal(plain.epochs, 1000, "Lightning: max_epochs=1000 when neither max_epochs nor max_steps is set");
});
