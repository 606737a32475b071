// FP110 on a PyTorch loop that has autocast but trains in fp32 with the script's defaults (the
// `--amp` flag of the torchvision/timm reference scripts) says where the autocast is and why it is
// off; an autocast only in evaluation code outside the loop is not taken for the training's.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { resolveSettings } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

const settings = resolveSettings({ device: "a100" }).settings;
function fp110(text: string): string[] {
  const { analysis } = analyzer.analyze({ path: "/p/train.py", text, settings, workspace: EMPTY_WORKSPACE });
  return analysis.findings.filter((f) => f.code === "FP110").map((f) => f.message);
}

const script = (loopBody: string, extra = "") => `import argparse
import torch
from torch import nn

ap = argparse.ArgumentParser()
ap.add_argument("--amp", action="store_true")
args = ap.parse_args()
model = nn.Sequential(nn.Linear(4096, 16384), nn.GELU(), nn.Linear(16384, 4096)).cuda()
opt = torch.optim.AdamW(model.parameters())
scaler = torch.cuda.amp.GradScaler(enabled=args.amp)
${extra}
for step in range(100000):
    x = torch.randn(512, 4096, device="cuda")
${loopBody}
    opt.zero_grad()
    scaler.scale(loss).backward()
    scaler.step(opt)
    scaler.update()
`;

test("autocast(enabled=args.amp) in the loop: named with its line and the expression that turns it off", () => {
  const found = fp110(
    script(`    with torch.autocast("cuda", enabled=args.amp):\n        loss = model(x).square().mean()`),
  );
  assert.equal(found.length, 1);
  assert.match(
    found[0],
    /^Trains in fp32 on a GPU: .* — autocast at line 14 is off with the script's defaults \(enabled=args\.amp\): turn it on by default or at launch$/,
  );
});

test("autocast under `if args.amp:` in the loop: off on a branch the defaults do not take", () => {
  const body = `    if args.amp:\n        with torch.cuda.amp.autocast():\n            loss = model(x).square().mean()\n    else:\n        loss = model(x).square().mean()`;
  const found = fp110(script(body));
  assert.equal(found.length, 1);
  assert.match(found[0], / — autocast at line 15 is off with the script's defaults \(on a branch they do not take\)/);
});

test("an autocast only in an evaluation function outside the loop is not the training's", () => {
  const evalFn = `def evaluate():\n    with torch.no_grad(), torch.autocast("cuda"):\n        return model(torch.randn(8, 4096, device="cuda")).argmax(1)\n`;
  const found = fp110(script(`    loss = model(x).square().mean()`, evalFn));
  assert.equal(found.length, 1);
  assert.doesNotMatch(found[0], /autocast at line/);
});

test("--amp on by default: mixed precision is priced and FP110 stays quiet", () => {
  const on = script(
    `    with torch.autocast("cuda", enabled=args.amp):\n        loss = model(x).square().mean()`,
  ).replace('action="store_true"', 'action="store_true", default=True');
  assert.deepEqual(fp110(on), []);
});

test("autocast in the function the loop calls for each epoch (train_one_epoch): found through the backward's frame", () => {
  const text = `import argparse
import torch
from torch import nn


def train_one_epoch(model, opt, scaler, amp):
    for _ in range(500):
        x = torch.randn(512, 4096, device="cuda")
        with torch.autocast("cuda", enabled=amp):
            loss = model(x).square().mean()
        opt.zero_grad()
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()


def evaluate(model):
    with torch.no_grad(), torch.autocast("cuda"):
        return model(torch.randn(8, 4096, device="cuda")).argmax(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--amp", action="store_true")
    args = ap.parse_args()
    model = nn.Sequential(nn.Linear(4096, 16384), nn.GELU(), nn.Linear(16384, 4096)).cuda()
    opt = torch.optim.AdamW(model.parameters())
    scaler = torch.cuda.amp.GradScaler(enabled=args.amp)
    for epoch in range(200):
        train_one_epoch(model, opt, scaler, args.amp)
        evaluate(model)


main()
`;
  const found = fp110(text);
  assert.equal(found.length, 1);
  assert.match(found[0], / — autocast at line 9 is off with the script's defaults \(enabled=amp\)/);
});

test("autocast entered inside the model's forward (the DataParallel AMP recipe) still makes the run mixed precision", () => {
  const text = `import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4096, 16384), nn.GELU(), nn.Linear(16384, 4096))

    def forward(self, x):
        with torch.autocast("cuda"):
            return self.body(x)


model = nn.DataParallel(Net().cuda())
opt = torch.optim.AdamW(model.parameters())
for step in range(100000):
    loss = model(torch.randn(512, 4096, device="cuda")).float().square().mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
`;
  const { analysis } = analyzer.analyze({ path: "/p/dp.py", text, settings, workspace: EMPTY_WORKSPACE });
  assert.equal(analysis.runs[0]?.spec.precision, "fp16-mixed");
  assert.deepEqual(fp110(text), []);
});
