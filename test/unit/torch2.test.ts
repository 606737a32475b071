// Gaps found by the second round of unseen-style PyTorch probes (test/fixtures/torch/probes2/):
// each test is the general mechanism behind one fix, on a small script in the probe's style.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { FileAnalysis } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";
import { conv2dParams, model, run } from "./evaluateHelpers";

let shared: Analyzer | null = null;
async function analyzer(): Promise<{ analyze: (text: string) => FileAnalysis }> {
  shared ??= new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
  const a = shared;
  return {
    analyze: (text) =>
      a.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis,
  };
}

test("`m is C3` on classes taken from a table decides the branch (YOLO-style row parser)", async () => {
  const facts = await run(`import torch.nn as nn
class Conv(nn.Module):
    def __init__(self, c1, c2, k=1, s=1, g=1):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, k // 2, groups=g)
class C3(nn.Module):
    pass
TABLE = {"Conv": Conv, "C3": C3}
m = TABLE["Conv"]
args = [3, 32, 6, 2]
if m is C3:
    args.insert(2, 1)
same = TABLE["C3"] is C3
model = m(*args)
`);
  assert.equal(model(facts, "model").params, conv2dParams(3, 32, 6));
});

test("two different functions are never `is`-identical", async () => {
  const facts = await run(`import torch.nn as nn
def relu_block(c):
    return nn.Linear(c, c)
def gelu_block(c):
    return nn.Linear(c, 2 * c)
make = relu_block
width = 8
if make is gelu_block:
    width = 100
model = make(width)
`);
  assert.equal(model(facts, "model").params, 8 * 8 + 8);
});

const cocoScript = (valArgs: string) => `import os
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

root = "data/coco"
tf = transforms.Compose([transforms.Resize((64, 64)), transforms.ToTensor()])
train_ds = datasets.CocoDetection(os.path.join(root, "train2017"), os.path.join(root, "annotations/instances_train2017.json"), transform=tf)
val_ds = datasets.CocoDetection(${valArgs}, transform=tf)
train_loader = DataLoader(train_ds, batch_size=8)
val_loader = DataLoader(val_ds, batch_size=8)
model = nn.Conv2d(3, 8, 3).cuda()
opt = torch.optim.SGD(model.parameters(), lr=0.01)
for epoch in range(2):
    for x, y in train_loader:
        loss = model(x.cuda()).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        for x, y in val_loader:
            model(x.cuda())
`;

test("COCO's split comes from its folder and annotation file: val2017 is priced at 5,000, not train's 118,287", async () => {
  const { analyze } = await analyzer();
  const { spec } = analyze(
    cocoScript('os.path.join(root, "val2017"), os.path.join(root, "annotations/instances_val2017.json")'),
  ).runs[0];
  assert.equal(spec.trainSamples, 118287);
  assert.equal(spec.valSamples, 5000);
});

test("COCO paths the analysis cannot read leave that split's samples unknown, with a note", async () => {
  const { analyze } = await analyzer();
  const a = analyze(cocoScript("IMG_DIR, ANN_FILE"));
  assert.equal(a.runs[0].spec.valSamples, null);
  assert.ok(
    (a.unknowns ?? []).some((u) => /CocoDetection: the split/.test(u.message)),
    JSON.stringify(a.unknowns),
  );
});

const vocDetection = (args: string) => `import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

tf = transforms.Compose([transforms.Resize((64, 64)), transforms.ToTensor()])
ds = datasets.VOCDetection(${args}, transform=tf)
loader = DataLoader(ds, batch_size=8)
model = nn.Conv2d(3, 8, 3)
opt = torch.optim.SGD(model.parameters(), lr=0.01)
for epoch in range(2):
    for x, y in loader:
        loss = model(x).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
`;

test("VOC's year picks the catalog row: 2007 trainval is 5,011 images, 2012 (the default) 11,540", async () => {
  const { analyze } = await analyzer();
  assert.equal(analyze(vocDetection('"data", year="2007", image_set="trainval"')).runs[0].spec.trainSamples, 5011);
  assert.equal(analyze(vocDetection('"data", "2007", "test"')).runs[0].spec.trainSamples, 4952);
  assert.equal(analyze(vocDetection('"data", image_set="trainval"')).runs[0].spec.trainSamples, 11540);
});

test("a VOC year not in the catalog or not readable leaves the samples unknown, with a note", async () => {
  const { analyze } = await analyzer();
  assert.equal(analyze(vocDetection('"data", year="2010", image_set="train"')).runs[0].spec.trainSamples, null);
  const a = analyze(vocDetection('"data", year=YEAR, image_set="train"'));
  assert.equal(a.runs[0].spec.trainSamples, null);
  assert.ok(
    (a.unknowns ?? []).some((u) => /the year \(year=\) cannot be read/.test(u.message)),
    JSON.stringify(a.unknowns),
  );
});

const distillScript = (evalCall: string) => `import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

class Distiller(nn.Module):
    def __init__(self):
        super().__init__()
        self.teacher = nn.Linear(64, 512)
        self.student = nn.Linear(64, 8)
        for p in self.teacher.parameters():
            p.requires_grad_(False)

    def forward(self, x):
        s = self.student(x)
        with torch.no_grad():
            t = self.teacher(x)
        return s, t

model = Distiller()
opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1)
train_loader = DataLoader(TensorDataset(torch.randn(1000, 64)), batch_size=10)
val_loader = DataLoader(TensorDataset(torch.randn(200, 64)), batch_size=10)
for epoch in range(2):
    for (x,) in train_loader:
        s, t = model(x)
        loss = (s.sum() - t.sum()) ** 2
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        for (x,) in val_loader:
            ${evalCall}
`;
// nn.Linear(a, b) forward: a·b MACs per sample, FLOPs = 2 × MACs (torch.nn docs; oracle convention).
const STUDENT = 2 * 64 * 8;
const TEACHER = 2 * 64 * 512;

test("a teacher the wrapper's own forward runs under no_grad is priced forward-only (1×), the student 3×", async () => {
  const { analyze } = await analyzer();
  const est = analyze(distillScript("model(x)")).runs[0];
  // Evaluating the whole wrapper runs both forwards once.
  const expected = 2 * (1000 * (3 * STUDENT + TEACHER) + 200 * (STUDENT + TEACHER));
  assert.equal(est.trainFlops?.low, expected);
  assert.equal(est.trainFlops?.high, expected);
});

test("an evaluation that calls a part of the trained model (model.student) is priced at that part's forward", async () => {
  const { analyze } = await analyzer();
  const est = analyze(distillScript("model.student(x)")).runs[0];
  assert.equal(est.trainFlops?.low, 2 * (1000 * (3 * STUDENT + TEACHER) + 200 * STUDENT));
  assert.ok(
    est.spec.evidence.some((s) => /calls model\.student: priced at its layers' forward/.test(s)),
    est.spec.evidence.join("\n"),
  );
});

test("a model whose forward needs several inputs is told to state its FLOPs, not one input shape", async () => {
  const facts = await run(`import torch
import torch.nn as nn
class CondNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(1000, 64)
        self.proj = nn.Linear(128, 10)
    def forward(self, x, t, scale=1.0):
        return self.proj(torch.cat([x, self.embed(t)], -1)) * scale
model = CondNet()
`);
  const hint = model(facts, "model").unknowns.find((u) => u.hint)?.hint ?? "";
  assert.match(
    hint,
    /^add `# footprint: flops <FLOPs per sample>` above the model \(its forward takes 2 inputs, x, t,/,
  );
});

test("type(name, (nn.Module,), {...}) builds a module class whose layers are counted", async () => {
  const facts = await run(`import torch.nn as nn
def _init(self, d, mult):
    nn.Module.__init__(self)
    self.fc1 = nn.Linear(d, d * mult)
    self.fc2 = nn.Linear(d * mult, d)
def _forward(self, x):
    return self.fc2(self.fc1(x))
FeedForward = type("FeedForward", (nn.Module,), {"__init__": _init, "forward": _forward})
class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ffn = FeedForward(16, 2)
model = Block()
`);
  const m = model(facts, "model");
  assert.equal(m.params, 16 * 32 + 32 + 32 * 16 + 16);
  assert.equal(m.paramsInexact, undefined);
});

test("an attribute set from a call the analysis cannot resolve makes the count a lower bound, said", async () => {
  const facts = await run(`import torch.nn as nn
from mylib.blocks import make_ffn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 16)
        self.ffn = make_ffn(16)
model = Net()
`);
  const m = model(facts, "model");
  assert.equal(m.params, 16 * 16 + 16);
  assert.equal(m.paramsInexact, "lowerBound");
  assert.ok(
    m.unknowns.some((u) => /`ffn = make_ffn\(16\)` could not be resolved/.test(u.message)),
    JSON.stringify(m.unknowns),
  );
});

const semiSupervised = `import itertools
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

model = nn.Linear(32, 10)
ema = nn.Linear(32, 10)
lab = DataLoader(TensorDataset(torch.randn(1000, 32), torch.zeros(1000).long()), batch_size=16, drop_last=True)
unl = DataLoader(TensorDataset(torch.randn(5000, 32)), batch_size=112, drop_last=True)
test_loader = DataLoader(TensorDataset(torch.randn(500, 32), torch.zeros(500).long()), batch_size=100)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
lab_iter, unl_iter = itertools.cycle(lab), itertools.cycle(unl)
for step in range(1000):
    x_l, y_l = next(lab_iter)
    (x_u,) = next(unl_iter)
    logits = model(torch.cat([x_l, x_u]))
    loss = logits.sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if (step + 1) % 100 == 0:
        with torch.no_grad():
            for xt, yt in test_loader:
                ema(xt)
`;

test("a model run once per step on more rows than the loader's batch is priced per row it runs", async () => {
  const { analyze } = await analyzer();
  const est = analyze(semiSupervised).runs[0];
  assert.equal(est.spec.batchSize, 16);
  // 1000 steps of 16 + 112 = 128 rows, 3 × the Linear(32, 10) forward (2 × 32 × 10 FLOPs) each, plus
  // the evaluation every 100 steps: 10 passes over 500 test rows at the EMA copy's own forward.
  assert.equal(est.trainFlops?.low, 1000 * 128 * 3 * (2 * 32 * 10) + 10 * 500 * (2 * 32 * 10));
});

test("an evaluation pass nested in the step loop is not priced as a teacher on every batch, but per its period", async () => {
  const { analyze } = await analyzer();
  const est = analyze(semiSupervised).runs[0];
  assert.ok(
    !est.spec.evidence.some((s) => /forward-only under no_grad in the loop/.test(s)),
    est.spec.evidence.join("\n"),
  );
  assert.ok(
    // A step loop with no epoch loop around it: its index never restarts, so no "restarts each epoch".
    est.spec.evidence.some((s) => /^500 evaluation samples every 100 batches .* over the run$/.test(s)),
    est.spec.evidence.join("\n"),
  );
  assert.equal(est.spec.evalForwardFlops, 2 * 32 * 10);
});

test("F.cross_entropy(..., reduction='none') gives one loss per row (the functional table's rule), not the logits' shape", async () => {
  const facts = await run(`import torch
import torch.nn as nn
import torch.nn.functional as F
logits = torch.randn(448, 10)
per_row = F.cross_entropy(logits, torch.randint(0, 10, (448,)), reduction="none")
probe = nn.Linear(per_row.dim() * 100 + per_row.shape[0], 1)
`);
  assert.equal(model(facts, "probe").params, 100 + 448 + 1);
});

test("an attribute holding data a modelled call could not read (a missing config file) does not make the count inexact", async () => {
  const facts = await run(`import json
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.cfg = json.load(open("missing.json"))
        self.fc = nn.Linear(16, 16)
model = Net()
`);
  const m = model(facts, "model");
  assert.equal(m.params, 16 * 16 + 16);
  assert.equal(m.paramsInexact, undefined);
});

test("an in-step evaluation keyed on the batch index inside an epoch loop says the index restarts each epoch", async () => {
  const { analyze } = await analyzer();
  const text = `import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

model = nn.Linear(32, 10)
train = DataLoader(TensorDataset(torch.randn(1000, 32), torch.zeros(1000).long()), batch_size=10)
test_loader = DataLoader(TensorDataset(torch.randn(500, 32), torch.zeros(500).long()), batch_size=100)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(3):
    for i, (x, y) in enumerate(train):
        loss = nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if i % 50 == 0:
            with torch.no_grad():
                for xt, yt in test_loader:
                    model(xt)
`;
  const est = analyze(text).runs[0];
  assert.ok(
    est.spec.evidence.some((s) =>
      /^500 evaluation samples every 50 batches .*\(the batch index restarts each epoch: up to one pass an epoch fewer\)$/.test(
        s,
      ),
    ),
    est.spec.evidence.join("\n"),
  );
});
