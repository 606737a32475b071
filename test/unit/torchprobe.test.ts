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

const dqn = (env: string, guard: string) => `import random
from collections import deque, namedtuple
import gymnasium as gym
import numpy as np
import torch
import torch.nn as nn

T = namedtuple("T", "obs action reward next_obs")
env = gym.make(${env})
q = nn.Sequential(nn.Linear(env.observation_space.shape[0], 64), nn.ReLU(), nn.Linear(64, env.action_space.n)).cuda()
q_target = nn.Sequential(nn.Linear(env.observation_space.shape[0], 64), nn.ReLU(), nn.Linear(64, env.action_space.n)).cuda()
opt = torch.optim.Adam(q.parameters())
memory = deque(maxlen=10000)
obs, _ = env.reset()
for step in range(1, 10001):
    action = env.action_space.sample()
    next_obs, reward, terminated, truncated, _ = env.step(action)
    memory.append(T(obs, action, reward, next_obs))
    obs = next_obs
    if ${guard}:
        o, a, r, o2 = zip(*random.sample(memory, 32))
        o = torch.as_tensor(np.array(o), dtype=torch.float32).cuda()
        o2 = torch.as_tensor(np.array(o2), dtype=torch.float32).cuda()
        with torch.no_grad():
            best = q(o2).argmax(1, keepdim=True)
            target = q_target(o2).gather(1, best)
        loss = (q(o).gather(1, torch.as_tensor(a).cuda().unsqueeze(1)) - target).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
`;

test("gym spaces size the network; the replay batch comes from random.sample over namedtuples", () => {
  const a = analyze(dqn('"CartPole-v1"', "step > 500 and step % 4 == 0"));
  const q = a.models.find((m) => m.name === "q");
  // Linear(4, 64) + Linear(64, 2): CartPole-v1 is Box(4,), Discrete(2) on its Gymnasium page.
  assert.equal(q?.params, 4 * 64 + 64 + 64 * 2 + 2);
  assert.deepEqual(q?.inputShape, [4]);
  const { spec } = a.runs[0];
  assert.equal(spec.batchSize, 32);
  // range(1, 10001) with step > 500 and step % 4 == 0: 504, 508, …, 10000.
  assert.equal(spec.maxSteps, (10000 - 504) / 4 + 1);
  // q trained (3×), q again under no_grad on the same batch (1×), q_target (1×).
  assert.equal(spec.forwardFlops, (q?.forwardFlops ?? 0) * (1 + 1 / 3 + 1 / 3));
});

test("a (v + 1) % k guard, a bound written the other way round, and a clause not on the step", () => {
  const { spec } = analyze(dqn('"CartPole-v1"', "len(memory) >= 32 and 1000 <= step and (step + 1) % 10 == 0")).runs[0];
  // step in 1000..10000 with step ≡ 9 (mod 10): 1009, 1019, …, 9999.
  assert.equal(spec.maxSteps, 900);
});

test("a condition on the step that cannot be counted prices every iteration and says so", () => {
  const a = analyze(dqn('"CartPole-v1"', "step in schedule"));
  const run = a.runs[0];
  assert.equal(run.spec.maxSteps, 10000);
  assert.ok(run.spec.unknowns.some((u) => /cannot count: priced as every iteration/.test(u.message)));
});

test("an environment the catalog does not know leaves the sizes unknown, not guessed", () => {
  const a = analyze(dqn('"MyWarehouse-v0"', "step % 4 == 0"));
  const q = a.models.find((m) => m.name === "q");
  assert.equal(q?.forwardFlops, null);
  assert.ok((a.unknowns ?? []).some((u) => /not in the environment catalog/.test(u.message)));
});

test("make() keywords that change a space pick the catalog's variant or make the space unknown", () => {
  const cont = analyze(dqn('"LunarLander-v2", continuous=False', "step % 4 == 0")).models.find((m) => m.name === "q");
  assert.equal(cont?.params, 8 * 64 + 64 + 64 * 4 + 4);
  const odd = analyze(dqn('"LunarLander-v2", gravity=-5.0', "step % 4 == 0")).models.find((m) => m.name === "q");
  assert.equal(odd?.forwardFlops, null);
});

test("a module without forward, used through its methods, is the run's model (PPO-style agent)", () => {
  const a = analyze(`import torch
import torch.nn as nn


class Agent(nn.Module):
    def __init__(self):
        super().__init__()
        self.critic = nn.Linear(17, 1)
        self.actor = nn.Linear(17, 6)

    def get_value(self, x):
        return self.critic(x)

    def get_action_and_value(self, x):
        return self.actor(x), self.critic(x)


agent = Agent().cuda()
opt = torch.optim.Adam(agent.parameters())
obs = torch.zeros(2048, 17).cuda()
with torch.no_grad():
    v = agent.get_value(obs)
for epoch in range(4):
    for start in range(0, 2048, 64):
        a, v = agent.get_action_and_value(obs[start : start + 64])
        loss = a.pow(2).mean() + v.pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
`);
  const m = a.models[0];
  assert.deepEqual(m.inputShape, [17]);
  // The method the training step calls with grad is the one traced: actor and critic, 17·6 + 17·1 MACs.
  assert.equal(m.forwardFlops, 2 * (17 * 6 + 17));
  const { spec } = a.runs[0];
  assert.equal(spec.model, "agent");
  assert.equal(spec.batchSize, 64);
  assert.equal(spec.maxSteps, 4 * 32);
});

test("an evaluation written as a generator over the test loader is an evaluation pass", () => {
  const a = analyze(`import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

tf = transforms.ToTensor()
train = DataLoader(datasets.CIFAR10("d", train=True, transform=tf), batch_size=128)
test = DataLoader(datasets.CIFAR10("d", train=False, transform=tf), batch_size=512)
model = nn.Sequential(nn.Flatten(), nn.Linear(3072, 10)).cuda()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(5):
    for x, y in train:
        loss = nn.functional.cross_entropy(model(x.cuda()), y.cuda())
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        hits = sum((model(x.cuda()).argmax(1) == y.cuda()).sum().item() for x, y in test)
`);
  assert.equal(a.runs[0].spec.valSamples, 10000);
});

const sharedEpochFn = (testSet: string) => `import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from torchvision import datasets, transforms


def run_epoch(model, loader, optimizer=None):
    training = optimizer is not None
    model.train(training)
    with torch.set_grad_enabled(training):
        for x, y in loader:
            logits = model(x.cuda())
            if training:
                loss = nn.functional.cross_entropy(logits, y.cuda())
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()


tf = transforms.ToTensor()
train_loader = DataLoader(datasets.MNIST("d", train=True, transform=tf), batch_size=64)
test_loader = DataLoader(${testSet}, batch_size=256)
model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10)).cuda()
opt = torch.optim.Adam(model.parameters())
for epoch in range(3):
    run_epoch(model, train_loader, opt)
    run_epoch(model, test_loader)
`;

test("the training function called again on the test loader, without an optimizer, is an evaluation pass", () => {
  const { spec } = analyze(sharedEpochFn('datasets.MNIST("d", train=False, transform=tf)')).runs[0];
  assert.equal(spec.trainSamples, 60000);
  assert.equal(spec.valSamples, 10000);
});

test("an evaluation pass over a loader of unknown size is said, not dropped in silence", () => {
  const { spec } = analyze(sharedEpochFn("TensorDataset(torch.load('x.pt'), torch.load('y.pt'))")).runs[0];
  assert.equal(spec.valSamples, null);
  assert.ok(spec.unknowns.some((u) => /evaluation pass over a loader of unknown size/.test(u.message)));
});

test("forward-only calls of the trained model on other batches (rollouts, acting) are priced per call site", () => {
  const a = analyze(`import torch
import torch.nn as nn

policy = nn.Sequential(nn.Linear(8, 64), nn.Tanh(), nn.Linear(64, 4)).cuda()
opt = torch.optim.Adam(policy.parameters())
for update in range(100):
    batch = []
    for t in range(128):
        with torch.no_grad():
            logits = policy(torch.randn(16, 8).cuda())
        batch.append(logits)
    for epoch in range(4):
        loss = policy(torch.randn(256, 8).cuda()).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
`);
  const { spec } = a.runs[0];
  assert.equal(spec.batchSize, 256);
  // Python runs the rollout call 100 updates × 128 steps times, each on 16 observations.
  assert.equal(spec.forwardOnly?.calls, 100 * 128);
  assert.equal(spec.forwardOnly?.samples, 100 * 128 * 16);
  assert.equal(spec.forwardOnly?.flops, 100 * 128 * 16 * (a.models[0].forwardFlops ?? Number.NaN));
  assert.ok(!spec.unknowns.some((u) => /forward-only/.test(u.message)), JSON.stringify(spec.unknowns));
});

test("forward-only calls whose count or batch cannot be read stay said, not priced", () => {
  const a = analyze(`import torch
import torch.nn as nn

policy = nn.Sequential(nn.Linear(8, 64), nn.Tanh(), nn.Linear(64, 4)).cuda()
opt = torch.optim.Adam(policy.parameters())
for update in range(100):
    done = False
    while not done:
        with torch.no_grad():
            logits = policy(torch.randn(16, 8).cuda())
        done = logits.sum().item() > 0
    for epoch in range(4):
        loss = policy(torch.randn(256, 8).cuda()).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
`);
  const { spec } = a.runs[0];
  assert.equal(spec.forwardOnly, undefined);
  assert.ok(
    spec.unknowns.some((u) => /forward-only outside the training step.*line 10/.test(u.message)),
    JSON.stringify(spec.unknowns),
  );
});

test("a forward-less module's method that trains (calls backward) is not taken for its forward", () => {
  const a = analyze(`import torch
import torch.nn as nn


class SAC(nn.Module):
    def __init__(self):
        super().__init__()
        self.actor = nn.Linear(11, 3)
        self.critic = nn.Linear(14, 1)
        self.opt = torch.optim.Adam(self.parameters())

    def act(self, obs):
        return self.actor(obs)

    def update(self, obs):
        q = self.critic(torch.cat([obs, self.actor(obs)], 1))
        loss = -q.mean()
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()


agent = SAC().cuda()
for step in range(1000):
    agent.update(torch.randn(256, 11).cuda())
`);
  // Replaying \`update\` as a forward would run its backward and optimizer step inside the cost
  // trace; the model stays unsized and the run says what to add instead.
  assert.equal(a.models[0].forwardFlops, null);
  const run = a.runs[0];
  assert.equal(run.co2eKg, null);
  assert.ok([...run.spec.unknowns, ...run.unknowns].some((u) => u.hint?.includes("# footprint:")));
});

test("a forward-less module's method handed no tensor runs once, as a plain method", () => {
  const a = analyze(`import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = self.block(3, 8)

    def block(self, cin, cout):
        return nn.Sequential(nn.Conv2d(cin, cout, 3), nn.ReLU())


net = Net()
`);
  assert.ok(!a.notices.some((n) => /stopped/.test(n)), a.notices.join("\\n"));
  assert.equal(a.models[0]?.params, 3 * 8 * 9 + 8);
});

test("a guard around a call named like the function holding the loop does not count as the update's", () => {
  const a = analyze(`import torch
import torch.nn as nn

model = nn.Linear(8, 1).cuda()
opt = torch.optim.SGD(model.parameters(), lr=0.1)


def step_fn(x):
    loss = model(x).pow(2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()


def train():
    for step in range(1000):
        if step % 100 == 0:
            model.train()
        step_fn(torch.randn(32, 8).cuda())


train()
`);
  assert.equal(a.runs[0].spec.maxSteps, 1000);
});
