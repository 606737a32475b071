// Real-editor tier: the packaged .vsix in code-server (VS Code 1.100) driven by Playwright through
// Debian Chromium. Seven checks of what a user sees — Problems, a layer hover, inlay hints and
// CodeLens, the report's drawn charts, a region change, the mixed-precision quick-fix, an importer
// following an unsaved edit of the module it imports — each with
// the exact text the core computes (expected.ts) and a screenshot in test/e2e/.artifacts/; and an
// eighth that the client gave the server its private storage for the start-up code cache.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Browser, chromium } from "playwright-core";
import { exact, range } from "../../server/src/analysis/format";
import { reportViewModel } from "../../extension/src/report/reportModel";
import { type CodeServer, installCodeServer, startCodeServer } from "./codeServer";
import {
  analyzeExample,
  analyzeInWorkspace,
  EXAMPLES,
  fixedText,
  hintAt,
  lineOf,
  modelLens,
  runLens,
} from "./expected";
import { ARTIFACTS, Workbench, waitForFileText } from "./workbench";

const manifest = JSON.parse(readFileSync(join(process.cwd(), "package.json"), "utf8")) as {
  publisher: string;
  name: string;
};

const CHROMIUM = "/usr/bin/chromium";
// Activation, server start and the first analysis all happen after the page loads.
const DIAGNOSTICS_TIMEOUT_MS = 120_000;
const UPDATE_TIMEOUT_MS = 60_000;
const MNIST = "mnist_cnn.py";
const HF = "hf_sst2_finetune.py";
// A country whose grid differs from the world average (the default region), so CO2e must change.
const REGION = "FRA";

let server: CodeServer;
let browser: Browser;
let wb: Workbench;

/** Wraps a step so a failure carries the editor's logs and a screenshot of the moment. */
async function step<T>(name: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    await wb.shot(`failed-${name}`).catch(() => undefined);
    const lenses = await wb.codeLensTexts().catch(() => []);
    throw new Error(
      `${name}: ${(error as Error).message}\nCodeLens on screen: ${JSON.stringify(lenses)}\n${server.diagnostics()}`,
    );
  }
}

describe("footprint-lint.vsix in code-server", { timeout: 15 * 60_000 }, () => {
  before(async () => {
    // Screenshots of an earlier run (a failed-* one above all) must not pass for this run's.
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    const entry = installCodeServer();
    server = await startCodeServer(entry, EXAMPLES);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    wb = new Workbench(page);
    await page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}`);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("(1) shows FP-coded findings of the opened script in the Problems panel", async () => {
    await step("problems", async () => {
      await wb.openFile(MNIST, "class ConvNet");
      await wb.shot("01-editor");
      await wb.runCommand("Problems: Focus on Problems View");
      const finding = wb.page.locator(".markers-panel .monaco-list-row", { hasText: "FP100" }).first();
      await finding.waitFor({ timeout: DIAGNOSTICS_TIMEOUT_MS });
      const { analysis } = await analyzeExample(MNIST);
      const model = analysis.models.find((m) => m.name === "model")!;
      const text = (await finding.innerText()).replace(/\s+/g, " ");
      assert.match(text, /footprint/);
      assert.ok(text.includes(`${exact(model.params)} params`), text);
      await wb.shot("02-problems");
    });
  });

  it("(2) shows a layer's parameter count in its hover", async () => {
    await step("hover", async () => {
      const { text, analysis } = await analyzeExample(MNIST);
      const fc1 = analysis.models.find((m) => m.name === "model")!.layers.find((l) => l.path === "fc1")!;
      const lineNo = lineOf(text, "self.fc1 = nn.Linear");
      await wb.goToLine(lineNo);
      const line = wb.editorLine("self.fc1 = nn.Linear");
      await line.waitFor();
      // Monaco renders in a monospace font: the word's x follows from its column.
      const source = text.split("\n")[lineNo - 1];
      const box = (await line.locator("span").first().boundingBox())!;
      const column = source.indexOf("Linear") + 3;
      await wb.page.mouse.move(box.x + (column * box.width) / source.length, box.y + box.height / 2);
      const hover = wb.page.locator(".monaco-hover-content", { hasText: `${exact(fc1.params)} params` }).first();
      await hover.waitFor({ timeout: 30_000 });
      assert.match(await hover.innerText(), /Linear/);
      await wb.shot("03-hover");
      await wb.page.keyboard.press("Escape");
    });
  });

  it("(3) renders the inlay hint at a layer line and the CodeLens above the model", async () => {
    await step("inlay-codelens", async () => {
      const { text, analysis } = await analyzeExample(MNIST);
      const hint = hintAt(analysis, lineOf(text, "self.fc1 = nn.Linear"));
      // The hint is injected text: Monaco renders it inside the line it annotates.
      await wb.editorLine("self.fc1 = nn.Linear").filter({ hasText: hint }).waitFor({ timeout: UPDATE_TIMEOUT_MS });
      await wb.shot("04-inlay-hints");
      await wb.goToLine(lineOf(text, "model = ConvNet()"));
      const lens = wb.codeLens(modelLens(analysis, "model"));
      await lens.waitFor({ timeout: UPDATE_TIMEOUT_MS });
      await wb.codeLens(runLens(analysis)).waitFor({ timeout: UPDATE_TIMEOUT_MS });
      await wb.shot("05-codelens");
    });
  });

  it("(4) Show Report opens the webview and Chart.js draws its charts", async () => {
    await step("report", async () => {
      const { analysis } = await analyzeExample(MNIST);
      const view = reportViewModel({ ...analysis, path: MNIST });
      // One cost chart per model with layer FLOPs, one what-if chart per run with what-ifs.
      const charts =
        view.models.filter((m) => m.costByLayer.values.length > 0).length +
        view.runs.filter((r) => r.whatIfs.length > 1).length;
      assert.ok(charts >= 2, `the example should give two charts, the model gives ${charts}`);
      await wb.runCommand("Footprint: Show Report");
      await wb.page.locator(".tabs-container .tab", { hasText: `Footprint: ${MNIST}` }).waitFor({ timeout: 30_000 });
      const report = wb.reportFrameLocator();
      await report.getByText(`Model: model (ConvNet)`).waitFor({ timeout: 30_000 });
      // The everyday equivalents with their cited factors (docs/EQUIVALENTS.md).
      await report
        .getByText(/km driven by an average gasoline passenger car/)
        .first()
        .waitFor();
      await report
        .getByText(/smartphone charges/)
        .first()
        .waitFor();
      const frame = await wb.reportFrame();
      // Drawn = every canvas has pixels that are not fully transparent (a blank canvas has none).
      // A string, not a function: tsx's helpers (__name) do not exist inside the webview.
      await frame.waitForFunction(
        `(() => {
          const canvases = Array.from(document.querySelectorAll("canvas"));
          const painted = (c) => {
            const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
            let count = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count++;
            return count > 100;
          };
          return canvases.length === ${charts} && canvases.every(painted);
        })()`,
        undefined,
        { timeout: 30_000 },
      );
      // The script's layers (with their inlay hints) beside the drawn report: the README's picture.
      await wb.goToLine(lineOf((await analyzeExample(MNIST)).text, "self.block1 = nn.Sequential"));
      await wb.shot("06-report");
    });
  });

  it(`(5) Select Region → ${REGION} changes the run's CO2e to the model's value for that grid`, async () => {
    await step("region", async () => {
      await wb.runCommand("View: Close All Editors");
      const world = await analyzeExample(HF);
      const there = await analyzeExample(HF, { region: REGION });
      const before = runLens(world.analysis);
      const afterLens = runLens(there.analysis);
      assert.notEqual(before, afterLens, "the grid of the region must change the CodeLens");
      await wb.openFile(HF, "TrainingArguments");
      await wb.goToLine(lineOf(world.text, "trainer.train()"));
      await wb.codeLens(before).waitFor({ timeout: DIAGNOSTICS_TIMEOUT_MS });
      await wb.shot("07-region-world");
      await wb.runCommand("Footprint: Select Region");
      await wb.page.locator(".quick-input-widget input").fill(REGION);
      await wb.chooseRow(`.quick-input-list .monaco-list-row[aria-label^="${REGION}"]`, REGION);
      await wb.chooseRow(".quick-input-list .monaco-list-row", "this workspace's settings");
      await wb.codeLens(afterLens).waitFor({ timeout: UPDATE_TIMEOUT_MS });
      // The status bar's total follows: the run's CO2e at the French grid.
      const co2e = range(there.analysis.runs[0].co2eKg!, "kg CO2e");
      await wb.page.locator(".statusbar-item", { hasText: co2e }).first().waitFor({ timeout: UPDATE_TIMEOUT_MS });
      const settings = JSON.parse(readFileSync(join(server.workspace, ".vscode", "settings.json"), "utf8"));
      assert.equal(settings["footprint.region"], REGION);
      await wb.shot("08-region-changed");
    });
  });

  it("(6) the mixed-precision quick-fix (FP110) edits and saves the script as the rule's fix says; the report follows", async () => {
    await step("quick-fix", async () => {
      const { text, analysis } = await analyzeExample(HF, { region: REGION });
      const { fix, after: fixed } = fixedText(text, analysis, "FP110", /bf16/);
      const fp110 = wb.page.locator(".markers-panel .monaco-list-row", { hasText: "FP110" }).first();
      await fp110.waitFor({ timeout: UPDATE_TIMEOUT_MS });
      // The report beside the script (the editor keeps the focus) shows the fp32 run's emissions…
      await wb.runCommand("Footprint: Show Report");
      const report = wb.reportFrameLocator();
      await report.getByText(range(analysis.runs[0].co2eKg!, "kg CO2e"), { exact: true }).waitFor({ timeout: 30_000 });
      await wb.goToLine(lineOf(text, "trainer.train()"));
      await wb.runCommand("Quick Fix...");
      await wb.page.locator(".action-widget .monaco-list-row", { hasText: fix.title }).first().waitFor();
      await wb.shot("09-quick-fix-menu");
      await wb.chooseRow(".action-widget .monaco-list-row", fix.title);
      await wb.editorLine("bf16=True").waitFor();
      await wb.runCommand("File: Save");
      await wb.page.locator(".tabs-container .tab.active.dirty").waitFor({ state: "detached" });
      // A save truncates then writes, so only the full fixed text ends the wait; a wrong edit times
      // out with the text the file holds.
      await waitForFileText(join(server.workspace, HF), (t) => t === fixed, UPDATE_TIMEOUT_MS);
      // The server re-analyses the fixed text: FP110 goes and the run is priced in bf16.
      await fp110.waitFor({ state: "detached", timeout: UPDATE_TIMEOUT_MS });
      const { analysis: now } = await analyzeExample(HF, { region: REGION }, fixed);
      await wb.codeLens(runLens(now)).waitFor({ timeout: UPDATE_TIMEOUT_MS });
      // …and follows the edit without being reopened: the bf16 run's emissions.
      await report
        .getByText(range(now.runs[0].co2eKg!, "kg CO2e"), { exact: true })
        .waitFor({ timeout: UPDATE_TIMEOUT_MS });
      await wb.shot("10-quick-fix-applied");
    });
  });

  it("(7) a script importing a module follows the module's unsaved edit, analysed while hidden", async () => {
    await step("cross-file", async () => {
      await wb.runCommand("View: Close All Editors");
      const heads = (out: number) =>
        `import torch.nn as nn\n\n\nclass Head(nn.Module):\n    def __init__(self, width):\n        super().__init__()\n        self.fc = nn.Linear(width, ${out})\n`;
      const script = "import torch\nfrom heads import Head\n\nhead = Head(width=16)\n";
      const dir = server.workspace;
      writeFileSync(join(dir, "heads.py"), heads(8));
      writeFileSync(join(dir, "use_heads.py"), script);
      const paramsWith = async (out: number) => {
        const files = { "heads.py": heads(out), "use_heads.py": script };
        const model = (await analyzeInWorkspace(dir, files, "use_heads.py")).models.find((m) => m.name === "head");
        if (!model) throw new Error("the core finds no model `head` in use_heads.py");
        return `${exact(model.params)} params`;
      };
      const [saved, edited] = [await paramsWith(8), await paramsWith(4)];
      assert.notEqual(saved, edited);
      const problem = (text: string) =>
        wb.page.locator(".markers-panel .monaco-list-row", { hasText: "FP100" }).filter({ hasText: text }).first();
      await wb.openFile("use_heads.py", "from heads import Head");
      // A single click opens a preview tab, which the next file would replace (and close): keep it open.
      await wb.runCommand("View: Keep Editor");
      await wb.runCommand("Problems: Focus on Problems View");
      await problem(saved).waitFor({ timeout: UPDATE_TIMEOUT_MS });
      // Type in heads.py: use_heads.py is no longer on screen, so it is re-analysed in idle time.
      await wb.openFile("heads.py", "nn.Linear(width, 8)");
      await wb.goToLine(lineOf(heads(8), "nn.Linear(width, 8)"));
      await wb.page.keyboard.press("End");
      await wb.page.keyboard.press("Backspace");
      await wb.page.keyboard.press("Backspace");
      await wb.page.keyboard.type("4)");
      await wb.editorLine("nn.Linear(width, 4)").waitFor();
      await problem(edited).waitFor({ timeout: UPDATE_TIMEOUT_MS });
      await wb.shot("11-cross-file");
      await wb.runCommand("File: Save");
      await waitForFileText(join(dir, "heads.py"), (t) => t === heads(4), UPDATE_TIMEOUT_MS);
    });
  });

  it("(8) the server keeps its start-up code cache in the extension's private global storage", () => {
    // Written right after the first analysis (check 1, minutes ago): extension.ts passes the folder.
    const id = `${manifest.publisher}.${manifest.name}`.toLowerCase();
    const dir = join(server.dataDir, "User", "globalStorage", id, "code-cache");
    const files = existsSync(dir) ? readdirSync(dir) : [];
    const caches = files.filter((f) => /^server-[0-9a-f]{20}\.v8cache$/.test(f));
    assert.equal(caches.length, 1, `${dir} holds ${JSON.stringify(files)}\n${server.diagnostics()}`);
    assert.ok(statSync(join(dir, caches[0])).size > 100_000, "the cache holds the compiled server bundle");
    assert.equal(statSync(dir).mode & 0o777, 0o700, "a private folder");
  });
});
