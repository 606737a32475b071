// dist/server.js: starts the language server bundle (server-main.js) from a V8 code cache, and
// hands main.ts a hook that writes the cache once the first analysis has compiled what it needs.
import { homedir } from "node:os";
import { join } from "node:path";
import { CODE_CACHE_HOOK, type CodeCacheRun, codeCacheDir, compileWithCodeCache } from "./codeCache";
import { exposeGc } from "./lsp/idleGc";

const main = join(__dirname, "server-main.js");
// Before compiling: the code cache records V8's flags, and the server sets this one (lsp/idleGc.ts).
exposeGc();
let compiled: CodeCacheRun | null = null;
try {
  compiled = compileWithCodeCache(main, codeCacheDir(process.env, process.platform, homedir()));
} catch (err) {
  // A cache problem must never keep the server from starting: the bundle loads the plain way.
  process.stderr.write(`footprint: starting without the code cache: ${err instanceof Error ? err.message : err}\n`);
}
(globalThis as Record<symbol, unknown>)[CODE_CACHE_HOOK] = compiled;
if (compiled) compiled.execute();
else require(main);
