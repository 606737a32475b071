// Real-editor tier: the packaged .vsix in code-server (VS Code 1.100) driven by Playwright through
// Debian Chromium. Proves the package installs, activates on a Python file, and that the language
// server's findings reach the Problems panel, the hover, the report view and a quick-fix. Screenshots of each
// step go to test/e2e/.artifacts/ so a person can see what the user sees.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Browser, chromium, type Page } from "playwright-core";
import { type CodeServer, installCodeServer, startCodeServer } from "./codeServer";

const ARTIFACTS = join(process.cwd(), "test", "e2e", ".artifacts");
const CHROMIUM = "/usr/bin/chromium";
// Activation, server start and the first analysis all happen after the page loads.
const DIAGNOSTICS_TIMEOUT_MS = 120_000;

let server: CodeServer;
let browser: Browser;
let page: Page;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/** Runs a command through the palette (F1): the browser may swallow other shortcuts. */
async function runCommand(title: string): Promise<void> {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(`>${title}`);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first().waitFor();
  await page.keyboard.press("Enter");
}

/** Moves the active editor's cursor to a 1-based line; only visible lines are rendered. */
async function goToLine(line: number): Promise<void> {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(`:${line}`);
  await page.keyboard.press("Enter");
}

/** Wraps a step so a failure carries the editor's logs and a screenshot of the moment. */
async function step<T>(name: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    await shot(`failed-${name}`).catch(() => undefined);
    throw new Error(`${name}: ${(error as Error).message}\n${server.diagnostics()}`);
  }
}

describe("footprint-lint.vsix in code-server", { timeout: 15 * 60_000 }, () => {
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const entry = installCodeServer();
    server = await startCodeServer(entry, join(process.cwd(), "examples"));
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
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}`);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("opens the example and shows an FP100 finding in the Problems panel", async () => {
    await step("explorer", async () => {
      const row = page.locator(".explorer-folders-view .monaco-list-row", { hasText: "mnist_cnn.py" });
      await row.waitFor({ timeout: 60_000 });
      await shot("01-workbench");
      await row.click();
      await page.locator(".monaco-editor .view-lines", { hasText: "class ConvNet" }).waitFor();
      await shot("02-editor");
    });
    await step("problems", async () => {
      await runCommand("Problems: Focus on Problems View");
      const finding = page.locator(".markers-panel .monaco-list-row", { hasText: "FP100" }).first();
      await finding.waitFor({ timeout: DIAGNOSTICS_TIMEOUT_MS });
      const text = (await finding.innerText()).replace(/\s+/g, " ");
      assert.match(text, /footprint/);
      assert.match(text, /param/i);
      await shot("03-problems");
    });
  });

  it("shows the estimate in a hover on a layer", async () => {
    await step("hover", async () => {
      const source = readFileSync(join(process.cwd(), "examples", "mnist_cnn.py"), "utf8").split("\n");
      const lineIndex = source.findIndex((l) => l.includes("self.fc1 = nn.Linear"));
      assert.ok(lineIndex >= 0, "the example no longer has self.fc1 = nn.Linear");
      await goToLine(lineIndex + 1);
      const line = page.locator(".monaco-editor .view-line", { hasText: "self.fc1 = nn.Linear" });
      await line.waitFor();
      // Monaco renders in a monospace font: the word's x follows from its column.
      const text = source[lineIndex];
      const box = (await line.locator("span").first().boundingBox())!;
      const column = text.indexOf("Linear") + 3;
      await page.mouse.move(box.x + (column * box.width) / text.length, box.y + box.height / 2);
      const hover = page.locator(".monaco-hover-content", { hasText: /param/i }).first();
      await hover.waitFor({ timeout: 30_000 });
      assert.match(await hover.innerText(), /params/i);
      await shot("04-hover");
    });
  });

  it("opens the report view from the command palette", async () => {
    await step("report", async () => {
      await page.keyboard.press("Escape"); // close the hover; the script's editor keeps the focus
      await runCommand("Footprint: Show Report");
      await page.locator(".tabs-container .tab", { hasText: "footprint" }).first().waitFor({ timeout: 30_000 });
      // The report is a Markdown preview: a webview whose content sits in a nested frame.
      const report = page.frameLocator("iframe.webview").last().frameLocator("iframe#active-frame");
      await report
        .getByText(/ConvNet/)
        .first()
        .waitFor({ timeout: 30_000 });
      await shot("05-report");
    });
  });
  it("applies a quick-fix that edits the script", async () => {
    await step("quick-fix", async () => {
      await page.locator(".tabs-container .tab", { hasText: "mnist_cnn.py" }).first().click();
      const source = readFileSync(join(process.cwd(), "examples", "mnist_cnn.py"), "utf8").split("\n");
      const loop = source.findIndex((l) => l.includes("for images, targets in loader:"));
      assert.ok(loop >= 0, "the example's evaluation loop moved");
      await goToLine(loop + 1);
      await runCommand("Quick Fix...");
      const fix = page.locator(".action-widget .monaco-list-row", { hasText: "no_grad" }).first();
      await fix.waitFor({ timeout: 30_000 });
      await shot("06-quick-fix-menu");
      // The menu's pointer block swallows clicks: move the keyboard focus to the fix, then Enter.
      const rows = await page.locator(".action-widget .monaco-list-row").count();
      const focusedFix = page.locator(".action-widget .monaco-list-row.focused", { hasText: "no_grad" });
      for (let i = 0; i < rows && (await focusedFix.count()) === 0; i++) await page.keyboard.press("ArrowDown");
      assert.equal(await focusedFix.count(), 1, "the no_grad fix never got the focus");
      await page.keyboard.press("Enter");
      await page.locator(".monaco-editor .view-line", { hasText: "with torch.no_grad():" }).first().waitFor();
      // The server re-analyses the edited text: the finding the fix addressed goes away.
      await page
        .locator(".markers-panel .monaco-list-row", { hasText: "FP140" })
        .first()
        .waitFor({ state: "detached", timeout: 30_000 });
      await shot("07-quick-fix-applied");
    });
  });
});
