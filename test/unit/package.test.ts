// The packaged extension (dist/footprint-lint.vsix, made by `npm run package`): it ships the four
// bundles and both grammars, nothing from node_modules, no sources or sourcemaps, and stays small.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { describe, it } from "node:test";
import { listZip, readZipEntry, type ZipEntry } from "./helpers/zip";

const root = process.cwd();
const vsixPath = join(root, "dist", "footprint-lint.vsix");
const MAX_VSIX_BYTES = 5 * 1024 * 1024; // DESIGN.md §9 budget

function loadVsix(): { zip: Buffer; entries: Map<string, ZipEntry> } {
  assert.ok(existsSync(vsixPath), `${vsixPath} is missing: run \`npm run package\` (npm test does it first)`);
  const zip = readFileSync(vsixPath);
  return { zip, entries: new Map(listZip(zip).map((e) => [e.name, e])) };
}

/** Module names a CommonJS bundle loads with a literal require("…"). */
function requiredModules(source: string): Set<string> {
  const names = new Set<string>();
  for (const m of source.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) names.add(m[1]);
  return names;
}

describe("footprint-lint.vsix", () => {
  it("is under the 5 MB budget", () => {
    const bytes = statSync(vsixPath).size;
    assert.ok(bytes < MAX_VSIX_BYTES, `${(bytes / 1024 / 1024).toFixed(2)} MB`);
  });

  it("ships the bundles (client, server loader and server, CLI, report webview), both grammars, manifest, README, LICENSE", () => {
    const { entries } = loadVsix();
    for (const name of [
      "extension/package.json",
      "extension/readme.md",
      "extension/LICENSE.txt",
      "extension/dist/extension.js",
      "extension/dist/server.js",
      "extension/dist/server-main.js",
      "extension/dist/cli.js",
      "extension/dist/webview.js",
      "extension/dist/tree-sitter.wasm",
      "extension/dist/tree-sitter-python.wasm",
    ]) {
      assert.ok(entries.has(name), `${name} missing; entries: ${[...entries.keys()].join(", ")}`);
    }
  });

  it("ships the committed grammar bytes unchanged", () => {
    const { zip, entries } = loadVsix();
    for (const wasm of ["tree-sitter.wasm", "tree-sitter-python.wasm"]) {
      const packed = readZipEntry(zip, entries.get(`extension/dist/${wasm}`)!);
      const committed = readFileSync(join(root, "grammars", wasm));
      assert.equal(
        createHash("sha256").update(packed).digest("hex"),
        createHash("sha256").update(committed).digest("hex"),
      );
    }
  });

  it("has no node_modules, sources, tests, examples or sourcemaps", () => {
    const { entries } = loadVsix();
    const unwanted = [...entries.keys()].filter(
      (name) =>
        /(^|\/)node_modules\//.test(name) ||
        /\.(ts|map|mjs|py|vsix)$/.test(name) ||
        /^extension\/(test|server|extension|scripts|examples|grammars)\//.test(name),
    );
    assert.deepEqual(unwanted, []);
  });

  it("has no dynamic import() in the server bundle, which runs from a V8 code cache (boot.ts)", () => {
    const { zip, entries } = loadVsix();
    const source = readZipEntry(zip, entries.get("extension/dist/server-main.js")!).toString("utf8");
    assert.equal(/[^\w$.]import\(/.exec(source)?.[0], undefined);
  });

  it("ships the server bundles as pure ASCII, which V8 keeps as one-byte strings (faster to read and compile)", () => {
    const { zip, entries } = loadVsix();
    for (const bundle of ["server.js", "server-main.js"]) {
      const bytes = readZipEntry(zip, entries.get(`extension/dist/${bundle}`)!);
      const at = bytes.findIndex((b) => b > 0x7f);
      assert.equal(
        at,
        -1,
        `${bundle}: non-ASCII near ${JSON.stringify(bytes.subarray(Math.max(0, at - 40), at + 10).toString("utf8"))}`,
      );
    }
  });

  it("points main and bin at files it contains", () => {
    const { zip, entries } = loadVsix();
    const manifest = JSON.parse(readZipEntry(zip, entries.get("extension/package.json")!).toString("utf8"));
    for (const target of [manifest.main, manifest.bin.footprint]) {
      const name = `extension/${String(target).replace(/^\.\//, "")}`;
      assert.ok(entries.has(name), `${target} is not in the package`);
    }
  });

  it("has self-contained bundles: only Node built-ins (and vscode in the client) are required", () => {
    const { zip, entries } = loadVsix();
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    for (const [bundle, allowed] of [
      ["extension.js", ["vscode"]],
      ["server.js", []],
      ["server-main.js", []],
      ["cli.js", []],
      ["webview.js", []],
    ] as const) {
      const source = readZipEntry(zip, entries.get(`extension/dist/${bundle}`)!).toString("utf8");
      const foreign = [...requiredModules(source)].filter(
        (m) => !builtins.has(m) && !(allowed as readonly string[]).includes(m),
      );
      assert.deepEqual(foreign, [], `${bundle} requires modules that are not shipped`);
    }
  });
});
