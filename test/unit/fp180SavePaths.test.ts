// FP180's int8 copy is written beside the file the script saves, whichever way it saves it:
// torch.jit.script/trace(...).save(path), torch.jit.save(scripted, path), a traced module saved a
// few lines later, torch.onnx.export(..., f). Before, every TorchScript or ONNX export got
// "model.int8.pt" in the working directory. The expected path is the script's with ".int8.pt".
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { applyEdits } from "../../server/src/analysis/fixes/textEdits";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

/** A trained MLP (Linear-heavy, so FP180 fires) saved by `save`, written as the last lines of main(). */
const script = (save: string) => `import argparse
import os

import torch
from torch import nn


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out-dir", default="exports")
    args = ap.parse_args()
    net = nn.Sequential(nn.Linear(256, 1024), nn.ReLU(), nn.Linear(1024, 8))
    opt = torch.optim.Adam(net.parameters())
    for step in range(500):
        loss = net(torch.randn(32, 256)).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    example = torch.randn(1, 256)
${save
  .split("\n")
  .map((l) => `    ${l}`)
  .join("\n")}


main()
`;

/** The fixed script: FP180's preferred fix applied; it must reparse. */
function fixed(text: string): string {
  const { analysis, tree } = analyzer.analyze({
    path: "/w/export.py",
    text,
    settings: DEFAULT_SETTINGS,
    workspace: EMPTY_WORKSPACE,
  });
  tree?.delete();
  const finding = analysis.findings.find((f) => f.code === "FP180");
  assert.ok(finding, "FP180 fires");
  const fix = finding.fixes.find((f) => f.isPreferred);
  assert.ok(fix, "a preferred fix");
  return applyEdits(text, fix.edits);
}

const int8Of = (path: string) => path.replace(/\.pt$|\.onnx$/, ".int8.pt");
const savedTo = (out: string) => /torch\.jit\.save\(torch\.jit\.script\(model_int8\), (.*)\)$/m.exec(out)?.[1];

test("torch.jit.script(net).save(literal): the copy goes beside, in the same folder", () => {
  const path = "exports/ranker.pt";
  const out = fixed(script(`torch.jit.script(net).save("${path}")`));
  assert.equal(savedTo(out), `"${int8Of(path)}"`);
});

test("torch.jit.trace(net, example).save(os.path.join(...)): the joined path's file name is renamed", () => {
  const out = fixed(script(`torch.jit.trace(net, example).save(os.path.join(args.out_dir, "ranker.pt"))`));
  assert.equal(savedTo(out), `os.path.join(args.out_dir, "${int8Of("ranker.pt")}")`);
});

test("torch.jit.save(torch.jit.script(net), name): the name's extension is swapped at run time", () => {
  const out = fixed(
    script(`target = os.path.join(args.out_dir, "ranker.pt")\ntorch.jit.save(torch.jit.script(net), target)`),
  );
  assert.equal(savedTo(out), `os.path.splitext(target)[0] + ".int8.pt"`);
});

test("a traced module saved two statements later: the copy follows that save, with its path", () => {
  const save = `traced = torch.jit.trace(net, example)\nprint(traced.graph)\ntraced.save("serving/ranker.pt")`;
  const out = fixed(script(save));
  assert.equal(savedTo(out), `"${int8Of("serving/ranker.pt")}"`);
  // After the fp32 save, not between the trace and it.
  assert.ok(out.indexOf('traced.save("serving/ranker.pt")') < out.indexOf("model_int8 ="));
});

test("torch.onnx.export(net, example, f): the int8 TorchScript copy is named after the ONNX file", () => {
  const out = fixed(script(`torch.onnx.export(net, example, "exports/ranker.onnx")`));
  assert.equal(savedTo(out), `"${int8Of("exports/ranker.onnx")}"`);
});

test("a path the fix cannot repeat safely (a call) still falls back to the working directory", () => {
  const out = fixed(script(`torch.jit.script(net).save(next(iter(["ranker.pt"])))`));
  assert.equal(savedTo(out), `"model.int8.pt"`);
});
