// Runs inside VS Code's extension host (loaded by @vscode/test-electron) on a temporary copy of
// examples/: the six real-editor checks of test/e2e through the vscode API, each against the text
// the core computes (test/e2e/expected.ts) — diagnostics, layer hover, inlay hint and CodeLens, the
// report webview, a region change, and the FP110 mixed-precision quick-fix saved to disk.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as vscode from "vscode";
import { exact } from "../../../server/src/analysis/format";
import { analyzeExample, fixedText, hintAt, lineOf, modelLens, runLens } from "../../e2e/expected";
import { codeLensTitles, codeOf, waitForCodeLens, waitForDiagnostics } from "./waits";

const EXTENSION_ID = "footprint-lint.footprint-lint";
const REGION = "FRA";

async function open(folder: vscode.Uri, name: string) {
  const uri = vscode.Uri.joinPath(folder, name);
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  return uri;
}

function hoverText(hovers: vscode.Hover[] | undefined): string {
  return (hovers ?? [])
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === "string" ? c : "value" in c ? c.value : ""))
    .join("\n");
}

export async function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  assert.ok(folder, "the examples copy is not open");
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in the test instance`);
  const mnist = await open(folder, "mnist_cnn.py");
  await extension.activate();
  const expected = await analyzeExample("mnist_cnn.py");
  const model = expected.analysis.models.find((m) => m.name === "model");
  assert.ok(model, "the core finds the MNIST model");

  // (1) FP-coded diagnostics with the model's exact size and a docs link.
  const diagnostics = await waitForDiagnostics(mnist, (all) => all.some((d) => codeOf(d) === "FP100"));
  const fp100 = diagnostics.find((d) => codeOf(d) === "FP100")!;
  assert.equal(fp100.source, "footprint");
  assert.ok(fp100.message.includes(`${exact(model.params)} params`), fp100.message);
  assert.ok(typeof fp100.code === "object" && fp100.code.target.toString().endsWith("docs/rules/FP100.md"));

  // (2) The hover on a layer gives its parameter count.
  const fc1 = model.layers.find((l) => l.path === "fc1")!;
  const fc1Line = lineOf(expected.text, "self.fc1 = nn.Linear") - 1;
  const column = expected.text.split("\n")[fc1Line].indexOf("Linear") + 2;
  const hover = hoverText(
    await vscode.commands.executeCommand<vscode.Hover[]>(
      "vscode.executeHoverProvider",
      mnist,
      new vscode.Position(fc1Line, column),
    ),
  );
  assert.ok(hover.includes(`${exact(fc1.params)} params`), hover);

  // (3) The inlay hint at the layer line and the CodeLens above the model and the run.
  const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>(
    "vscode.executeInlayHintProvider",
    mnist,
    new vscode.Range(0, 0, expected.text.split("\n").length, 0),
  );
  const label = hints?.find((h) => h.position.line === fc1Line)?.label;
  assert.equal(
    typeof label === "string" ? label : label?.map((p) => p.value).join(""),
    hintAt(expected.analysis, fc1Line + 1),
  );
  const titles = await codeLensTitles(mnist);
  assert.ok(titles.includes(modelLens(expected.analysis, "model")), JSON.stringify(titles));
  assert.ok(titles.includes(runLens(expected.analysis)), JSON.stringify(titles));

  // (4) Show Report opens the webview panel. Its pixels are out of the API's reach: the
  // code-server tier (test/e2e) checks that Chart.js drew the canvases.
  await vscode.commands.executeCommand("footprint.showReport", mnist.toString());
  const reportTab = vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith("footprint.report"));
  assert.ok(reportTab, "the report webview tab is open");
  assert.equal(reportTab.label, "Footprint: mnist_cnn.py");

  // (5) A region written at workspace scope re-prices the run to the core's figure for that grid.
  const hf = await open(folder, "hf_sst2_finetune.py");
  const world = await analyzeExample("hf_sst2_finetune.py");
  await waitForCodeLens(hf, runLens(world.analysis));
  await vscode.workspace.getConfiguration("footprint").update("region", REGION, vscode.ConfigurationTarget.Workspace);
  const there = await analyzeExample("hf_sst2_finetune.py", { region: REGION });
  assert.notEqual(runLens(there.analysis), runLens(world.analysis));
  await waitForCodeLens(hf, runLens(there.analysis));

  // (6) The FP110 mixed-precision quick-fix edits the script; saved, the file is the rule's fix.
  const { finding, fix, after } = fixedText(there.text, there.analysis, "FP110", /bf16/);
  const fp110 = (await waitForDiagnostics(hf, (all) => all.some((d) => codeOf(d) === "FP110"))).find(
    (d) => codeOf(d) === "FP110",
  )!;
  assert.equal(fp110.range.start.line, finding.range.start.line);
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    "vscode.executeCodeActionProvider",
    hf,
    fp110.range,
  );
  const action = actions?.find((a) => a.title === fix.title);
  assert.ok(action?.edit, JSON.stringify(actions?.map((a) => a.title)));
  assert.ok(await vscode.workspace.applyEdit(action.edit));
  assert.ok(await vscode.workspace.textDocuments.find((d) => d.uri.toString() === hf.toString())?.save());
  assert.equal(readFileSync(hf.fsPath, "utf8"), after);
  await waitForDiagnostics(hf, (all) => !all.some((d) => codeOf(d) === "FP110"));
  console.log(`test:vscode: six checks passed (FP100: ${fp100.message})`);
}
