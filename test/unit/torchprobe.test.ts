// Gaps found by unseen-style PyTorch probes (test/fixtures/torch/*): each test is the general
// mechanism behind one fix, on a small script in the style the probe used.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { FileAnalysis } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});
const analyze = (text: string): FileAnalysis =>
  analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;

const vocScript = (valArgs: string) => `import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

tf = transforms.Compose([transforms.Resize((64, 64)), transforms.ToTensor()])
train_set = datasets.VOCSegmentation("data", year="2012", image_set="train", transform=tf)
val_set = datasets.VOCSegmentation(${valArgs})
train_loader = DataLoader(train_set, batch_size=8)
val_loader = DataLoader(val_set, batch_size=8)
model = nn.Conv2d(3, 21, 3, padding=1).cuda()
opt = torch.optim.SGD(model.parameters(), lr=0.01)
for epoch in range(3):
    for x, y in train_loader:
        loss = model(x.cuda()).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        for x, y in val_loader:
            model(x.cuda())
`;

test("VOC's image_set= picks the split: the val set is not priced at the train split's size", () => {
  const { spec } = analyze(vocScript('"data", year="2012", image_set="val", transform=tf')).runs[0];
  assert.equal(spec.trainSamples, 1464);
  assert.equal(spec.valSamples, 1449);
});

test("a positional split string is read; VOC's positional year is not taken for one", () => {
  const { spec } = analyze(vocScript('"data", "2012", "trainval", False, tf')).runs[0];
  assert.equal(spec.valSamples, 2913);
});

test("a split argument that cannot be read leaves that dataset's samples unknown instead of the default split's", () => {
  const a = analyze(vocScript('"data", image_set=SPLIT_FROM_CLI, transform=tf'));
  assert.equal(a.runs[0].spec.valSamples, null);
  assert.ok(
    (a.unknowns ?? []).some((u) => /split \(image_set=\) cannot be read/.test(u.message)),
    JSON.stringify(a.unknowns),
  );
});

test("an array numpy cannot size stays an array: a point cloud read from HDF5 is not a [3] model input", () => {
  const a = analyze(`import h5py
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


class Clouds(Dataset):
    def __init__(self, files):
        self.points = np.concatenate([h5py.File(f, "r")["data"][:] for f in files])

    def __len__(self):
        return len(self.points)

    def __getitem__(self, i):
        pts = self.points[i] * np.random.uniform(0.67, 1.5, size=3)
        return torch.from_numpy(pts.astype("float32")).t()


model = nn.Sequential(nn.Conv1d(3, 64, 1), nn.AdaptiveMaxPool1d(1), nn.Flatten(), nn.Linear(64, 40)).cuda()
opt = torch.optim.Adam(model.parameters())
for epoch in range(2):
    for x in DataLoader(Clouds(["a.h5"]), batch_size=32):
        loss = model(x.cuda()).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
`);
  const m = a.models[0];
  assert.equal(m.inputShape, null);
  assert.equal(m.forwardFlops, null);
});

test("k-NN by cdist + topk(...).indices + index_select keeps shapes: the EdgeConv's MACs are counted", () => {
  const a = analyze(`import torch
import torch.nn as nn


class EdgeConv(nn.Module):
    def __init__(self, k=8):
        super().__init__()
        self.k = k
        self.conv = nn.Conv2d(6, 16, 1)

    def forward(self, x):
        B, C, N = x.shape
        pts = x.transpose(1, 2)
        idx = torch.cdist(pts, pts).topk(self.k, dim=-1, largest=False).indices
        flat = (idx + torch.arange(B).view(-1, 1, 1) * N).reshape(-1)
        neigh = pts.reshape(B * N, C).index_select(0, flat).view(B, N, self.k, C)
        center = pts.unsqueeze(2).expand(-1, -1, self.k, -1)
        return self.conv(torch.cat([neigh - center, center], 3).permute(0, 3, 1, 2)).max(dim=-1).values


model = EdgeConv()
out = model(torch.randn(4, 3, 256))
`);
  const m = a.models[0];
  assert.deepEqual(m.inputShape, [3, 256]);
  // Conv2d(6, 16, 1) over 256 points × 8 neighbours: 256 · 8 · 16 · 6 MACs; cdist is 0 by the oracle's convention.
  assert.equal(m.forwardFlops, 2 * 256 * 8 * 16 * 6);
});
