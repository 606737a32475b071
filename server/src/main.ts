// Language server entry: picks the transport from argv (--stdio, --node-ipc, --socket=N), loads
// the Python grammar from the bundle's own folder and hands the analyzer to the LSP layer.
import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { version } from "../../package.json";
import { Analyzer } from "./analysis/analyze";
import { CODE_CACHE_HOOK, type CodeCacheRun } from "./codeCache";
import { loadPythonParser } from "./analysis/parse/loadParser";
import { startServer } from "./lsp/server";

const TRANSPORTS = ["--stdio", "--node-ipc", "--socket=", "--pipe="];
if (!process.argv.some((a) => TRANSPORTS.some((t) => a.startsWith(t)))) {
  process.stderr.write(
    "footprint language server: pass a transport: --stdio, --node-ipc, --socket=PORT or --pipe=NAME\n" +
      "  e.g. node dist/server.js --stdio\n",
  );
  process.exit(2);
}

// createConnection() reads the transport from process.argv.
const connection = createConnection(ProposedFeatures.all);

// build.mjs copies tree-sitter.wasm and tree-sitter-python.wasm next to the bundle.
const analyzer = loadPythonParser(__dirname).then((python) => new Analyzer(python));
analyzer.catch((err: Error) => connection.console.error(`footprint: cannot load the Python grammar: ${err.message}`));

// A bug in one handler must not end the session for every open file: log and keep serving.
process.on("uncaughtException", (err) => connection.console.error(`footprint: uncaught ${err.stack ?? err}`));
process.on("unhandledRejection", (err) => connection.console.error(`footprint: unhandled rejection ${String(err)}`));

// boot.ts (dist/server.js) compiled this bundle from a V8 code cache; the cache is written after the
// first analysis, so it holds the functions an analysis compiles, not only the bundle's top level.
const codeCache = (globalThis as Record<symbol, unknown>)[CODE_CACHE_HOOK] as CodeCacheRun | null | undefined;
startServer(connection, analyzer, version, {
  afterFirstAnalysis: () => {
    if (!codeCache) return null;
    if (codeCache.status === "off") return `footprint: code cache off (${codeCache.reason ?? "disabled"})`;
    return codeCache.save() ?? `footprint: started from the code cache`;
  },
});
