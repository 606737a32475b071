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
