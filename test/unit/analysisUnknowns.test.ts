// The interpreter's notes that no model carries reach the user: ranged ones as FileAnalysis.unknowns
// (with their line, in the CLI and Markdown reports), file-level stops (step budget) as notices.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { DEFAULT_BUDGET } from "../../server/src/analysis/evaluate";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { markdownReport } from "../../server/src/cli/renderMarkdown";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

const SCRIPT = `import torch
from torch import nn
import tensorflow as tf

train_ds = tf.keras.utils.image_dataset_from_directory("flowers/train", image_size=(180, 180), batch_size=32)
raw = torch.frombuffer(bytearray(open("weights.bin", "rb").read()), dtype=torch.float32)
model = nn.Sequential(nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 2))
`;

test("script-level unknowns keep their line and hint; those on a model are not repeated", () => {
  const { analysis } = analyzer.analyze({
    path: "/w/train.py",
    text: SCRIPT,
    settings: DEFAULT_SETTINGS,
    workspace: EMPTY_WORKSPACE,
  });
  const lines = SCRIPT.split("\n");
  const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle));
  const u = analysis.unknowns ?? [];
  const images = u.find((x) => /image_dataset_from_directory/.test(x.message));
  assert.ok(images, JSON.stringify(u));
  assert.equal(images.range?.start.line, lineOf("image_dataset_from_directory"));
  const frombuffer = u.find((x) => /torch\.frombuffer/.test(x.message));
  assert.ok(frombuffer);
  assert.equal(frombuffer.range?.start.line, lineOf("frombuffer"));
  const onModels = new Set(analysis.models.flatMap((m) => m.unknowns.map((x) => x.message)));
  assert.ok(u.every((x) => !onModels.has(x.message)));
  const md = markdownReport([analysis]);
  assert.ok(md.includes(`- ${images.message} (line ${lineOf("image_dataset_from_directory") + 1})`), md);
});

test("a step-budget stop is a file notice, and the models built before it are kept", () => {
  const text = "from torch import nn\nnet = nn.Linear(4, 2)\ni = 0\nwhile True:\n    i += 1\n";
  const { analysis } = analyzer.analyze({
    path: "/w/loop.py",
    text,
    settings: DEFAULT_SETTINGS,
    workspace: EMPTY_WORKSPACE,
    budget: { ...DEFAULT_BUDGET, maxSteps: 5_000 },
  });
  assert.ok(
    analysis.notices.some((n) => /analysis stopped after 5,000 steps \(budget\)/.test(n)),
    JSON.stringify(analysis.notices),
  );
  assert.equal(analysis.models.find((m) => m.name === "net")?.params, 4 * 2 + 2);
  assert.equal(analysis.unknowns, undefined);
});

test("an empty `while True` stops at its iteration cap with an unknown on the loop's line", () => {
  const text = "from torch import nn\nnet = nn.Linear(4, 2)\nwhile True:\n    pass\n";
  const { analysis } = analyzer.analyze({
    path: "/w/spin.py",
    text,
    settings: DEFAULT_SETTINGS,
    workspace: EMPTY_WORKSPACE,
  });
  const spin = analysis.unknowns?.find((u) => /while loop still running/.test(u.message));
  assert.equal(spin?.range?.start.line, 2);
  assert.equal(analysis.models.find((m) => m.name === "net")?.params, 10);
});

test("torch.jit.save is a save of the scripted model, not an unresolved call", () => {
  const text =
    'import torch\nfrom torch import nn\nmodel = nn.Sequential(nn.Linear(512, 2048), nn.ReLU(), nn.Linear(2048, 10))\nscripted = torch.jit.script(model)\ntorch.jit.save(scripted, "model.pt")\n';
  const { analysis } = analyzer.analyze({
    path: "/w/export.py",
    text,
    settings: DEFAULT_SETTINGS,
    workspace: EMPTY_WORKSPACE,
  });
  assert.equal(analysis.unknowns, undefined);
  assert.equal(analysis.findings.filter((f) => f.code === "FP180").length, 1, "one finding for the one model");
});

test("a layer sized from a value the analysis cannot resolve: params are a lower bound, FLOPs and the run unknown", () => {
  const text = `import os
import torch
from torch import nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

hidden = int(os.environ["HIDDEN"])
loader = DataLoader(datasets.MNIST("data", train=True, transform=transforms.ToTensor()), batch_size=128)
model = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, hidden), nn.ReLU(), nn.Linear(hidden, 10))
opt = torch.optim.Adam(model.parameters())
for epoch in range(5):
    for x, y in loader:
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
`;
  const { analysis } = analyzer.analyze({
    path: "/w/train.py",
    text,
    settings: DEFAULT_SETTINGS,
    workspace: EMPTY_WORKSPACE,
  });
  const [m] = analysis.models;
  // Only Linear(784, 512) has known sizes: 784 × 512 + 512.
  assert.equal(m.params, 784 * 512 + 512);
  assert.equal(m.paramsInexact, "lowerBound");
  assert.equal(m.forwardFlops, null, "the unresolved Linear layers multiply too");
  assert.match(
    m.unknowns.map((u) => u.message).join("\n"),
    /forward FLOPs unknown: layer 3 \(Linear\) has sizes the analysis could not resolve/,
  );
  const fp100 = analysis.findings.find((f) => f.code === "FP100");
  assert.match(
    fp100?.message ?? "",
    /^model \(Sequential\): ≥ 401,920 params · FLOPs unknown: layer 3 \(Linear\) has sizes/,
  );
  const [run] = analysis.runs;
  assert.equal(run.timeHours, null);
  assert.match(run.spec.unknowns.map((u) => u.hint).join("\n"), /add `# footprint: flops <FLOPs per sample>`/);
});

test("a pretrained model loaded from a library the analysis does not model is named where it is loaded", () => {
  const text = `import torch
from diffusers import AutoencoderKL, DDPMScheduler, UNet2DConditionModel
from transformers import CLIPTokenizer

unet = UNet2DConditionModel.from_pretrained("runwayml/stable-diffusion-v1-5", subfolder="unet")
vae = AutoencoderKL.from_pretrained("runwayml/stable-diffusion-v1-5", subfolder="vae")
sched = DDPMScheduler.from_pretrained("runwayml/stable-diffusion-v1-5", subfolder="scheduler")
tok = CLIPTokenizer.from_pretrained("openai/clip-vit-large-patch14")
`;
  const { analysis } = analyzer.analyze({
    path: "/w/sd.py",
    text,
    settings: DEFAULT_SETTINGS,
    workspace: EMPTY_WORKSPACE,
  });
  const notes = (analysis.unknowns ?? []).filter((u) => /is not modelled, so the parameters/.test(u.message));
  assert.deepEqual(
    notes.map((u) => [u.range?.start.line, u.message]),
    [
      [
        4,
        "diffusers.UNet2DConditionModel.from_pretrained(): diffusers is not modelled, so the parameters and FLOPs of the model it loads are unknown",
      ],
      [
        5,
        "diffusers.AutoencoderKL.from_pretrained(): diffusers is not modelled, so the parameters and FLOPs of the model it loads are unknown",
      ],
    ],
  );
  assert.match(notes[0].hint ?? "", /# footprint: params 860M/);
});
