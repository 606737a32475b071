// What a torchrun script leaves to its launch: a step loop whose length divides by the world size,
// a batch size given only on the command line. The run keeps what the script states (the epochs)
// and says, as an Unknown with the fix, what it cannot know, never a confident number.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { findDataset } from "../../server/src/analysis/run/datasetCatalog";
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
const scriptNumber = (text: string, pattern: RegExp): number => {
  const m = pattern.exec(text);
  if (!m) throw new Error(`not in the script: ${pattern}`);
  return Number(m[1]);
};

const WORLD_STEPS = `import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, DistributedSampler
from torchvision import datasets, models, transforms

BATCH = 64
EPOCHS = 20
dist.init_process_group("nccl")
world_size = dist.get_world_size()
ds = datasets.CIFAR10("data", train=True, download=True, transform=transforms.ToTensor())
loader = DataLoader(ds, batch_size=BATCH, sampler=DistributedSampler(ds))
steps_per_epoch = len(ds) // (BATCH * world_size)
model = DDP(models.resnet18(num_classes=10).cuda())
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(EPOCHS):
    it = iter(loader)
    for step in range(steps_per_epoch):
        x, y = next(it)
        opt.zero_grad()
        nn.functional.cross_entropy(model(x.cuda()), y.cuda()).backward()
        opt.step()
`;

test("steps per epoch divided by the world size: the epochs are the script's, the samples an Unknown", () => {
  const { spec, trainFlops } = onlyRun(WORLD_STEPS);
  assert.equal(spec.epochs, scriptNumber(WORLD_STEPS, /^EPOCHS = (\d+)/m));
  assert.equal(spec.trainSamples, null);
  assert.equal(trainFlops, null);
  const gap = spec.unknowns.find((u) =>
    /batch loop `for step in range\(steps_per_epoch\)` has no known length/.test(u.message),
  );
  assert.ok(gap, spec.unknowns.map((u) => u.message).join("\n"));
  assert.ok(!spec.unknowns.some((u) => /number of epochs is unknown/.test(u.message)));
  // The samples directive (per epoch) completes the run with the script's epochs.
  const cifar = findDataset("torchvision.datasets.CIFAR10", { train: true })?.samples;
  const priced = onlyRun(`# footprint: samples ${cifar}\n${WORLD_STEPS}`);
  assert.equal(priced.spec.trainSamples, cifar);
  assert.equal(priced.spec.epochs, spec.epochs);
  assert.ok(priced.trainFlops);
});

test("a batch size given only at launch: the FLOPs are priced, the time is said to be a lower bound", () => {
  const text = `import argparse
import torch
from torch import nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

parser = argparse.ArgumentParser()
parser.add_argument("--batch-size", type=int, required=True)
parser.add_argument("--epochs", type=int, default=10)
args = parser.parse_args()
loader = DataLoader(datasets.MNIST("data", train=True, transform=transforms.ToTensor()), batch_size=args.batch_size)
model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10)).cuda()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(args.epochs):
    for x, y in loader:
        opt.zero_grad()
        nn.functional.cross_entropy(model(x.cuda()), y.cuda()).backward()
        opt.step()
`;
  const r = onlyRun(text);
  assert.equal(r.spec.batchSize, null);
  assert.ok(r.trainFlops, "FLOPs do not depend on the batch");
  assert.ok(r.spec.unknowns.some((u) => /batch size is unknown: .* lower bound/.test(u.message)));
  // With the batch stated, the gap is gone.
  const stated = onlyRun(text.replace("type=int, required=True", "type=int, default=64"));
  assert.equal(stated.spec.batchSize, 64);
  assert.ok(!stated.spec.unknowns.some((u) => /batch size/.test(u.message)));
});
