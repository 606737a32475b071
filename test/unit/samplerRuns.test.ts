// A DataLoader's sampler, not its dataset, sets the samples per epoch: WeightedRandomSampler and
// RandomSampler(num_samples=), SubsetRandomSampler, BatchSampler and a user Sampler's __len__. Before,
// every one of them was priced as a full pass over the dataset (SVHN: 73,257 instead of 20,000);
// ConcatDataset adds its parts, and a dataset whose .data the script replaces has that length.
// Expected values come from the script text and the dataset catalog, never typed by hand.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
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

const analyze = (text: string) =>
  analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;
const scriptNumber = (text: string, pattern: RegExp): number => {
  const m = pattern.exec(text);
  if (!m) throw new Error(`not in the script: ${pattern}`);
  return Number(m[1].replace(/_/g, ""));
};
const cifarTrain = () => findDataset("torchvision.datasets.CIFAR10", { train: true })?.samples ?? Number.NaN;

/** A CIFAR-10 loop whose DataLoader line is `loaderLine`; `extra` goes before it. */
const script = (extra: string, loaderLine: string) => `import torch, torch.nn as nn
from torchvision import datasets, transforms
from torch.utils.data import DataLoader, RandomSampler, SubsetRandomSampler, BatchSampler, Sampler, Subset
train = datasets.CIFAR10("data", train=True, download=True, transform=transforms.ToTensor())
${extra}
loader = ${loaderLine}
model = nn.Sequential(nn.Flatten(), nn.Linear(3072, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.01)
for epoch in range(5):
    for x, y in loader:
        loss = nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
`;

test("WeightedRandomSampler(num_samples=...) draws that many per epoch, not the whole dataset", () => {
  const text = readFileSync(join(process.cwd(), "test/fixtures/runs/weighted_sampler_imbalanced.py"), "utf8");
  const { spec } = analyze(text).runs[0];
  const perEpoch = scriptNumber(text, /--samples-per-epoch", type=int, default=(\d+)/);
  const svhn = findDataset("torchvision.datasets.SVHN", { split: "train" })?.samples;
  assert.ok(svhn && svhn !== perEpoch, "the dataset and the sampler disagree, so the test can tell them apart");
  assert.equal(spec.trainSamples, perEpoch);
  assert.equal(spec.epochs, scriptNumber(text, /--epochs", type=int, default=(\d+)/));
  assert.equal(spec.batchSize, scriptNumber(text, /--batch-size", type=int, default=(\d+)/));
  assert.ok(spec.evidence.some((e) => e.includes("WeightedRandomSampler")));
});

test("RandomSampler(num_samples=) inside a BatchSampler sets both the samples and the batch", () => {
  const text = script(
    "bs = BatchSampler(RandomSampler(train, replacement=True, num_samples=10000), batch_size=50, drop_last=True)",
    "DataLoader(train, batch_sampler=bs)",
  );
  const { spec } = analyze(text).runs[0];
  assert.equal(spec.trainSamples, scriptNumber(text, /num_samples=(\d+)/));
  assert.equal(spec.batchSize, scriptNumber(text, /batch_size=(\d+)/));
});

test("a plain RandomSampler / SequentialSampler is the dataset; SubsetRandomSampler its indices", () => {
  const rs = analyze(script("", "DataLoader(train, batch_size=100, sampler=RandomSampler(train))")).runs[0].spec;
  assert.equal(rs.trainSamples, cifarTrain());
  const text = script(
    "idx = torch.randperm(len(train))[:40000]",
    "DataLoader(train, batch_size=100, sampler=SubsetRandomSampler(idx))",
  );
  assert.equal(analyze(text).runs[0].spec.trainSamples, scriptNumber(text, /\[:(\d+)\]/));
  const np = script(
    "import numpy as np\nidx = np.random.permutation(len(train))\nsplit = 45000",
    "DataLoader(train, batch_size=100, sampler=SubsetRandomSampler(idx[:split]))",
  );
  assert.equal(analyze(np).runs[0].spec.trainSamples, scriptNumber(np, /split = (\d+)/));
});

test("a user Sampler's __len__ is the epoch; Subset over a range longer than a loop lists keeps its length", () => {
  const custom = script(
    `class EveryOther(Sampler):
    def __init__(self, ds):
        self.n = len(ds) // 2
    def __iter__(self):
        return iter(range(0, 2 * self.n, 2))
    def __len__(self):
        return self.n`,
    "DataLoader(train, batch_size=100, sampler=EveryOther(train))",
  );
  assert.equal(analyze(custom).runs[0].spec.trainSamples, Math.floor(cifarTrain() / 2));
  const sub = script("small = Subset(train, range(20000))", "DataLoader(small, batch_size=100, shuffle=True)");
  assert.equal(analyze(sub).runs[0].spec.trainSamples, scriptNumber(sub, /range\((\d+)\)/));
});

test("a sampler whose count is unknown makes the samples unknown with a hint, not the dataset's size", () => {
  const text = script(
    "import numpy as np\nidx = np.load('keep.npy')",
    "DataLoader(train, batch_size=100, sampler=SubsetRandomSampler(idx))",
  );
  const a = analyze(text);
  assert.equal(a.runs[0].spec.trainSamples, null);
  assert.equal(a.runs[0].trainFlops, null);
  assert.ok(
    (a.unknowns ?? []).some(
      (u) => u.message.includes("SubsetRandomSampler") && u.hint?.includes("# footprint: samples"),
    ),
  );
});

test("a library sampler that is not modelled is priced as one pass over the dataset, and says so", () => {
  const text = script(
    "from torchsampler import ImbalancedDatasetSampler",
    "DataLoader(train, batch_size=100, sampler=ImbalancedDatasetSampler(train))",
  );
  const a = analyze(text);
  assert.equal(a.runs[0].spec.trainSamples, cifarTrain());
  assert.ok(
    (a.unknowns ?? []).some((u) => u.message.includes("sampler is not modelled") && u.hint?.includes("samples")),
  );
});

test("ConcatDataset adds its parts up; `ds.data = ds.data[:n]` makes the epoch unknown, not the catalog size", () => {
  const concat = analyze(`import torch, torch.nn as nn
from torchvision import datasets, transforms
from torch.utils.data import DataLoader, ConcatDataset
a = datasets.MNIST("d", train=True, transform=transforms.ToTensor())
b = datasets.MNIST("d", train=False, transform=transforms.ToTensor())
loader = DataLoader(ConcatDataset([a, b]), batch_size=100, shuffle=True)
model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.01)
for epoch in range(3):
    for x, y in loader:
        loss = nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
`);
  const mnist = (train: boolean) => findDataset("torchvision.datasets.MNIST", { train })?.samples ?? Number.NaN;
  assert.equal(concat.runs[0].spec.trainSamples, mnist(true) + mnist(false));
  assert.deepEqual(concat.models[0].inputShape, [1, 28, 28]);
  const sliced = analyze(
    script("train.data = train.data[:5000]\ntrain.targets = train.targets[:5000]", "DataLoader(train, batch_size=100)"),
  );
  assert.equal(sliced.runs[0].spec.trainSamples, null);
  const listed = analyze(script("train.data = list(range(5000))", "DataLoader(train, batch_size=100)"));
  assert.equal(listed.runs[0].spec.trainSamples, 5000);
});
