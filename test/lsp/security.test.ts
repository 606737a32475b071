// Security of the bundled server as tests: dist/server.js runs with a preload that refuses process
// spawns, sockets and HTTP and logs every file it reads (test/unit/helpers/noEscape.cjs); through
// a session of opens, edits, hovers, hints, code actions and reports — including a script whose
// imports aim outside the workspace — it calls none of them and reads only its bundle and the workspace.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, describe, it } from "node:test";
import { CodeActionRequest, HoverRequest, InlayHintRequest } from "vscode-languageserver-protocol/node";
import { REPORT_REQUEST } from "../../server/src/shared/protocol";
import { fileUri, LspSession, ROOT } from "./harness";

const GUARD = join(ROOT, "test", "unit", "helpers", "noEscape.cjs");
const base = realpathSync(mkdtempSync(join(tmpdir(), "footprint-lsp-guard-")));
const ws = join(base, "ws");
const log = join(base, "guard.log");
const cacheDir = join(base, "code-cache");

/** The guard's log: forbidden calls and the real paths of file reads. */
function guardLog(): { calls: string[]; reads: string[] } {
  const lines = readFileSync(log, "utf8").split("\n").filter(Boolean);
  const calls = lines.filter((l) => l.startsWith("call\t")).map((l) => l.slice(5));
  const reads = lines
    .filter((l) => l.startsWith("read\t"))
    .map((l) => l.slice(l.indexOf(" ") + 1))
    .map((p) => {
      try {
        return realpathSync(p);
      } catch {
        return p; // a path that does not exist was only attempted
      }
    });
  return { calls, reads };
}

const within = (root: string, p: string) => !relative(root, p).startsWith("..");

describe("security: the bundled server", () => {
  let lsp: LspSession;
  before(async () => {
    mkdirSync(join(ws, "pkg"), { recursive: true });
    writeFileSync(join(base, "secret.py"), "import torch.nn as nn\nSECRET = nn.Linear(1000, 1000)\n");
    symlinkSync(join(base, "secret.py"), join(ws, "pkg", "link.py"));
    writeFileSync(log, "");
    // The server inherits these: the guard is loaded before dist/server.js and logs to `log`.
    process.env.FOOTPRINT_GUARD_LOG = log;
    process.env.NODE_OPTIONS = `--require ${GUARD}`;
    lsp = new LspSession(undefined, { FOOTPRINT_CACHE_DIR: cacheDir });
    delete process.env.NODE_OPTIONS;
    delete process.env.FOOTPRINT_GUARD_LOG;
    await lsp.initialize(ws);
  });
  after(() => lsp.kill());

  it("the preload is active in the server and catches a forbidden call (control)", () => {
    const out = execFileSync(
      process.execPath,
      ["-e", "try { require('node:child_process').execSync('true') } catch (e) { console.log(e.message) }"],
      { env: { ...process.env, NODE_OPTIONS: `--require ${GUARD}`, FOOTPRINT_GUARD_LOG: join(base, "control.log") } },
    ).toString();
    assert.match(out, /security guard: child_process.execSync is not allowed/);
    assert.match(readFileSync(join(base, "control.log"), "utf8"), /^call\tchild_process\.execSync true$/m);
    // The server itself loaded through the guard: its bundle read is in the log.
    assert.ok(
      guardLog().reads.some((p) => p.endsWith(join("dist", "server.js"))),
      "guard not loaded in the server",
    );
  });

  it("serves a session without spawning, connecting or reading outside its bundle and the workspace", async () => {
    const example = readFileSync(join(ROOT, "examples", "mnist_cnn.py"), "utf8");
    const escaping = [
      "import sys, runpy, torch",
      "from ..secret import SECRET as a",
      "from pkg.link import SECRET as b",
      `sys.path.insert(0, ${JSON.stringify(base)})`,
      "import secret",
      `runpy.run_path(${JSON.stringify(join(base, "secret.py"))})`,
      'w = torch.load("/etc/passwd")',
      "",
    ].join("\n");
    const uris = [fileUri(join(ws, "train.py")), fileUri(join(ws, "pkg", "escape.py"))];
    writeFileSync(join(ws, "train.py"), example);
    writeFileSync(join(ws, "pkg", "escape.py"), escaping);
    await lsp.open(uris[0], example);
    await lsp.open(uris[1], escaping);
    const whole = { start: { line: 0, character: 0 }, end: { line: 200, character: 0 } };
    for (const uri of uris) {
      const at = { textDocument: { uri }, position: { line: 5, character: 4 } };
      await lsp.connection.sendRequest(HoverRequest.type, at);
      await lsp.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: whole });
      await lsp.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri },
        range: whole,
        context: { diagnostics: [] },
      });
    }
    const report = (await lsp.connection.sendRequest(REPORT_REQUEST, { uri: uris[1] })) as {
      models: Array<{ params: number | null }>;
    };
    assert.ok(!report.models.some((m) => m.params === 1000 * 1000 + 1000), "a model from outside the workspace");
    const first = (await lsp.connection.sendRequest(REPORT_REQUEST, { uri: uris[0] })) as { models: unknown[] };
    assert.ok(first.models.length > 0, "the example was analysed");
    assert.equal(await lsp.shutdown(), 0);

    const { calls, reads } = guardLog();
    assert.deepEqual(calls, []);
    const dist = realpathSync(join(ROOT, "dist"));
    // The server's own start-up code cache (boot.ts) is the one file it reads elsewhere.
    const stray = reads.filter((p) => !within(dist, p) && !within(ws, p) && !within(cacheDir, p));
    assert.deepEqual(stray, [], "files read outside dist/, the workspace and the code cache folder");
    const cacheReads = reads.filter((p) => within(cacheDir, p));
    const cacheFile = /[\\/]server-[0-9a-f]{20}\.v8cache(\.\d+\.tmp)?$/; // the cache, or its write before the rename
    assert.ok(
      cacheReads.every((p) => p === cacheDir || cacheFile.test(p)),
      cacheReads.join(", "),
    );
  });
});
