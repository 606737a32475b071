// The report webview in a real browser (Debian Chromium via playwright-core): the static shell with
// its CSP, the bundled script, a view model posted in. Checks the charts draw under the CSP, the
// table sorts and reveals, and hostile names stay text. Skips, saying why, without /usr/bin/chromium.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { build } from "esbuild";
import { type Browser, chromium, type Page } from "playwright-core";
import { makeNonce, reportShellHtml } from "../../extension/src/report/html";
import { reportViewModel } from "../../extension/src/report/reportModel";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { FileAnalysis } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

const CHROMIUM = "/usr/bin/chromium";
const skip = existsSync(CHROMIUM) ? false : `no browser at ${CHROMIUM} (apt-get install chromium)`;

let server: Server;
let browser: Browser;
let page: Page;
let analysis: FileAnalysis;
const pageErrors: string[] = [];

before(async () => {
  if (skip) return;
  const analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
  const text = readFileSync(join(process.cwd(), "examples/mnist_cnn.py"), "utf8");
  analysis = analyzer.analyze({
    path: "examples/mnist_cnn.py",
    text,
    settings: DEFAULT_SETTINGS,
    workspace: EMPTY_WORKSPACE,
  }).analysis;
  // The same bundle options as scripts/build.mjs's webview entry, built in memory.
  const bundle = await build({
    entryPoints: ["extension/src/webview/main.ts"],
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "es2022",
    write: false,
  });
  const script = bundle.outputFiles[0].text;
  const nonce = makeNonce();
  let html = "";
  server = createServer((req, res) => {
    if (req.url === "/webview.js") res.writeHead(200, { "content-type": "text/javascript" }).end(script);
    else res.writeHead(200, { "content-type": "text/html" }).end(html);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  // Stands in for VS Code: acquireVsCodeApi, recording what the webview posts and any CSP violation.
  const stub = `<script nonce="${nonce}">window.__posted=[];window.__violations=[];
document.addEventListener("securitypolicyviolation",e=>window.__violations.push(e.violatedDirective+" "+e.blockedURI));
window.acquireVsCodeApi=()=>({postMessage:m=>window.__posted.push(m)});</script>`;
  html = reportShellHtml({ cspSource: origin, nonce, scriptUri: `${origin}/webview.js`, title: "Footprint" }).replace(
    "<script nonce",
    `${stub}\n<script nonce`,
  );
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await page.goto(origin);
  await page.waitForFunction(() =>
    (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === "ready"),
  );
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function post(model: unknown) {
  await page.evaluate((m) => window.postMessage({ type: "report", model: m }, "*"), model);
}

test("charts draw under the CSP: one canvas per cost chart and what-if chart, with pixels", { skip }, async () => {
  const vm = reportViewModel(analysis);
  await post(vm);
  const expected =
    vm.models.filter((m) => m.costByLayer.values.length > 0).length +
    vm.runs.filter((r) => r.whatIfs.length > 1).length;
  await page.waitForFunction((n) => document.querySelectorAll("canvas").length === n, expected);
  const painted = await page.evaluate(() =>
    Array.from(document.querySelectorAll("canvas")).map((c) => {
      const d = (c as HTMLCanvasElement).getContext("2d")?.getImageData(0, 0, c.width, c.height).data ?? [];
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    }),
  );
  assert.ok(expected >= 2);
  for (const n of painted) assert.ok(n > 100, `a chart painted ${n} pixels`);
  assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), []);
  assert.deepEqual(pageErrors, []);
  // REPORT_SCREENSHOT=path.png saves the drawn report, for reviewing the layout by eye.
  if (process.env.REPORT_SCREENSHOT) await page.screenshot({ path: process.env.REPORT_SCREENSHOT, fullPage: true });
});

test("the layer table sorts by FLOPs on a header click and a row click asks to reveal its line", { skip }, async () => {
  const vm = reportViewModel(analysis);
  await post(vm);
  const rows = vm.models[0].layers;
  const table = page.locator("section").first().locator("table").first();
  assert.equal(await table.locator("tbody tr").count(), rows.length);
  await table.locator("th", { hasText: "FLOPs" }).click();
  const top = [...rows].sort((a, b) => (b.flops ?? -1) - (a.flops ?? -1))[0];
  assert.equal(await table.locator("tbody tr").first().locator("td").first().textContent(), top.path);
  await table.locator("tbody tr").first().click();
  const posted = await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);
  assert.deepEqual(posted.at(-1), { type: "reveal", line: top.line });
  // A re-render (the script changed) keeps the order the user picked.
  await post(vm);
  const again = page.locator("section").first().locator("table").first();
  assert.equal(await again.locator("tbody tr").first().locator("td").first().textContent(), top.path);
});

test("names from the script are text, never markup", { skip }, async () => {
  const hostile = '<img src=x onerror="window.__pwned=1">';
  const m = analysis.models[0];
  const vm = reportViewModel({ ...analysis, models: [{ ...m, layers: [{ ...m.layers[0], path: hostile }] }] });
  await post(vm);
  await page.waitForFunction((h) => document.body.textContent?.includes(h), hostile);
  assert.equal(await page.locator("main img").count(), 0);
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
});
