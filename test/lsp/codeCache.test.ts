// The bundled server's start-up code cache, over stdio: the first start writes it after the first
// analysis (into FOOTPRINT_CACHE_DIR), the next start runs from it, and an unsafe folder is refused.
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileUri, LspSession, ROOT } from "./harness";

const EXAMPLE = join(ROOT, "examples", "mnist_cnn.py");

async function startAndAnalyse(env: NodeJS.ProcessEnv): Promise<LspSession> {
  const s = new LspSession(undefined, env);
  await s.initialize();
  const uri = fileUri(EXAMPLE);
  await s.open(uri, readFileSync(EXAMPLE, "utf8"));
  const diags = await s.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === "FP100"));
  assert.ok(diags.diagnostics.length > 0);
  return s;
}

describe("server start-up code cache", () => {
  it("is written after the first analysis, then used by the next start", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "footprint-cache-")), "cache");
    const first = await startAndAnalyse({ FOOTPRINT_CACHE_DIR: dir });
    try {
      const line = await first.log(/code cache/);
      assert.match(line, /code cache written/);
    } finally {
      await first.shutdown();
    }
    const files = readdirSync(dir);
    assert.equal(files.length, 1, `one cache file, got ${files.join(", ")}`);
    assert.match(files[0], /^server-[0-9a-f]{20}\.v8cache$/);
    assert.ok(statSync(join(dir, files[0])).size > 100_000, "the cache holds the compiled bundle");
    assert.equal(statSync(dir).mode & 0o777, 0o700, "the folder is private");

    const second = await startAndAnalyse({ FOOTPRINT_CACHE_DIR: dir });
    try {
      assert.match(await second.log(/code cache/), /started from the code cache/);
    } finally {
      await second.shutdown();
    }
  });

  it("is not read from a folder others can write to, and the server still starts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "footprint-cache-open-"));
    chmodSync(dir, 0o777);
    const s = await startAndAnalyse({ FOOTPRINT_CACHE_DIR: dir });
    try {
      assert.match(await s.log(/code cache/), /code cache off \(writable by group or others\)/);
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      await s.shutdown();
    }
  });

  it("FOOTPRINT_CODE_CACHE=off starts without it", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "footprint-cache-off-")), "cache");
    const s = await startAndAnalyse({ FOOTPRINT_CACHE_DIR: dir, FOOTPRINT_CODE_CACHE: "off" });
    try {
      assert.match(await s.log(/code cache/), /code cache off \(disabled\)/);
    } finally {
      await s.shutdown();
    }
  });
});
