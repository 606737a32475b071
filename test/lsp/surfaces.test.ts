// Every editor surface through the bundled server over stdio, in a workspace whose pyproject.toml
// sets the region and whose editor settings set the PUE: the run hover's formula with the numbers
// plugged in and each assumption's origin, run CodeLens, the FP110 mixed-precision code action,
// the settings switches, and a settings change re-pricing open files without a restart.
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { averageIntensity } from "@tgwf/co2/data";
import {
  CodeActionRequest,
  CodeLensRequest,
  DidChangeConfigurationNotification,
  HoverRequest,
  InlayHintRequest,
  type MarkupContent,
  type TextDocumentEdit,
} from "vscode-languageserver-protocol/node";
import { applyEdits } from "../../server/src/analysis/fixes/textEdits";
import { compact, range } from "../../server/src/analysis/format";
import type { FileAnalysis } from "../../server/src/analysis/types";
import { REPORT_REQUEST, SHOW_REPORT_COMMAND } from "../../server/src/shared/protocol";
import { fileUri, LspSession, position, ROOT } from "./harness";

const dir = mkdtempSync(join(tmpdir(), "footprint-surfaces-"));
writeFileSync(join(dir, "pyproject.toml"), '[project]\nname = "demo"\n\n[tool.footprint]\nregion = "FRA"\n');
for (const f of ["mnist_cnn.py", "hf_sst2_finetune.py"]) copyFileSync(join(ROOT, "examples", f), join(dir, f));
const script = (name: string) => ({ uri: fileUri(join(dir, name)), text: readFileSync(join(dir, name), "utf8") });
const mnist = script("mnist_cnn.py");
const hf = script("hf_sst2_finetune.py");
const FRA = averageIntensity.data.FRA;

describe("editor surfaces over stdio (pyproject region, editor PUE)", () => {
  const lsp = new LspSession();
  const report = async (uri: string) => (await lsp.connection.sendRequest(REPORT_REQUEST, { uri })) as FileAnalysis;
  const hover = async (uri: string, text: string, needle: string) => {
    const h = await lsp.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: position(text, needle, 4),
    });
    assert.ok(h, `a hover at ${needle}`);
    return (h.contents as MarkupContent).value;
  };
  /** Applies `change`, tells the server, and returns the report after the re-analysis it triggers. */
  const reconfigure = async (change: () => void, uri: string) => {
    const previous = await lsp.diagnostics(uri);
    change();
    await lsp.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    // The next publish for `uri` (a new object, even with the same diagnostics) follows the re-analysis.
    await lsp.diagnostics(uri, (p) => p !== previous);
    return report(uri);
  };

  before(async () => {
    lsp.configuration.pue = 1.2;
    await lsp.initialize(dir);
    await lsp.open(mnist.uri, mnist.text);
    await lsp.open(hf.uri, hf.text);
  });
  after(() => {
    lsp.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it("prices with the project file's grid and the editor's PUE, and says where each came from", async () => {
    const run = (await report(mnist.uri)).runs[0];
    assert.ok(run.energyKWh && run.co2eKg, "the MNIST run is priced");
    // CO2e = energy × grid: the French grid of @tgwf/co2, not the world average.
    assert.ok(Math.abs(run.co2eKg.low - (run.energyKWh.low * FRA) / 1000) < 1e-12);
    assert.ok(Math.abs(run.co2eKg.high - (run.energyKWh.high * FRA) / 1000) < 1e-12);
    const text = await hover(mnist.uri, mnist.text, "for epoch in range(");
    const line = (start: string) => text.split("\n").find((l) => l.startsWith(start)) ?? `(no line "${start}")`;
    assert.equal(
      line("- grid intensity"),
      `- grid intensity (gCO2e/kWh): ${FRA} (FRA) _(from pyproject.toml [tool.footprint])_`,
    );
    assert.equal(line("- PUE:"), "- PUE: 1.2 _(from your settings)_");
    assert.equal(line("- epochs:"), `- epochs: ${run.spec.epochs} _(from the script)_`);
    const mfu = run.assumptions.find((a) => a.name === "model FLOPs utilisation")?.value;
    assert.equal(line("- model FLOPs utilisation:"), `- model FLOPs utilisation: ${mfu} _(default)_`);
    // The formula with this run's numbers plugged in, each step ending in the figure it gives.
    assert.ok(text.includes("**How**"), text);
    assert.equal(
      line("- CO2e = energy × grid"),
      `- CO2e = energy × grid = ${range(run.energyKWh, "kWh")} × ${FRA} gCO2e/kWh → **${range(run.co2eKg, "kg CO2e")}**`,
    );
    assert.match(line("- energy = time"), new RegExp(`× 1\\.2 → \\*\\*${range(run.energyKWh, "kWh")}\\*\\*$`));
    assert.ok(
      line("- time = max(FLOPs").includes(
        ` TFLOP/s × ${mfu}), dispatch + loading) → **${range(run.timeHours!, "h")}**`,
      ),
    );
  });

  it("puts the run's cost in a CodeLens that opens the report, and a layer cost in an inlay hint", async () => {
    const run = (await report(hf.uri)).runs[0];
    const lenses = await lsp.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: hf.uri } });
    const lens = lenses?.find((l) => l.range.start.line === run.spec.range.start.line);
    assert.ok(lens?.command, JSON.stringify(lenses));
    assert.ok(lens.command.title.includes(range(run.co2eKg!, "kg CO2e")), lens.command.title);
    assert.equal(lens.command.command, SHOW_REPORT_COMMAND);
    assert.deepEqual(lens.command.arguments, [hf.uri]);
    const hints = await lsp.connection.sendRequest(InlayHintRequest.type, {
      textDocument: { uri: mnist.uri },
      range: { start: { line: 0, character: 0 }, end: { line: 200, character: 0 } },
    });
    const fc1 = (await report(mnist.uri)).models[0].layers.find((l) => l.path === "fc1")!;
    assert.equal(
      hints?.find((h) => h.position.line === fc1.range!.end.line)?.label,
      `${compact(fc1.params)} params · ${compact(2 * fc1.macs!)} FLOPs`,
    );
  });

  it("offers FP110's mixed-precision fix, whose edit makes the run bf16 and the finding go", async () => {
    const fp110 = (await lsp.diagnostics(hf.uri)).diagnostics.find((d) => d.code === "FP110");
    assert.ok(fp110, "FP110 on the Trainer run");
    const actions = await lsp.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: hf.uri },
      range: fp110.range,
      context: { diagnostics: [fp110] },
    });
    const fix = actions?.find((a) => "title" in a && a.title === "Set bf16=True in TrainingArguments");
    assert.ok(fix && "edit" in fix && fix.edit, JSON.stringify(actions?.map((a) => a.title)));
    const edits = (fix.edit.documentChanges?.[0] as TextDocumentEdit).edits;
    const fixed = applyEdits(hf.text, edits);
    assert.match(fixed, /logging_steps=50,\n {4}bf16=True,\n\)/);
    const onDisk = script("hf_sst2_finetune.py");
    writeFileSync(join(dir, "fixed.py"), fixed);
    const fixedUri = fileUri(join(dir, "fixed.py"));
    const diagnostics = await lsp.open(fixedUri, fixed);
    assert.equal(onDisk.text, hf.text, "the server never writes the file");
    assert.equal(diagnostics.filter((d) => d.code === "FP110").length, 0);
    assert.match(String((await report(fixedUri)).runs[0].spec.precision), /^bf16/);
  });

  it("re-prices open files when a setting changes, and switches CodeLens and inlay hints off", async () => {
    const before = (await report(mnist.uri)).runs[0].energyKWh!;
    const repriced = await reconfigure(() => {
      lsp.configuration.pue = 1.5;
    }, mnist.uri);
    // Energy scales with PUE: 1.5 / 1.2 of the earlier figure.
    assert.ok(Math.abs(repriced.runs[0].energyKWh!.high / before.high - 1.5 / 1.2) < 1e-9);
    (lsp.configuration.codeLens as { enabled: boolean }).enabled = false;
    (lsp.configuration.inlayHints as { enabled: boolean }).enabled = false;
    await lsp.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    assert.deepEqual(await lsp.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: hf.uri } }), []);
    const whole = { start: { line: 0, character: 0 }, end: { line: 200, character: 0 } };
    assert.deepEqual(
      await lsp.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri: mnist.uri }, range: whole }),
      [],
    );
  });
});
