// Replaced heads on zoo models, checked against real torchvision: each snippet below is run twice, by
// /usr/bin/python3 with torch/torchvision (weights=None, nothing downloaded) and by the analyzer, and
// the total and trainable parameter counts must be equal. Also regenerates both zoo files in memory
// (torchvision_zoo.py / timm_zoo.py --check) so neither can drift from what torch builds.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { model, run } from "../unit/evaluateHelpers";

const PYTHON = "/usr/bin/python3";
const probe = spawnSync(PYTHON, ["-c", "import torchvision; print(torchvision.__version__)"], {
  encoding: "utf8",
  timeout: 60_000,
});
const skip = probe.status === 0 ? false : `${PYTHON} cannot import torchvision (install Debian python3-torchvision)`;

/** Head replacements the way fine-tuning scripts write them; `model` is the variable both sides count. */
const CASES: Record<string, string> = {
  "resnet50 fc → 10": `model = models.resnet50(weights=None)
model.fc = nn.Linear(model.fc.in_features, 10)`,
  "efficientnet_b0 classifier[1] → 10": `model = models.efficientnet_b0(weights=None)
model.classifier[1] = nn.Linear(model.classifier[1].in_features, 10)`,
  "mobilenet_v3_large classifier[3] → 10": `model = models.mobilenet_v3_large(weights=None)
model.classifier[3] = nn.Linear(model.classifier[3].in_features, 10)`,
  "vit_b_16 heads.head → 10": `model = models.vit_b_16(weights=None)
model.heads.head = nn.Linear(model.heads.head.in_features, 10)`,
  "convnext_tiny classifier[2] → 10": `model = models.convnext_tiny(weights=None)
model.classifier[2] = nn.Linear(model.classifier[2].in_features, 10)`,
  "swin_t head → 10": `model = models.swin_t(weights=None)
model.head = nn.Linear(model.head.in_features, 10)`,
  "densenet121 classifier → 10, frozen features": `model = models.densenet121(weights=None)
for p in model.parameters():
    p.requires_grad = False
model.classifier = nn.Linear(model.classifier.in_features, 10)`,
  "resnet18 num_classes=10": `model = models.resnet18(weights=None, num_classes=10)`,
  "fasterrcnn_resnet50_fpn FastRCNNPredictor(…, 10)": `model = models.detection.fasterrcnn_resnet50_fpn(weights=None, weights_backbone=None)
in_features = model.roi_heads.box_predictor.cls_score.in_features
model.roi_heads.box_predictor = FastRCNNPredictor(in_features, 10)`,
};
const PRELUDE = `import torch
import torch.nn as nn
import torchvision.models as models
import torchvision.models.detection
from torchvision.models.detection.faster_rcnn import FastRCNNPredictor
`;

function realCounts(): Record<string, { params: number; trainable: number }> {
  const body = Object.entries(CASES)
    .map(
      ([name, code]) =>
        `${code}\nout[${JSON.stringify(name)}] = {"params": sum(p.numel() for p in model.parameters()), "trainable": sum(p.numel() for p in model.parameters() if p.requires_grad)}`,
    )
    .join("\n");
  const script = `${PRELUDE}import json\nout = {}\n${body}\nprint(json.dumps(out))\n`;
  const r = spawnSync(PYTHON, ["-c", script], { encoding: "utf8", timeout: 600_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

describe("zoo heads against real torchvision", { skip }, () => {
  it("replaced and rebuilt heads: the analyzer's params equal torchvision's", { timeout: 600_000 }, async () => {
    const real = realCounts();
    for (const [name, code] of Object.entries(CASES)) {
      const m = model(await run(`${PRELUDE}${code}\n`), "model");
      assert.equal(m.params, real[name].params, name);
      assert.equal(m.trainableParams, real[name].trainable, name);
    }
  });

  it("torchvision.json matches a fresh run of test/oracle/torchvision_zoo.py", { timeout: 1_800_000 }, () => {
    const r = spawnSync(PYTHON, [join("test", "oracle", "torchvision_zoo.py"), "--check"], {
      encoding: "utf8",
      timeout: 1_740_000,
    });
    assert.equal(r.status, 0, `${r.stderr}\n${r.stdout}`);
  });

  it("timm.json matches a fresh run of test/oracle/timm_zoo.py", { timeout: 600_000 }, () => {
    const r = spawnSync(PYTHON, [join("test", "oracle", "timm_zoo.py"), "--check"], {
      encoding: "utf8",
      timeout: 540_000,
    });
    assert.equal(r.status, 0, `${r.stderr}\n${r.stdout}`);
  });
});
