// Jupyter notebooks over the protocol: VS Code hands each Python cell to the server as a document
// of its own (scheme vscode-notebook-cell); such a cell is analysed like a script, while an .ipynb
// file sent whole (by an editor without notebook support) gets a notice instead of nonsense.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DiagnosticSeverity } from "vscode-languageserver-protocol/node";
import type { FileAnalysis } from "../../server/src/analysis/types";
import { REPORT_REQUEST } from "../../server/src/shared/protocol";
import { fileUri, LspSession, ROOT } from "./harness";

const notebookPath = join(ROOT, "test", "lsp", "virtual", "mnist.ipynb");
// What VS Code sends for the second cell of a notebook: the notebook's path and a cell fragment.
const cellUri = `vscode-notebook-cell:${notebookPath}#W1sZmlsZQ%3D%3D`;
const cell = "import torch.nn as nn\nmodel = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))\n";

describe("language server and Jupyter notebooks", () => {
  const lsp = new LspSession();
  before(() => lsp.initialize());
  after(() => lsp.kill());

  it("analyses a notebook's Python cell as a document of its own", async () => {
    const diagnostics = await lsp.open(cellUri, cell);
    assert.ok(!diagnostics.some((d) => /internal error|syntax error/.test(d.message)));
    const report = (await lsp.connection.sendRequest(REPORT_REQUEST, { uri: cellUri })) as FileAnalysis;
    const model = report.models.find((m) => m.name === "model");
    assert.ok(model, `models: ${report.models.map((m) => m.name).join(", ")}`);
    assert.equal(model.params, 784 * 10 + 10);
  });

  it("answers an .ipynb file sent whole with a 'not analysed' notice and keeps serving the cell", async () => {
    const json = JSON.stringify({
      cells: [{ cell_type: "code", metadata: {}, outputs: [], execution_count: null, source: cell.split(/(?<=\n)/) }],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    });
    const diagnostics = await lsp.open(fileUri(notebookPath), json);
    const notice = diagnostics.find((d) => /Jupyter notebook file/.test(d.message));
    assert.ok(notice, diagnostics.map((d) => d.message).join("; "));
    assert.equal(notice.severity, DiagnosticSeverity.Information);
    assert.equal(diagnostics.length, 1);
    const report = (await lsp.connection.sendRequest(REPORT_REQUEST, { uri: cellUri })) as FileAnalysis;
    assert.equal(report.models.length, 1);
  });
});
