// Loads web-tree-sitter and the Python grammar from an explicit folder; the parser is then
// injected into the analyzer (no module-level globals), so tests, server and CLI share one path.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Language, Parser } from "web-tree-sitter";

export interface PythonParser {
  parser: Parser;
  language: Language;
}

/** `wasmDir` holds tree-sitter.wasm and tree-sitter-python.wasm (dist/ or grammars/). */
export async function loadPythonParser(wasmDir: string): Promise<PythonParser> {
  await Parser.init({
    // Hand the runtime wasm bytes over directly: no fetch, no path guessing inside emscripten.
    wasmBinary: readFileSync(join(wasmDir, "tree-sitter.wasm")),
  });
  const language = await Language.load(readFileSync(join(wasmDir, "tree-sitter-python.wasm")));
  const parser = new Parser();
  parser.setLanguage(language);
  return { parser, language };
}
