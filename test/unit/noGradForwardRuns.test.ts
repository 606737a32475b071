// A model whose forward runs part of itself under torch.no_grad (a linear probe's encoder) trains only
// the rest: no gradient reaches those layers. Before, the run priced 3 x the whole forward (a ResNet-50
// probe at 3x its true cost); now those layers are priced as frozen, exactly as when the script freezes
// them with requires_grad = False, while the model's own trainable count stays torch's. A detached
// module output (self.encoder(x).detach()) is the same.
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
const analyze = (text: string) =>
  analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;

const script = (init: string, forward: string) => `import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from torchvision import datasets, models, transforms


class LinearProbe(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = models.resnet18()
        self.encoder.fc = nn.Identity()
        self.head = nn.Linear(512, 100)
${init}
    def forward(self, x):
${forward}
        return self.head(feats)


loader = DataLoader(datasets.CIFAR100("d", train=True, transform=transforms.ToTensor()), batch_size=128, shuffle=True)
model = LinearProbe().cuda()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(10):
    for x, y in loader:
        loss = nn.functional.cross_entropy(model(x.cuda()), y.cuda())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
`;

test("with torch.no_grad() around the encoder in forward: its forward priced once (1×), the head 3×", () => {
  const probe = analyze(script("", "        with torch.no_grad():\n            feats = self.encoder(x)"));
  const frozen = analyze(
    script(
      "        for p in self.encoder.parameters():\n            p.requires_grad = False\n",
      "        feats = self.encoder(x)",
    ),
  );
  const full = analyze(script("", "        feats = self.encoder(x)"));
  const m = probe.models[0];
  assert.equal(m.trainableParams, m.params, "torch's requires_grad count is unchanged");
  assert.equal(m.noGradTrainableParams, frozen.models[0].params - frozen.models[0].trainableParams);
  assert.equal(probe.runs[0].spec.trainableParams, frozen.runs[0].spec.trainableParams);
  // No backward runs through a no_grad encoder at all, so its share is exactly one forward: a point,
  // at or below a requires_grad=False encoder's 1–2× range (which may need input gradients).
  const enc = m.layers.filter((l) => l.path.startsWith("encoder")).reduce((n, l) => n + 2 * (l.macs ?? 0), 0);
  const head = m.layers.filter((l) => l.path === "head").reduce((n, l) => n + 2 * (l.macs ?? 0), 0);
  const samples = 10 * 50000;
  assert.equal(probe.runs[0].trainFlops?.low, samples * (enc + 3 * head));
  assert.equal(probe.runs[0].trainFlops?.high, samples * (enc + 3 * head));
  assert.ok(probe.runs[0].trainFlops && frozen.runs[0].trainFlops && full.runs[0].trainFlops);
  assert.ok(probe.runs[0].trainFlops.high <= frozen.runs[0].trainFlops.low);
  assert.ok(probe.runs[0].trainFlops.high < full.runs[0].trainFlops.low);
});

test("self.encoder(x).detach() in forward: the encoder gets no gradient either, priced the same way", () => {
  const detached = analyze(script("", "        feats = self.encoder(x).detach()"));
  const probe = analyze(script("", "        with torch.no_grad():\n            feats = self.encoder(x)"));
  const once = analyze(script("", "        feats = self.encoder(x).detach() + 0 * self.encoder(x)"));
  assert.equal(detached.models[0].noGradTrainableParams, probe.models[0].noGradTrainableParams);
  assert.deepEqual(detached.runs[0].trainFlops, probe.runs[0].trainFlops);
  // Called twice, once with a gradient: it trains.
  assert.equal(once.models[0].noGradTrainableParams, undefined);
});
