// The start-up code cache (server/src/codeCache.ts) on small CommonJS files: where it lives, that
// V8 accepts it on the next start, that another build's or a tampered cache is never used, and
// that only a private folder and this user's own files are read.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { codeCacheDir, compileWithCodeCache, privateFolder } from "../../server/src/codeCache";

/** A bundle-like CommonJS file that records it ran, requires a sibling and a built-in. */
function bundle(dir: string, tag: string): string {
  writeFileSync(join(dir, "sibling.js"), "module.exports = 21;\n");
  const file = join(dir, "main.js");
  writeFileSync(
    file,
    `const twice = require("./sibling") * 2;\nconst { basename } = require("node:path");\n` +
      `function work(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }\n` +
      `globalThis.__codeCacheTest = { tag: ${JSON.stringify(tag)}, twice, name: basename(__filename), sum: work(10), self: module.exports === exports };\n`,
  );
  return file;
}

const RUNNER = join(__dirname, "helpers", "codeCacheRun.ts");

describe("code cache location", () => {
  it("prefers FOOTPRINT_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache; LOCALAPPDATA on Windows; off when asked", () => {
    assert.equal(codeCacheDir({ FOOTPRINT_CACHE_DIR: "/x/y" }, "linux", "/home/u"), "/x/y");
    assert.equal(codeCacheDir({ XDG_CACHE_HOME: "/xdg" }, "linux", "/home/u"), join("/xdg", "footprint-lint"));
    assert.equal(codeCacheDir({}, "darwin", "/Users/u"), join("/Users/u", ".cache", "footprint-lint"));
    assert.equal(codeCacheDir({ LOCALAPPDATA: "C:\\L" }, "win32", "C:\\U"), join("C:\\L", "footprint-lint"));
    assert.equal(codeCacheDir({}, "win32", "C:\\U"), null);
    assert.equal(codeCacheDir({}, "linux", ""), null);
    for (const off of ["off", "0", "false", "OFF"]) {
      assert.equal(codeCacheDir({ FOOTPRINT_CODE_CACHE: off, FOOTPRINT_CACHE_DIR: "/x" }, "linux", "/h"), null);
    }
  });

  it("creates the folder private, and refuses one that others can write to", () => {
    const base = mkdtempSync(join(tmpdir(), "footprint-cc-"));
    const mine = join(base, "a", "b");
    assert.equal(privateFolder(mine), null);
    assert.equal(statSync(mine).mode & 0o777, 0o700);
    const open = join(base, "open");
    assert.equal(privateFolder(open), null);
    chmodSync(open, 0o775);
    assert.equal(privateFolder(open), "writable by group or others");
    writeFileSync(join(base, "file"), "");
    assert.match(privateFolder(join(base, "file")) ?? "", /not a folder|EEXIST|exists/i);
  });
});

/** Compiles, runs and saves `file` in a fresh Node process (see helpers/codeCacheRun.ts). */
function start(
  file: string,
  cache: string | null,
): { status: string; reason: string | null; ran: Record<string, unknown>; saved: string | null } {
  const out = execFileSync(process.execPath, ["--import", "tsx", RUNNER, file, cache ?? "-"], { encoding: "utf8" });
  return JSON.parse(out);
}

describe("running a bundle from the code cache (each start a fresh process)", () => {
  it("runs it like require, writes the cache after running, and the next start uses it", () => {
    const dir = mkdtempSync(join(tmpdir(), "footprint-cc-run-"));
    const cache = join(dir, "cache");
    const file = bundle(dir, "one");
    const first = start(file, cache);
    assert.equal(first.status, "created");
    assert.deepEqual(first.ran, { tag: "one", twice: 42, name: "main.js", sum: 45, self: true });
    assert.match(first.saved ?? "", /code cache written/);
    const files = readdirSync(cache);
    assert.equal(files.length, 1);
    assert.equal(statSync(join(cache, files[0])).mode & 0o777, 0o600);

    const second = start(file, cache);
    assert.equal(second.status, "used");
    assert.equal(second.ran.tag, "one");
    assert.equal(second.saved, null, "nothing to write when the cache was used");
  });

  it("never uses the cache of another build, even of the same length, and removes it", () => {
    const dir = mkdtempSync(join(tmpdir(), "footprint-cc-build-"));
    const cache = join(dir, "cache");
    start(bundle(dir, "aaa"), cache);
    const before = readdirSync(cache);
    // Same length as "aaa": V8's own check (source length) would accept the old cache.
    const b = start(bundle(dir, "bbb"), cache);
    assert.equal(b.status, "created");
    assert.equal(b.ran.tag, "bbb");
    const after = readdirSync(cache);
    assert.equal(after.length, 1);
    assert.notDeepEqual(after, before);
  });

  it("a damaged cache is rejected by V8, the bundle still runs, and it is rewritten", () => {
    const dir = mkdtempSync(join(tmpdir(), "footprint-cc-bad-"));
    const cache = join(dir, "cache");
    const file = bundle(dir, "ok");
    start(file, cache);
    const [name] = readdirSync(cache);
    writeFileSync(join(cache, name), Buffer.alloc(4096, 7), { mode: 0o600 });
    const second = start(file, cache);
    assert.equal(second.status, "rejected");
    assert.equal(second.ran.tag, "ok");
    assert.match(second.saved ?? "", /code cache rewritten/);
    assert.equal(start(file, cache).status, "used");
  });

  it("does not read a cache file that others can write to", () => {
    const dir = mkdtempSync(join(tmpdir(), "footprint-cc-perm-"));
    const cache = join(dir, "cache");
    const file = bundle(dir, "p");
    start(file, cache);
    const [name] = readdirSync(cache);
    chmodSync(join(cache, name), 0o666);
    assert.equal(start(file, cache).status, "created");
  });

  it("is off without a folder, and refuses a bundle with dynamic import() (lost from a cached script)", () => {
    const dir = mkdtempSync(join(tmpdir(), "footprint-cc-off-"));
    const off = start(bundle(dir, "off"), null);
    assert.deepEqual([off.status, off.reason, off.ran.tag, off.saved], ["off", "disabled", "off", null]);
    const dynamic = join(dir, "dynamic.js");
    writeFileSync(dynamic, 'module.exports = () => import("node:path");\n');
    assert.throws(() => compileWithCodeCache(dynamic, join(dir, "c")), /dynamic import\(\)/);
  });
});
