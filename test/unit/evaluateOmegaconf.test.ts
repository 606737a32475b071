// omegaconf / hydra configurations (evaluate/stdlibOmegaconf.ts): values written in the script
// reach layer sizes and the training schedule; configs read from YAML at launch are explicit Unknowns.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { findDataset } from "../../server/src/analysis/run/datasetCatalog";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";
import { linearParams, model, run } from "./evaluateHelpers";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});
const analyze = (text: string) =>
  analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;

/** An MNIST loop whose schedule and loader read `cfg`, built by `setup`; `call` runs it. */
const LOOP = (setup: string, call = "train(cfg)") => `
import torch
import torch.nn as nn
from omegaconf import OmegaConf, DictConfig
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

${setup}

def train(cfg: DictConfig):
    data = datasets.MNIST("data", train=True, download=True, transform=transforms.ToTensor())
    loader = DataLoader(data, batch_size=cfg.data.batch_size, shuffle=True)
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, cfg.model.width), nn.ReLU(), nn.Linear(cfg.model.width, 10)).cuda()
    opt = torch.optim.SGD(net.parameters(), lr=cfg.optim.lr)
    for epoch in range(cfg.trainer.epochs):
        for images, labels in loader:
            loss = nn.functional.cross_entropy(net(images.cuda()), labels.cuda())
            opt.zero_grad()
            loss.backward()
            opt.step()

if __name__ == "__main__":
    ${call}
`;

const mnistTrain = () => findDataset("torchvision.datasets.MNIST", { train: true })?.samples;

describe("OmegaConf.create: a nested namespace over the dict", () => {
  it("attribute, item and get() access, interpolation, to_container, `in` and writes", async () => {
    const facts = await run(`
import torch.nn as nn
from omegaconf import OmegaConf
cfg = OmegaConf.create({"model": {"d_in": 48, "d_out": "\${model.d_in}", "extra": "???"}, "heads": [2, 4]})
cfg.model.hidden = 80
plain = OmegaConf.to_container(cfg, resolve=True)
width = cfg.get("width", 16) if "model" in cfg else 0
a = nn.Linear(cfg.model.d_in, cfg["model"]["hidden"])
b = nn.Linear(plain["model"]["d_out"], width * cfg.heads[1])
`);
    assert.equal(model(facts, "a").params, linearParams(48, 80));
    // d_out interpolates model.d_in; width falls back to get()'s default; heads[1] is 4.
    assert.equal(model(facts, "b").params, linearParams(48, 16 * 4));
  });

  it("prices the run from the config's schedule and batch size; merge lets later values win", () => {
    const a = analyze(
      LOOP(`base = OmegaConf.create({"data": {"batch_size": 64}, "model": {"width": 128}, "optim": {"lr": 0.1}, "trainer": {"epochs": 4}})
cfg = OmegaConf.merge(base, {"trainer": {"epochs": 7}})`),
    );
    assert.equal(a.runs.length, 1);
    const spec = a.runs[0]!.spec;
    assert.deepEqual([spec.epochs, spec.batchSize, spec.trainSamples], [7, 64, mnistTrain()]);
    assert.equal(spec.params, linearParams(784, 128) + linearParams(128, 10));
  });
});

describe("configs read at launch are explicit Unknowns", () => {
  it("OmegaConf.load: values come from the YAML file at launch", () => {
    const a = analyze(LOOP('cfg = OmegaConf.load("configs/mnist.yaml")'));
    assert.equal(a.runs.length, 1);
    assert.equal(a.runs[0]!.spec.epochs, null);
    const notes = (a.unknowns ?? []).map((u) => u.message);
    assert.ok(
      notes.some((m) => m.includes('OmegaConf.load("configs/mnist.yaml")') && /read at launch/.test(m)),
      notes.join("\n"),
    );
  });

  it("@hydra.main: the decorated function is run with a config from config_path/config_name", () => {
    const a = analyze(
      LOOP(
        `import hydra

@hydra.main(version_base=None, config_path="conf", config_name="mnist")
def main(cfg: DictConfig):
    train(cfg)`,
        "main()",
      ),
    );
    assert.equal(a.runs.length, 1, "the training loop inside the hydra entry point is found");
    const spec = a.runs[0]!.spec;
    assert.equal(spec.trainSamples, mnistTrain());
    assert.equal(spec.epochs, null);
    const notes = (a.unknowns ?? []).map((u) => u.message);
    assert.ok(
      notes.some((m) => m.includes("conf/mnist.yaml") && /read at launch/.test(m)),
      notes.join("\n"),
    );
  });
});
