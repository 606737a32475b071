// Bounded fuzzing of the bundled server over stdio: mutated example scripts opened and edited with
// random incremental changes (ranges past the end included) and queried at random positions, then
// JSON-RPC frames whose bodies are random bytes or random method calls. The server must answer or
// ignore each, keep serving a good document and shut down with code 0. Seeded, so a failure replays.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CodeActionRequest,
  DidChangeTextDocumentNotification,
  HoverRequest,
  InlayHintRequest,
} from "vscode-languageserver-protocol/node";
import type { FileAnalysis } from "../../server/src/analysis/types";
import { REPORT_REQUEST } from "../../server/src/shared/protocol";
import { fileUri, LspSession, ROOT } from "./harness";

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const DOCS = 24;
const EDITS_PER_DOC = 5;
const FRAMES = 40;

/** mulberry32: tiny deterministic PRNG (as in test/unit/fuzz.test.ts). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(SEED);
const int = (n: number) => Math.floor(rand() * n);
const TOKENS = [
  "(",
  ")",
  ":",
  "\n    ",
  "nn.Linear(",
  "for i in range(10**9):\n",
  "\\",
  '"""',
  "\uFFFD",
  "\r\n",
  `x${"[".repeat(50)}`,
];

const examples = readdirSync(join(ROOT, "examples"))
  .filter((f) => f.endsWith(".py"))
  .sort()
  .map((f) => readFileSync(join(ROOT, "examples", f), "utf8"));
const good = fileUri(join(ROOT, "examples", "mnist_cnn.py"));

function mutate(text: string): string {
  let t = text;
  for (let k = 0; k < 1 + int(4); k++) {
    const at = int(t.length + 1);
    const op = int(3);
    if (op === 0) t = t.slice(0, at) + TOKENS[int(TOKENS.length)] + t.slice(at);
    else if (op === 1) t = t.slice(0, at) + t.slice(at + int(40));
    else t = t.slice(0, at) + t.slice(int(t.length), int(t.length)) + t.slice(at);
  }
  return t;
}

describe(`language server fuzz (seed ${SEED})`, () => {
  const lsp = new LspSession();
  before(async () => {
    await lsp.initialize();
    await lsp.open(good, readFileSync(join(ROOT, "examples", "mnist_cnn.py"), "utf8"));
  });
  after(() => lsp.kill());

  async function stillServing(): Promise<void> {
    const report = (await lsp.connection.sendRequest(REPORT_REQUEST, { uri: good })) as FileAnalysis;
    assert.ok(report.models.length > 0, "the good document lost its models");
  }

  it(`${DOCS} mutated scripts, each edited ${EDITS_PER_DOC} times and queried`, { timeout: 180_000 }, async () => {
    for (let d = 0; d < DOCS; d++) {
      const uri = fileUri(join(ROOT, "test", "lsp", "virtual", `fuzz${d}.py`));
      const text = mutate(examples[d % examples.length]);
      await lsp.open(uri, text);
      const lines = text.split("\n").length;
      let version = 1;
      for (let e = 0; e < EDITS_PER_DOC; e++) {
        // Ranges may point past the last line or character: clients get this wrong, servers clamp.
        const start = { line: int(lines + 3), character: int(120) };
        const end = { line: start.line + int(3), character: int(120) };
        await lsp.connection.sendNotification(DidChangeTextDocumentNotification.type, {
          textDocument: { uri, version: ++version },
          contentChanges: [{ range: { start, end }, text: TOKENS[int(TOKENS.length)] }],
        });
      }
      const position = { line: int(lines + 2), character: int(80) };
      await lsp.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
      const range = { start: { line: 0, character: 0 }, end: { line: lines + 5, character: 0 } };
      await lsp.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range });
      await lsp.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri },
        range,
        context: { diagnostics: [] },
      });
      const last = version;
      const published = await lsp.diagnostics(uri, (p) => p.version === last);
      assert.ok(
        !published.diagnostics.some((x) => /internal error/.test(x.message)),
        `document ${d}: ${published.diagnostics.map((x) => x.message).join("; ")}`,
      );
      // Quick-fixes are built on demand: ask for every diagnostic's, and for fix-all, on the mutant.
      for (const only of [undefined, ["source.fixAll"]]) {
        await lsp.connection.sendRequest(CodeActionRequest.type, {
          textDocument: { uri },
          range,
          context: { diagnostics: published.diagnostics, only },
        });
      }
    }
    await stillServing();
    const broken = lsp.logs.filter((l) => /could not be built|uncaught|unhandled/.test(l));
    assert.deepEqual(broken, []);
  });

  it(`${FRAMES} frames of random bytes and random method calls`, { timeout: 60_000 }, async () => {
    for (let f = 0; f < FRAMES; f++) {
      let body: Buffer;
      if (f % 2 === 0) body = Buffer.from(Array.from({ length: 1 + int(200) }, () => int(256)));
      else {
        const id = f % 4 === 1 ? 1000 + f : undefined;
        const method = ["textDocument/hover", "footprint/report", "$/cancelRequest", `nope/${f}`, "initialize"][int(5)];
        const params = [null, 42, "x", [], { textDocument: { uri: 7 } }, { uri: good, position: "?" }][int(6)];
        body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
      }
      // The header stays well formed: a broken header would desynchronise any LSP stream.
      lsp.writeRaw(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
    }
    await stillServing();
    assert.equal(await lsp.shutdown(), 0);
  });
});
