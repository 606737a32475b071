// Hyperparameter sweeps multiply the runs inside them: Optuna n_trials (objective analysed once at
// the low end of each suggestion), Ray Tune num_samples × grid points, a plain `for` over configs
// and sklearn's ParameterGrid around a run (loop frames). Through the Analyzer on inline scripts.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { findDataset } from "../../server/src/analysis/run/datasetCatalog";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";
import { linearParams, run } from "./evaluateHelpers";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

const analyze = (text: string) =>
  analyzer.analyze({ path: "/w/sweep.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;
const scriptNumber = (text: string, pattern: RegExp): number => {
  const m = pattern.exec(text);
  if (!m) throw new Error(`not in the script: ${pattern}`);
  return Number(m[1]);
};
const mnistTrain = () => {
  const n = findDataset("torchvision.datasets.MNIST", { train: true })?.samples;
  assert.ok(n);
  return n;
};

const OPTUNA = `
import optuna
import torch
from torch import nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

N_TRIALS = 25
EPOCHS = 5


def build_model(trial):
    n_layers = trial.suggest_int("n_layers", 1, 3)
    layers, in_features = [], 28 * 28
    for i in range(n_layers):
        out = trial.suggest_int(f"units_l{i}", 32, 256, log=True)
        layers += [nn.Linear(in_features, out), nn.ReLU(), nn.Dropout(trial.suggest_float(f"dropout_l{i}", 0.1, 0.5))]
        in_features = out
    layers.append(nn.Linear(in_features, 10))
    return nn.Sequential(nn.Flatten(), *layers)


def objective(trial):
    model = build_model(trial).to("cuda")
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    optimizer = getattr(torch.optim, trial.suggest_categorical("optimizer", ["Adam", "SGD"]))(model.parameters(), lr=lr)
    data = datasets.MNIST(".", train=True, download=True, transform=transforms.ToTensor())
    train = DataLoader(data, batch_size=128, shuffle=True)
    for epoch in range(EPOCHS):
        for x, y in train:
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(x.cuda()), y.cuda())
            loss.backward()
            optimizer.step()
        trial.report(0.0, epoch)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return 0.0


study = optuna.create_study(direction="maximize")
study.optimize(objective, n_trials=N_TRIALS)
`;

test("Optuna: n_trials multiplies the loop in the objective, sized at the low end of each suggestion", async () => {
  const a = analyze(OPTUNA);
  assert.equal(a.runs.length, 1);
  const r = a.runs[0];
  assert.equal(r.spec.trials, scriptNumber(OPTUNA, /N_TRIALS = (\d+)/));
  assert.equal(r.spec.epochs, scriptNumber(OPTUNA, /EPOCHS = (\d+)/));
  assert.equal(r.spec.trainSamples, mnistTrain());
  // n_layers at its low end (1) with units_l0 at its low end (32).
  const units = scriptNumber(OPTUNA, /"units_l\{i\}", (\d+)/);
  assert.equal(r.spec.params, linearParams(784, units) + linearParams(units, 10));
  assert.ok(r.energyKWh && r.co2eKg);
  const facts = await run(OPTUNA);
  assert.ok(facts.unknowns.some((u) => /suggest_int\("n_layers".*analysed once with 1/.test(u.message)));
  // The sweep multiplies the priced energy: n_trials × one trial's energy.
  const one = analyze(OPTUNA.replace(/N_TRIALS = \d+/, "N_TRIALS = 1")).runs[0];
  assert.equal(one.spec.trials, 1);
  assert.ok(one.energyKWh);
  const ratio = r.energyKWh.high / one.energyKWh.high;
  assert.ok(Math.abs(ratio - r.spec.trials) < 1e-9 * r.spec.trials, `energy ratio ${ratio}`);
});

const LIGHTNING = `
import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader
from torchvision.datasets import MNIST
from torchvision import transforms


class Classifier(L.LightningModule):
    def __init__(self, lr=1e-3):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        return nn.functional.cross_entropy(self(x), y)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


loader = DataLoader(MNIST(".", train=True, transform=transforms.ToTensor()), batch_size=64)
for lr in [1e-3, 3e-4, 1e-4]:
    trainer = L.Trainer(max_epochs=2, accelerator="gpu", devices=1)
    trainer.fit(Classifier(lr=lr), loader)
`;

test("a plain for-loop over learning rates around Trainer.fit repeats the Lightning run", () => {
  const a = analyze(LIGHTNING);
  assert.equal(a.runs.length, 1);
  const { spec } = a.runs[0];
  assert.equal(spec.trials, 3, "three learning rates in the list");
  assert.equal(spec.epochs, scriptNumber(LIGHTNING, /max_epochs=(\d+)/));
  assert.equal(spec.trainSamples, mnistTrain());
  assert.equal(spec.params, linearParams(784, 128) + linearParams(128, 10));
});

test("sklearn ParameterGrid: the loop's trip count is the grid size, the first config in sorted-key order", () => {
  const text = `
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.model_selection import ParameterGrid

data = TensorDataset(torch.randn(5000, 20), torch.randint(0, 2, (5000,)))
grid = {"lr": [1e-2, 1e-3, 1e-4], "batch_size": [128, 64]}
for params in ParameterGrid(grid):
    loader = DataLoader(data, batch_size=params["batch_size"], shuffle=True)
    model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 2))
    opt = torch.optim.SGD(model.parameters(), lr=params["lr"])
    for epoch in range(3):
        for x, y in loader:
            opt.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            opt.step()
`;
  // The grid is traced config by config: configs that differ only in lr price the same and make
  // one run per batch size, each repeated for the 3 learning rates.
  const runs = analyze(text).runs.map((r) => r.spec);
  assert.deepEqual(
    runs.map((s) => [s.batchSize, s.trials]),
    [
      [128, 3],
      [64, 3],
    ],
    "sklearn sorts keys: batch_size varies slowest, its first value comes first",
  );
  for (const spec of runs) {
    assert.equal(spec.trainSamples, 5000);
    assert.equal(spec.epochs, 3);
  }
});

test("Ray Tune: num_samples × grid points; the trainable runs with the first grid value", async () => {
  const text = `
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from ray import tune


def train_fn(config):
    model = nn.Sequential(nn.Linear(20, config["hidden"]), nn.ReLU(), nn.Linear(config["hidden"], 2))
    opt = torch.optim.Adam(model.parameters(), lr=config["lr"])
    loader = DataLoader(TensorDataset(torch.randn(2000, 20), torch.randint(0, 2, (2000,))), batch_size=50)
    for epoch in range(10):
        for x, y in loader:
            opt.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            opt.step()
        tune.report(loss=0.0)


tune.run(train_fn, config={"lr": tune.loguniform(1e-4, 1e-1), "hidden": tune.grid_search([16, 32, 64])}, num_samples=4)
`;
  const { spec } = analyze(text).runs[0];
  assert.equal(spec.trials, 4 * 3);
  assert.equal(spec.params, linearParams(20, 16) + linearParams(16, 2));
  assert.equal(spec.epochs, 10);
  const facts = await run(text);
  const sweep = facts.trace.find((e) => e.kind === "sweep");
  assert.ok(sweep?.kind === "sweep" && /num_samples 4 × 3 grid points/.test(sweep.how));
});
