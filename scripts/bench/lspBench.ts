// Benchmarks of the bundled language server over real stdio: start to first diagnostics (wasm
// load included), hover / inlay-hint / code-action latency from the cache, and memory with 50
// open scripts. Drives dist/server.js with the same JSON-RPC harness as the LSP tests.
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CodeActionRequest,
  DidChangeTextDocumentNotification,
  HoverRequest,
  InlayHintRequest,
} from "vscode-languageserver-protocol/node";
import { fileUri, LspSession, position } from "../../test/lsp/harness";
import { fixtureScripts } from "./corpus";
import { ms, percentile, type Row } from "./stats";

const EXAMPLE = join(process.cwd(), "examples", "mnist_cnn.py");

/**
 * Starts with the code cache (boot.ts) in a fresh folder, written by a first start that is not
 * counted, or with it off — what the very first start after installing or updating costs.
 */
async function startToFirstDiagnostics(runs: number, cache: "on" | "off"): Promise<number[]> {
  const text = readFileSync(EXAMPLE, "utf8");
  const env = {
    FOOTPRINT_CACHE_DIR: join(mkdtempSync(join(tmpdir(), "footprint-bench-")), "cache"),
    FOOTPRINT_CODE_CACHE: cache,
  };
  const out: number[] = [];
  for (let i = cache === "on" ? -1 : 0; i < runs; i++) {
    const s = new LspSession(undefined, env);
    try {
      await s.initialize();
      await s.open(fileUri(EXAMPLE), text);
      // The uncounted first start writes the cache after its first analysis.
      if (i < 0) await s.log(/code cache written/);
      else out.push(s.firstDiagnosticsMs ?? Number.NaN);
    } finally {
      await s.shutdown().catch(() => s.kill());
    }
  }
  return out.sort((a, b) => a - b);
}

async function latency(request: () => Promise<unknown>, runs: number): Promise<number[]> {
  for (let i = 0; i < 5; i++) await request();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await request();
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

/**
 * Appends and removes a comment line at the end, waits for each version's diagnostics, then times
 * a code action for all of them: the request that builds their fixes (fixes are built on demand).
 */
async function codeActionsAfterEdits(s: LspSession, uri: string, text: string, runs: number): Promise<number[]> {
  const end = text.split("\n").length - 1;
  const at = { line: end, character: 0 };
  const whole = { start: { line: 0, character: 0 }, end: { line: end + 1, character: 0 } };
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const version = 2 + i;
    const change =
      i % 2 === 0
        ? { range: { start: at, end: at }, text: "# bench\n" }
        : { range: { start: at, end: { line: end + 1, character: 0 } }, text: "" };
    await s.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [change],
    });
    const { diagnostics } = await s.diagnostics(uri, (p) => p.version === version);
    const t = performance.now();
    await s.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: whole,
      context: { diagnostics },
    });
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

export async function lspRows(): Promise<Row[]> {
  if (!existsSync(join(process.cwd(), "dist", "server.js"))) {
    return [
      {
        what: "language server",
        median: "n/a",
        p95: "n/a",
        budget: "—",
        ok: null,
        note: "dist/server.js missing: run npm run package (npm run bench does)",
      },
    ];
  }
  const rows: Row[] = [];
  const start = await startToFirstDiagnostics(15, "on");
  rows.push({
    what: "server start → first diagnostics",
    median: ms(percentile(start, 50)),
    p95: ms(percentile(start, 95)),
    budget: "< 300 ms",
    ok: percentile(start, 50) < 300,
    note: "from the code cache the first start writes (dist/server.js → server-main.js, see boot.ts)",
  });
  const cold = await startToFirstDiagnostics(5, "off");
  rows.push({
    what: "  first start after install (no code cache yet)",
    median: ms(percentile(cold, 50)),
    p95: ms(percentile(cold, 95)),
    budget: "—",
    ok: null,
  });

  const s = new LspSession();
  try {
    await s.initialize();
    const text = readFileSync(EXAMPLE, "utf8");
    const uri = fileUri(EXAMPLE);
    const diagnostics = await s.open(uri, text);
    const at = position(text, "nn.Conv2d(", 3);
    const whole = { start: { line: 0, character: 0 }, end: { line: text.split("\n").length, character: 0 } };
    const probes: Array<[string, () => Promise<unknown>]> = [
      ["hover on a layer", () => s.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: at })],
      [
        "inlay hints, whole file",
        () => s.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: whole }),
      ],
      [
        "code actions, whole file (fixes built)",
        () =>
          s.connection.sendRequest(CodeActionRequest.type, {
            textDocument: { uri },
            range: whole,
            context: { diagnostics },
          }),
      ],
    ];
    for (const [what, req] of probes) {
      const t = await latency(req, 200);
      rows.push({
        what,
        median: ms(percentile(t, 50)),
        p95: `${ms(percentile(t, 99))} (p99)`,
        budget: "< 10 ms p99",
        ok: percentile(t, 99) < 10,
      });
    }

    // The first code action after an edit builds the fixes of every diagnostic it is given.
    const afterEdit = await codeActionsAfterEdits(s, uri, text, 100);
    rows.push({
      what: "code actions, whole file, first after an edit",
      median: ms(percentile(afterEdit, 50)),
      p95: `${ms(percentile(afterEdit, 99))} (p99)`,
      budget: "< 10 ms p99",
      ok: percentile(afterEdit, 99) < 10,
      note: "every diagnostic's quick-fixes built on this request (a light bulb asks for the cursor's only)",
    });

    // 50 open scripts: the fixture corpus, cycled under distinct URIs.
    const scripts = fixtureScripts();
    for (let i = 0; i < 50; i++) {
      const f = scripts[i % scripts.length];
      await s.open(`${fileUri(f.path)}?copy=${i}`, f.text);
    }
    const rss = rssMiB(s.process.pid!);
    rows.push({
      what: "server memory, 50 open scripts (RSS)",
      median: `${rss.toFixed(0)} MiB`,
      p95: "—",
      budget: "< 150 MB",
      ok: rss * 1.048576 < 150,
    });
  } finally {
    await s.shutdown().catch(() => s.kill());
  }

  const vsix = join(process.cwd(), "dist", "footprint-lint.vsix");
  if (existsSync(vsix)) {
    const mb = statSync(vsix).size / 1e6;
    rows.push({ what: ".vsix size", median: `${mb.toFixed(2)} MB`, p95: "—", budget: "< 5 MB", ok: mb < 5 });
  } else {
    rows.push({
      what: ".vsix size",
      median: "n/a",
      p95: "—",
      budget: "< 5 MB",
      ok: null,
      note: "run npm run package first",
    });
  }
  return rows;
}
