// Runs whose GPU count is decided at launch, not in the script: Keras under tf.distribute's
// MirroredStrategy and Lightning with devices="auto" / -1 train on every visible GPU. The run is
// priced on footprint.deviceCount and says so as an Unknown that a `# footprint: device` fills.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { RunEstimate } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS, type Settings } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

const analyze = (text: string, settings: Settings = DEFAULT_SETTINGS) =>
  analyzer.analyze({ path: "/w/train.py", text, settings, workspace: EMPTY_WORKSPACE }).analysis;
const atLaunch = (r: RunEstimate) => r.spec.unknowns.filter((u) => /decided at launch/.test(u.message));

const KERAS = (strategy: string) => `
import tensorflow as tf
from tensorflow import keras

strategy = ${strategy}
(x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()
with strategy.scope():
    model = keras.Sequential([keras.layers.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10)])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, epochs=3, batch_size=128)
`;

test("Keras under MirroredStrategy(): the count is the visible GPUs, an unknown with how to state it", () => {
  const text = KERAS("tf.distribute.MirroredStrategy()");
  const [r] = analyze(text).runs;
  assert.equal(r.spec.framework, "keras");
  assert.equal(r.spec.device?.kind, "gpu");
  assert.equal(r.spec.device?.count, null);
  const [gap] = atLaunch(r);
  assert.ok(gap, "an unknown says the count is decided at launch");
  assert.match(gap.message, /^tf\.distribute\.MirroredStrategy\(\) \(line 5\)/);
  assert.match(gap.message, /footprint\.deviceCount/);
  assert.match(gap.hint ?? "", /# footprint: device a100 x4/);
  assert.equal(r.deviceCount, DEFAULT_SETTINGS.deviceCount, "priced on the setting");
  assert.equal(analyze(text, { ...DEFAULT_SETTINGS, deviceCount: 4 }).runs[0].deviceCount, 4);

  const stated = analyze(`# footprint: device a100 x4\n${text}`).runs[0];
  assert.equal(stated.deviceCount, 4);
  assert.deepEqual(atLaunch(stated), []);
});

test("MirroredStrategy with a device list, or one device, states the count itself", () => {
  const listed = analyze(KERAS('tf.distribute.MirroredStrategy(["/gpu:0", "/gpu:1"])')).runs[0];
  assert.equal(listed.spec.device?.count, 2);
  assert.equal(listed.deviceCount, 2);
  assert.deepEqual(atLaunch(listed), []);
  const one = analyze(KERAS('tf.distribute.OneDeviceStrategy("/gpu:0")')).runs[0];
  assert.equal(one.spec.device?.count, 1);
  assert.deepEqual(atLaunch(one), []);
});

const LIGHTNING = (trainerArgs: string) => `
import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

class Classifier(L.LightningModule):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 4))
    def training_step(self, batch, batch_idx):
        x, y = batch
        return nn.functional.cross_entropy(self.layers(x), y)
    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=1e-3)

train = DataLoader(TensorDataset(torch.randn(2048, 32), torch.randint(0, 4, (2048,))), batch_size=64)
trainer = L.Trainer(${trainerArgs})
trainer.fit(Classifier(), train)
`;

test('Lightning devices="auto" and devices=-1: every visible GPU, said as an unknown', () => {
  for (const [flag, shown] of [
    ['devices="auto"', 'Trainer(devices="auto")'],
    ["devices=-1", "Trainer(devices=-1)"],
    ["gpus=-1", "Trainer(gpus=-1)"],
  ]) {
    const [r] = analyze(LIGHTNING(`max_epochs=5, accelerator="gpu", ${flag}, strategy="ddp"`)).runs;
    assert.equal(r.spec.device?.kind, "gpu", flag);
    assert.equal(r.spec.device?.count, null, flag);
    const [gap] = atLaunch(r);
    assert.ok(gap, flag);
    assert.ok(gap.message.startsWith(`${shown} (line 19)`), gap.message);
  }
});

test("Lightning with a device count, or on the CPU, has no launch unknown", () => {
  const fixed = analyze(LIGHTNING('max_epochs=5, accelerator="gpu", devices=2')).runs[0];
  assert.equal(fixed.deviceCount, 2);
  assert.deepEqual(atLaunch(fixed), []);
  const cpu = analyze(LIGHTNING('max_epochs=5, accelerator="cpu", devices="auto"')).runs[0];
  assert.equal(cpu.spec.device?.kind, "cpu");
  assert.deepEqual(atLaunch(cpu), []);
  const stated = analyze(`# footprint: device h100 x8\n${LIGHTNING('accelerator="gpu", devices="auto"')}`).runs[0];
  assert.equal(stated.deviceCount, 8);
  assert.deepEqual(atLaunch(stated), []);
});

const DATA_PARALLEL = (wrap: string) => `
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 2)).cuda()
model = ${wrap}
loader = DataLoader(TensorDataset(torch.randn(4096, 32), torch.randint(0, 2, (4096,))), batch_size=64)
opt = torch.optim.Adam(model.parameters())
for epoch in range(5):
    for x, y in loader:
        loss = nn.functional.cross_entropy(model(x.cuda()), y.cuda())
        opt.zero_grad()
        loss.backward()
        opt.step()
`;

test("nn.DataParallel(model) replicates over every visible GPU: the count is decided at launch", () => {
  const [r] = analyze(DATA_PARALLEL("nn.DataParallel(model)")).runs;
  assert.equal(r.spec.device?.kind, "gpu");
  assert.equal(r.spec.device?.count, null);
  const [gap] = atLaunch(r);
  assert.ok(gap, "an unknown says the count is decided at launch");
  assert.match(gap.message, /^DataParallel \(line 7\)/);
  assert.equal(r.deviceCount, DEFAULT_SETTINGS.deviceCount, "priced on the setting");
  // A literal device_ids list states the count: no unknown.
  const listed = analyze(DATA_PARALLEL("nn.DataParallel(model, device_ids=[0, 1, 2])")).runs[0];
  assert.equal(listed.spec.device?.count, 3);
  assert.deepEqual(atLaunch(listed), []);
});
