// The evaluator under hostile input: recursion, endless loops, huge loops, deep nesting, a class
// that inherits from itself, half-typed code. It must stop at its budget, report why, never throw.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { linearParams, model, run } from "./evaluateHelpers";

describe("evaluateProgram: budgets and bad input", () => {
  it("unbounded recursion stops at the depth budget with an Unknown and keeps the models", async () => {
    const facts = await run(`
import torch.nn as nn
model = nn.Linear(2, 3)
def f(n):
    return f(n + 1)
f(0)
`);
    assert.equal(model(facts, "model").params, linearParams(2, 3));
    assert.ok(facts.unknowns.some((u) => /depth|nested/.test(u.message)));
  });

  it("`while True:` without a break and a step budget that runs out", async () => {
    const facts = await run(
      `
import torch.nn as nn
model = nn.Linear(4, 4)
x = 0
while True:
    x = x + 1
`,
      { budget: { maxSteps: 5_000 } },
    );
    assert.equal(model(facts, "model").params, linearParams(4, 4));
    assert.ok(facts.steps <= 5_000);
    assert.ok(facts.unknowns.length > 0);
  });

  it("exponential recursion exhausts the step budget: Unknown('budget'), never a throw", async () => {
    const facts = await run(
      `
def fib(n):
    return fib(n - 1) + fib(n - 2) if n > 1 else n
fib(60)
`,
      { budget: { maxSteps: 20_000 } },
    );
    assert.ok(facts.unknowns.some((u) => /budget/.test(u.message)));
    assert.ok(facts.steps <= 20_000);
  });

  it("range(10**9) runs its body once, records the true trip count and finishes instantly", async () => {
    const t0 = performance.now();
    const facts = await run(`
import torch
import torch.nn as nn
model = nn.Linear(8, 2)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(10**9):
    loss = model(torch.randn(4, 8)).sum()
    loss.backward()
    opt.step()
`);
    assert.ok(performance.now() - t0 < 2_000);
    const backward = facts.trace.find((e) => e.kind === "backward");
    assert.ok(backward);
    assert.equal(backward.loops[0].tripCount, 10 ** 9);
    assert.equal(facts.trace.filter((e) => e.kind === "backward").length, 1);
  });

  it("a 5,000-deep expression and a class inheriting from itself do not overflow", async () => {
    const deep = `${"(".repeat(5000)}1${")".repeat(5000)}`;
    const sum = Array.from({ length: 5000 }, () => "1").join(" + ");
    const facts = await run(`
x = ${deep}
y = ${sum}
class A(A):
    pass
class B(B, B):
    pass
import torch.nn as nn
model = nn.Linear(1, 1)
`);
    assert.equal(model(facts, "model").params, linearParams(1, 1));
  });

  it("half-typed code: what parses still runs", async () => {
    const facts = await run(`
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 
model = nn.Linear(5, 6)
def broken(:
    pass
`);
    assert.ok(facts.models.length >= 0);
    assert.ok(Array.isArray(facts.trace));
  });
});

describe("evaluateProgram: training trace", () => {
  it("records loops, loader trip counts, no_grad, autocast, device and save", async () => {
    const facts = await run(`
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
ds = TensorDataset(torch.randn(1000, 20), torch.randint(0, 2, (1000,)))
loader = DataLoader(ds, batch_size=64, drop_last=True)
model = nn.Linear(20, 2).to(device)
opt = torch.optim.AdamW(model.parameters())
scaler = torch.cuda.amp.GradScaler()
for epoch in range(3):
    for x, y in loader:
        with torch.autocast("cuda", dtype=torch.bfloat16):
            loss = nn.functional.cross_entropy(model(x), y)
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
    with torch.no_grad():
        for x, y in loader:
            model(x)
torch.save(model.state_dict(), "m.pt")
`);
    const m = model(facts, "model");
    const back = facts.trace.find((e) => e.kind === "backward");
    assert.ok(back);
    assert.deepEqual(
      back.loops.map((l) => [l.over, l.tripCount]),
      [
        ["range", 3],
        ["loader", Math.floor(1000 / 64)],
      ],
    );
    const fwd = facts.trace.filter((e) => e.kind === "forward");
    assert.equal(fwd[0].kind === "forward" && fwd[0].modelId, m.id);
    assert.equal(fwd[0].autocast, "bf16");
    assert.ok(fwd.some((e) => e.noGrad));
    assert.ok(facts.trace.some((e) => e.kind === "optimizerStep"));
    assert.ok(facts.trace.some((e) => e.kind === "device" && e.device === "gpu"));
    assert.ok(facts.trace.some((e) => e.kind === "precision" && e.precision === "fp16-mixed"));
    assert.ok(facts.trace.some((e) => e.kind === "save" && e.modelId === m.id));
    assert.deepEqual(m.inputShape, [20]);
    assert.equal(m.forwardMacs, 20 * 2);
  });
});
