// Rules claim only what the script says: FP160 is not silenced by a learning-rate scheduler's
// `patience` (and its Keras fix adds to the callbacks the script builds), and FP170 says nothing about a DataLoader whose num_workers the interpreter could not resolve.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { applyEdits } from "../../server/src/analysis/fixes/textEdits";
import { torchvisionZoo } from "../../server/src/analysis/frameworks/torch/zooData";
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

describe("FP160's Keras fix and a callbacks variable", () => {
  const keras = (cbLines: string) => `import keras
from keras import callbacks

(x, y), _ = keras.datasets.mnist.load_data()
model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(10)])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
${cbLines}
model.fit(x, y, epochs=40, callbacks=cbs)
`;
  const fixed = (text: string) => {
    const fix = codes(analyze(text), "FP160")[0]?.fixes.find((f) => f.isPreferred);
    assert.ok(fix, "FP160 offers its fix");
    return applyEdits(text, fix.edits);
  };

  it("a name bound in two branches is not one list: fit gets the list plus the callback", () => {
    const text = keras('if x is None:\n    cbs = []\nelse:\n    cbs = [callbacks.CSVLogger("log.csv")]');
    assert.match(fixed(text), /callbacks=\[\*cbs, callbacks\.EarlyStopping\(monitor="loss"/);
  });

  it("a script that rebinds the imported `callbacks` name gets keras.callbacks instead", () => {
    const text = keras("callbacks = [keras.callbacks.CSVLogger('log.csv')]\ncbs = callbacks");
    const out = fixed(text);
    assert.match(out, /\[\*cbs, keras\.callbacks\.EarlyStopping\(/);
    assert.doesNotMatch(out, /callbacks\.EarlyStopping.*callbacks\.EarlyStopping/);
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

describe("fixes beside **kwargs and trailing comments", () => {
  it("a num_workers held in a **kwargs dict is set in the dict, pin_memory added beside it", () => {
    const text = script("", "").replace(
      "loader = DataLoader(train_ds, batch_size=64, shuffle=True, )",
      'loader_kwargs = {"batch_size": 64, "num_workers": 0}\nloader = DataLoader(train_ds, **loader_kwargs)',
    );
    const [f] = codes(analyze(text), "FP170");
    const fix = f.fixes.find((x) => x.title === "Set num_workers=4, pin_memory=True")!;
    assert.equal(
      applyEdits(text, fix.edits)
        .split("\n")
        .filter((l) => /loader_kwargs|DataLoader\(/.test(l))
        .join("\n"),
      'loader_kwargs = {"batch_size": 64, "num_workers": 4}\nloader = DataLoader(train_ds, **loader_kwargs, pin_memory=True)',
    );
  });

  it("a **kwargs dict the file does not show gets no keyword added (it may hold it: TypeError)", () => {
    const text = script("", "**dict(os.environ)");
    const [f] = codes(analyze(text), "FP170");
    assert.deepEqual(
      f.fixes.filter((x) => !x.title.startsWith("Ignore")).map((x) => x.edits.length),
      [],
    );
  });

  it("a keyword added to a multi-line call goes below the last argument's comment", () => {
    const text = script("", "\n    num_workers=0,  # one process on the laptop\n");
    const [f] = codes(analyze(text), "FP170");
    const fixed = applyEdits(text, f.fixes.find((x) => x.title.startsWith("Set "))!.edits);
    assert.match(fixed, /num_workers=4, {2}# one process on the laptop\n {4}pin_memory=True,\n\)/);
  });
});

describe("FP140 and FP160 read the loop's own exits and gradients", () => {
  it("a loop that takes input gradients (saliency) is not an evaluation loop", () => {
    const text = script(
      "",
      undefined,
      'saliency = []\nfor x, y in loader:\n    x = x.to("cuda").requires_grad_(True)\n    score = model(x).max(1).values.sum()\n    saliency.append(torch.autograd.grad(score, x)[0])\n',
    );
    assert.equal(codes(analyze(text), "FP140").length, 0);
  });

  it("a break that only caps an epoch's batches is not early stopping; a return out of the epoch loop is", () => {
    const capped = script("", undefined).replace(
      "        opt.step()\n",
      "        opt.step()\n        if epoch < 0:\n            break\n",
    );
    assert.equal(codes(analyze(capped), "FP160").length, 1);
    const stops = `def train():\n${script("best, stale = 1e9, 0", undefined)
      .split("\n")
      .map((l) => (l ? `    ${l}` : l))
      .join("\n")}\n        stale = stale + 1\n        if stale > 3:\n            return best\n\ntrain()\n`;
    assert.equal(codes(analyze(stops), "FP160").length, 0);
  });
});

describe("FP130's torchvision swap and a head written with the backbone's width", () => {
  it("the literal width of a new head follows the swapped backbone", () => {
    const text = `import torch
from torch import nn
from torchvision.models import resnet50

model = resnet50(weights="IMAGENET1K_V2")
model.fc = nn.Linear(2048, 10)  # the backbone's feature width
model = model.to("cuda")
opt = torch.optim.SGD(model.parameters(), lr=1e-3)
for step in range(1000):
    x = torch.randn(32, 3, 224, 224, device="cuda")
    loss = nn.functional.cross_entropy(model(x), torch.randint(0, 10, (32,), device="cuda"))
    opt.zero_grad()
    loss.backward()
    opt.step()
`;
    const [f] = codes(analyze(text), "FP130");
    const fix = f.fixes.find((x) => x.title === "Fine-tune resnet18 instead of resnet50")!;
    const zoo = torchvisionZoo();
    assert.equal(zoo.resnet50.heads[0].inFeatures, 2048);
    const width = zoo.resnet18.heads[0].inFeatures;
    const fixed = applyEdits(text, fix.edits);
    assert.match(fixed, /from torchvision\.models import resnet18\n\nmodel = resnet18\(/);
    assert.ok(fixed.includes(`model.fc = nn.Linear(${width}, 10)  # the backbone's feature width`), fixed);
    // The fixed script's model is what the analysis now sees: resnet18 with a 10-class head.
    const after = analyze(fixed).models[0];
    assert.equal(after.className, "ResNet");
    assert.equal(after.paramsInexact, undefined);
  });
});

describe("FP180's int8 copy and the name `copy`", () => {
  const saving = (imports: string, local: string) => `${imports}
import torch
from torch import nn

def main():
    ${local}
    net = nn.Sequential(nn.Linear(512, 2048), nn.ReLU(), nn.Linear(2048, 10))
    torch.save(net.state_dict(), "net.pt")

main()
`;
  const fp180Fixes = (text: string) =>
    codes(analyze(text), "FP180").flatMap((f) => f.fixes.filter((x) => !x.title.startsWith("Ignore")));

  it("uses `from copy import deepcopy` where the script has it", () => {
    const text = saving("from copy import deepcopy", 'copy = {"epochs": 3}');
    const [fix] = fp180Fixes(text);
    assert.match(applyEdits(text, fix.edits), /quantize_dynamic\(\n {8}deepcopy\(net\)\.cpu\(\)/);
  });

  it("offers no `copy.deepcopy` where a variable of the script is called copy", () => {
    assert.equal(fp180Fixes(saving("import copy", 'copy = {"epochs": 3}')).length, 0);
    const [fix] = fp180Fixes(saving("import copy", "epochs = 3"));
    assert.match(fix.edits.map((e) => e.newText).join(""), /copy\.deepcopy\(net\)\.cpu\(\)/);
  });
});
