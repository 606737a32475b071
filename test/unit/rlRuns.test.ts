// Reinforcement-learning and raw-tensor loops priced from their loop structure: PPO rollouts (the
// policy forward-only every environment step), agents trained in their own update() method under
// step-counter guards, and nanoGPT-style memmap batches. Counts are read off the scripts as
// Python runs them; model costs come from the analyzer's own (oracle-checked) forward.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { FORWARD_DISPATCH_S } from "../../server/src/analysis/footprint/data/modelConstants";
import { priceRun } from "../../server/src/analysis/footprint/priceRun";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { FileAnalysis, RunSpec } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";
import { spec as baseSpec } from "./helpers/runSpec";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});
const analyze = (text: string): FileAnalysis =>
  analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;
const only = (a: FileAnalysis): RunSpec => {
  assert.equal(a.runs.length, 1, JSON.stringify(a.runs.map((r) => r.spec.range)));
  return a.runs[0].spec;
};

const ppo = `import gymnasium as gym
import numpy as np
import torch
import torch.nn as nn

num_envs, num_steps, total_timesteps = 4, 128, 64_000
envs = gym.vector.SyncVectorEnv([lambda: gym.make("CartPole-v1") for _ in range(num_envs)])
obs_dim = np.array(envs.single_observation_space.shape).prod()
policy = nn.Sequential(nn.Linear(obs_dim, 64), nn.Tanh(), nn.Linear(64, 2)).cuda()
opt = torch.optim.Adam(policy.parameters())
next_obs, _ = envs.reset()
next_obs = torch.Tensor(next_obs).cuda()
buf = torch.zeros((num_steps, num_envs, obs_dim))
for update in range(total_timesteps // (num_envs * num_steps)):
    for step in range(num_steps):
        with torch.no_grad():
            logits = policy(next_obs)
        buf[step] = next_obs
        next_obs, reward, term, trunc, _ = envs.step(logits.argmax(-1).cpu().numpy())
        next_obs = torch.Tensor(next_obs).cuda()
    flat = buf.reshape(-1, obs_dim)
    for epoch in range(4):
        for start in range(0, num_envs * num_steps, 128):
            loss = policy(flat[start : start + 128]).logsumexp(-1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
`;

test("a PPO rollout is priced: the policy forward-only on num_envs observations every step", () => {
  const a = analyze(ppo);
  const s = only(a);
  // np.array(space.shape).prod() sized the first layer; torch.Tensor(obs) kept the (4, 4) batch.
  assert.deepEqual(a.models[0].inputShape, [4]);
  const f = a.models[0].forwardFlops;
  assert.ok(f !== null && f > 0);
  // Python: 64,000 // 512 = 125 updates; each 4 epochs × 4 minibatches of 128, and 128 env steps × 4 envs.
  // The update loop repeats the whole step schedule (trials); the rollout counts per repeat.
  assert.equal(s.maxSteps, 4 * 4);
  assert.equal(s.trials, 125);
  assert.equal(s.batchSize, 128);
  assert.deepEqual(s.forwardOnly, { calls: 128, samples: 128 * 4, flops: 128 * 4 * f });
  assert.ok(!s.unknowns.some((u) => /forward-only/.test(u.message)), JSON.stringify(s.unknowns));
});

test("forward-only calls add their FLOPs at 1× and a forward dispatch each to the step floor", () => {
  const plain = baseSpec({ epochs: null, trainSamples: null, valSamples: null, maxSteps: 1000, batchSize: 64 });
  const rollout = { ...plain, forwardOnly: { calls: 50_000, samples: 400_000, flops: 400_000 * 8.178e9 } };
  const a = priceRun(plain, DEFAULT_SETTINGS);
  const b = priceRun(rollout, DEFAULT_SETTINGS);
  assert.ok(a.trainFlops && b.trainFlops);
  assert.equal(b.trainFlops.low - a.trainFlops.low, 400_000 * 8.178e9);
  assert.match(b.method ?? "", /400,000 forward-only samples/);
  assert.ok(b.assumptions.some((x) => x.name === "forward-only call dispatch (ms)"));
  assert.ok(!a.assumptions.some((x) => x.name === "forward-only call dispatch (ms)"));
  // A model this large is compute-bound: the dispatch shows in a tiny one.
  const tiny = { ...plain, forwardFlops: 1000 };
  const tinyRollout = { ...tiny, forwardOnly: { calls: 50_000, samples: 400_000, flops: 400_000 * 1000 } };
  const ta = priceRun(tiny, DEFAULT_SETTINGS).timeHours;
  const tb = priceRun(tinyRollout, DEFAULT_SETTINGS).timeHours;
  assert.ok(ta && tb);
  const added = (50_000 * FORWARD_DISPATCH_S.value) / 3600;
  assert.ok(Math.abs(tb.low - ta.low - added) < 1e-12, `${tb.low - ta.low} vs ${added}`);
});

const agentClass = `import torch
import torch.nn as nn


class Agent:
    def __init__(self):
        self.q = nn.Sequential(nn.Linear(4, 64), nn.ReLU(), nn.Linear(64, 2))
        self.opt = torch.optim.Adam(self.q.parameters())

    def update(self, batch):
        loss = self.q(batch).pow(2).mean()
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()

    def learn(self, gradient_steps=4):
        for _ in range(gradient_steps):
            self.update(torch.randn(32, 4))


agent = Agent()
`;

test("an agent's update() gated on a global step counter over episodes counts the iterations it keeps", () => {
  const s = only(
    analyze(`${agentClass}global_step = 0
for episode in range(300):
    for t in range(500):
        global_step += 1
        if global_step > 10_000 and global_step % 4 == 0:
            agent.update(torch.randn(32, 4))
        if t == 499:
            break
`),
  );
  // global_step runs 1..150,000; kept: > 10,000 and divisible by 4, i.e. 10,004..150,000.
  assert.equal(s.maxSteps, (150_000 - 10_004) / 4 + 1);
  assert.equal(s.trials, 1);
  assert.equal(s.batchSize, 32);
  assert.ok(
    s.evidence.some((e) => /a break out of .*an upper bound/.test(e)),
    JSON.stringify(s.evidence),
  );
});

test("a while step loop with its own counter, the update under a start threshold and a frequency", () => {
  const s = only(
    analyze(`${agentClass}t = 0
while t < 50_000:
    t += 1
    if t > 1_000:
        if t % 2 == 0:
            agent.update(torch.randn(32, 4))
`),
  );
  // t runs 1..50,000; kept: 1,002, 1,004, …, 50,000.
  assert.equal(s.maxSteps, (50_000 - 1_002) / 2 + 1);
});

test("a guard on the step loop around a call that runs its own gradient-step loop counts both", () => {
  const s = only(
    analyze(`${agentClass}for step in range(20_000):
    if step >= 5_000 and step % 10 == 0:
        agent.learn()
`),
  );
  // step 5,000..19,990 by 10: 1,500 calls of 4 gradient steps.
  assert.equal(s.maxSteps, 1_500 * 4);
});

test("counters of short loops stay concrete: a model built in a small loop keeps its exact size", () => {
  const a = analyze(`import torch.nn as nn
layers, idx = [], 0
for i in range(4):
    for j in range(3):
        if idx % 2 == 0:
            layers.append(nn.Linear(8, 8))
        idx += 1
model = nn.Sequential(*layers)
`);
  // idx 0..11: six even values, six Linear(8, 8) layers of 72 parameters.
  const m = a.models.find((x) => x.name === "model");
  assert.equal(m?.params, 6 * 72);
  assert.ok(!m?.unknowns.some((u) => /undecided|both/.test(u.message)));
});

test("nanoGPT-style memmap windows give the batch (batch_size, block_size); eval batches are counted", () => {
  const a = analyze(`import numpy as np
import torch
import torch.nn as nn

batch_size = 12
block_size = 64
accum = 5
max_iters = 3000
eval_interval = 250
eval_iters = 20


def get_batch(split):
    data = np.memmap(f"data/{split}.bin", dtype=np.uint16, mode="r")
    ix = torch.randint(len(data) - block_size, (batch_size,))
    x = torch.stack([torch.from_numpy(data[i : i + block_size].astype(np.int64)) for i in ix])
    y = torch.stack([torch.from_numpy(data[i + 1 : i + 1 + block_size].astype(np.int64)) for i in ix])
    return x.cuda(), y.cuda()


model = nn.Sequential(nn.Embedding(256, 32), nn.Linear(32, 256)).cuda()
opt = torch.optim.AdamW(model.parameters())


@torch.no_grad()
def estimate_loss():
    for split in ["train", "val"]:
        for k in range(eval_iters):
            x, y = get_batch(split)
            model(x)


for it in range(max_iters):
    if it % eval_interval == 0:
        estimate_loss()
    for micro in range(accum):
        x, y = get_batch("train")
        loss = nn.functional.cross_entropy(model(x).view(-1, 256), y.view(-1)) / accum
        loss.backward()
    opt.step()
    opt.zero_grad()
`);
  const s = only(a);
  assert.deepEqual(a.models[0].inputShape, [64]);
  assert.equal(s.batchSize, 12);
  assert.equal(s.maxSteps, 3000);
  assert.equal(s.gradientAccumulation, 5);
  // estimate_loss runs at it = 0, 250, …, 2750: 12 times × 2 splits × 20 batches of 12.
  assert.equal(s.forwardOnly?.calls, 12 * 2 * 20);
  assert.equal(s.forwardOnly?.samples, 12 * 2 * 20 * 12);
  // The training forward is priced once per step, not again for the eval call in the step loop.
  assert.equal(s.forwardFlops, a.models[0].forwardFlops);
  assert.ok((a.unknowns ?? []).some((u) => /np\.memmap: the token file's length/.test(u.message)));
});
