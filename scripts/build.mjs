// One esbuild script, four bundles (extension, server, CLI, report webview) plus the wasm files they load.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";

const production = process.argv.includes("--production");

/**
 * web-tree-sitter loads two Node built-ins with `await import(...)`; they become plain requires.
 * The server runs from a V8 code cache (boot.ts), and in Node 20 a script restored from a cache
 * has lost its dynamic-import callback ("A dynamic import callback was not specified").
 * (esbuild's own lowering of import() to require() trips over the `var require` it sits beside.)
 */
function requireNotImport() {
  return {
    name: "require-not-import",
    setup(b) {
      b.onLoad({ filter: /[\\/]web-tree-sitter[\\/][^\\/]+\.(c?js|mjs)$/ }, (args) => ({
        contents: readFileSync(args.path, "utf8").replace(
          /await import\((["'])(module|fs\/promises)\1\)/g,
          (_, _q, name) => `__nodeRequire("${name}")`,
        ),
        loader: "js",
      }));
    },
  };
}
const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: !production,
  minify: production,
  logLevel: "warning",
  // web-tree-sitter's ESM build reads import.meta.url, which is empty in a CJS bundle: give it
  // the bundle's own file URL (defined in the banner).
  define: { "import.meta.url": "__bundleFileUrl" },
  plugins: [requireNotImport()],
  banner: {
    js: 'const __bundleFileUrl = require("node:url").pathToFileURL(__filename).href; const __nodeRequire = require;',
  },
};

// `--bench`: only the benchmark runner, bundled and minified like the shipped server, so `npm run
// bench` times the code users run (through tsx the same core measured 10–15% slower: per-module
// CommonJS export getters on every cross-file call).
if (process.argv.includes("--bench")) {
  await build({
    ...common,
    minify: true,
    sourcemap: false,
    entryPoints: ["scripts/bench.ts"],
    outfile: "out/bench/bench.js",
  });
  process.exit(0);
}

mkdirSync("dist", { recursive: true });
await Promise.all([
  build({ ...common, entryPoints: ["extension/src/extension.ts"], outfile: "dist/extension.js", external: ["vscode"] }),
  // dist/server.js is the small loader (boot.ts) that runs server-main.js from a V8 code cache.
  build({ ...common, entryPoints: ["server/src/boot.ts"], outfile: "dist/server.js" }),
  build({ ...common, entryPoints: ["server/src/main.ts"], outfile: "dist/server-main.js" }),
  build({
    ...common,
    entryPoints: ["server/src/cli.ts"],
    outfile: "dist/cli.js",
    banner: { js: `#!/usr/bin/env node\n${common.banner.js}` },
  }),
  // The report webview's script runs in the browser sandbox of the panel: IIFE, no node, Chart.js inside.
  build({
    entryPoints: ["extension/src/webview/main.ts"],
    outfile: "dist/webview.js",
    bundle: true,
    platform: "browser",
    target: "es2022",
    format: "iife",
    sourcemap: !production,
    minify: production,
    logLevel: "warning",
  }),
]);
// The bundles load the grammars from their own folder by explicit path (see parse/loadParser.ts).
for (const wasm of ["tree-sitter.wasm", "tree-sitter-python.wasm"]) {
  copyFileSync(`grammars/${wasm}`, `dist/${wasm}`);
}
