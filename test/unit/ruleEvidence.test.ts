// Rules claim only what the script says: FP160 is not silenced by a learning-rate scheduler's
// `patience`, and FP170 says nothing about a DataLoader whose num_workers the interpreter could not resolve.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { FileAnalysis } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { resolveSettings } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

function analyze(text: string): FileAnalysis {
  const { analysis, tree } = analyzer.analyze({
    path: "/w/train.py",
    text,
    settings: resolveSettings({}).settings,
    workspace: EMPTY_WORKSPACE,
  });
  tree?.delete();
  return analysis;
}

const codes = (a: FileAnalysis, code: string) => a.findings.filter((f) => f.code === code);

/** A 60-epoch MNIST loop on a GPU; `extra` goes after the optimizer, `workers` into the DataLoader. */
function script(extra: string, workers = "num_workers=4, pin_memory=True", perEpoch = ""): string {
  return `import os
import torch
from torch import nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

model = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)).to("cuda")
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
${extra}
train_ds = datasets.MNIST("data", train=True, download=True, transform=transforms.ToTensor())
loader = DataLoader(train_ds, batch_size=64, shuffle=True, ${workers})
for epoch in range(60):
    for x, y in loader:
        x, y = x.to("cuda"), y.to("cuda")
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
${perEpoch}`;
}

describe("FP160 and a learning-rate plateau", () => {
  it("ReduceLROnPlateau's patience lowers the learning rate and trains on: FP160 still fires", () => {
    const a = analyze(
      script(
        "sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=float('0.5'), patience=3)",
        undefined,
        "    sched.step(loss.item())\n",
      ),
    );
    assert.equal(codes(a, "FP160").length, 1);
    assert.match(codes(a, "FP160")[0].message, /^60 epochs with no early stopping/);
  });

  it("a patience counter of the script's own silences it", () => {
    const a = analyze(
      script(
        "patience, bad_epochs, best = 5, 0, float('inf')",
        undefined,
        "    bad_epochs = 0 if loss.item() < best else bad_epochs + 1\n    best = min(best, loss.item())\n",
      ),
    );
    assert.equal(codes(a, "FP160").length, 0);
  });
});

describe("FP170 and num_workers", () => {
  it("an unresolved num_workers is not reported as 0", () => {
    const a = analyze(script("", 'num_workers=int(os.environ["NUM_WORKERS"]), pin_memory=True'));
    assert.equal(codes(a, "FP170").length, 0);
    assert.ok(
      a.runs[0].spec.evidence.includes("num_workers not resolved: loading priced from overlapped to in-process"),
    );
  });

  it("an unresolved pin_memory with no workers reports the workers only", () => {
    const a = analyze(script("", 'pin_memory=bool(int(os.environ["PIN_MEMORY"]))'));
    const [f] = codes(a, "FP170");
    assert.match(f.message, /^DataLoader loads batches in the training process \(num_workers=0\): /);
    assert.deepEqual(
      f.fixes.filter((x) => !x.title.startsWith("Ignore")).map((x) => x.title),
      ["Set num_workers=4"],
    );
  });

  it("num_workers=0 written out still fires, with both settings fixed", () => {
    const a = analyze(script("", "num_workers=0"));
    const [f] = codes(a, "FP170");
    assert.match(f.message, /num_workers=0\) and copies from pageable memory \(no pin_memory\)/);
    assert.deepEqual(
      f.fixes.filter((x) => !x.title.startsWith("Ignore")).map((x) => x.title),
      ["Set num_workers=4, pin_memory=True"],
    );
  });
});
