// Playwright helpers for driving the VS Code workbench in code-server: the command palette, Go to
// Line, opening files from the Explorer, quick-pick rows, screenshots and the report webview's frame.
// Every wait is on a DOM condition with a timeout, never a fixed sleep.
import { readFileSync, watch } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Frame, FrameLocator, Locator, Page } from "playwright-core";

export const ARTIFACTS = join(process.cwd(), "test", "e2e", ".artifacts");

export class Workbench {
  constructor(readonly page: Page) {}

  async shot(name: string): Promise<void> {
    await this.page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  }

  private async palette(text: string): Promise<void> {
    await this.page.keyboard.press("F1");
    const input = this.page.locator(".quick-input-widget input");
    await input.waitFor({ state: "visible" });
    await input.fill(text);
  }

  /** Runs a command through the palette (F1): the browser may swallow other shortcuts. */
  async runCommand(title: string): Promise<void> {
    await this.palette(`>${title}`);
    // Fuzzy matching lists look-alikes first at times ("File: Save" also finds "Compare … with
    // Saved"): focus the row whose label is exactly the title.
    const label = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
    const row = this.page.locator(".quick-input-list .monaco-list-row").filter({
      has: this.page.locator(".label-name", { hasText: label }),
    });
    await this.chooseLocated(row);
  }

  /** Moves the active editor's cursor to a 1-based line; only visible lines are rendered. */
  async goToLine(line: number): Promise<void> {
    await this.palette(`:${line}`);
    await this.page.keyboard.press("Enter");
  }

  /** Opens a workspace file from the Explorer and waits until its text is rendered. */
  async openFile(name: string, textOnScreen: string): Promise<void> {
    const row = this.page.locator(".explorer-folders-view .monaco-list-row", { hasText: name }).first();
    await row.waitFor({ timeout: 60_000 });
    await row.click();
    await this.page.locator(".tabs-container .tab.active", { hasText: name }).waitFor();
    await this.editorLine(textOnScreen).waitFor();
  }

  /** The rendered line of the active editor holding `text` (inlay hints are rendered into it). */
  editorLine(text: string) {
    return this.page.locator(".editor-group-container.active .monaco-editor .view-line", { hasText: text }).first();
  }

  /** A CodeLens of the active editor whose text is exactly `title`. */
  codeLens(title: string) {
    return this.page
      .locator(".editor-group-container.active .monaco-editor .codelens-decoration")
      .filter({ hasText: title })
      .first();
  }

  async codeLensTexts(): Promise<string[]> {
    return this.page
      .locator(".monaco-editor .codelens-decoration")
      .evaluateAll((nodes) => nodes.map((n) => (n.textContent ?? "").trim()));
  }

  /**
   * Picks the row of the open quick pick / action list matching `row` (a CSS selector) and `text`
   * by moving the keyboard focus to it (clicks can land on the list's pointer block), then Enter.
   */
  async chooseRow(row: string, text: string | RegExp): Promise<void> {
    await this.chooseLocated(this.page.locator(row, { hasText: text }));
  }

  private async chooseLocated(rows: Locator): Promise<void> {
    await rows.first().waitFor({ timeout: 30_000 });
    const focused = rows.and(this.page.locator(".monaco-list-row.focused"));
    const all = await this.page.locator(".monaco-list-row").count();
    for (let i = 0; i <= all && (await focused.count()) === 0; i++) await this.page.keyboard.press("ArrowDown");
    if ((await focused.count()) === 0) throw new Error(`no row like ${rows} got the keyboard focus`);
    await this.page.keyboard.press("Enter");
  }

  /** The report webview's document: VS Code nests it in a second iframe (#active-frame). */
  reportFrameLocator(): FrameLocator {
    return this.page.frameLocator("iframe.webview").last().frameLocator("iframe#active-frame");
  }

  /** The Frame behind reportFrameLocator(), for waitForFunction on the charts' pixels. */
  async reportFrame(): Promise<Frame> {
    const handle = await this.reportFrameLocator().locator("canvas").first().elementHandle({ timeout: 30_000 });
    const frame = await handle?.ownerFrame();
    if (!frame) throw new Error("the report's canvas has no frame");
    return frame;
  }
}

/**
 * Resolves with the file's text once `accept` holds, woken by file-system events on its folder
 * (the save lands after the tab's dirty mark clears), rejecting with the last text after `timeoutMs`.
 */
export function waitForFileText(path: string, accept: (text: string) => boolean, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const read = () => {
      try {
        return readFileSync(path, "utf8");
      } catch {
        return "";
      }
    };
    const watcher = watch(dirname(path), (_event, name) => {
      if (name === basename(path)) check();
    });
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`${path} did not reach the expected text in ${timeoutMs} ms; it holds:\n${read()}`));
    }, timeoutMs);
    const check = () => {
      const text = read();
      if (!accept(text)) return;
      clearTimeout(timer);
      watcher.close();
      resolve(text);
    };
    check();
  });
}
