// Config files a script reads from the workspace: `open(path)`, `yaml.safe_load`, `json.load`,
// `tomllib.load` (OmegaConf, Hydra and HfArgumentParser reuse the finding and parsing here).
// They are parsed as data (never run), so the epochs, batch sizes and widths a project keeps in
// `configs/*.yaml` reach the estimate; a note says which file was read, since a launch flag or
// another working directory may name a different one.
import { dirname, isAbsolute, join, relative } from "node:path";
import { parse as parseToml } from "smol-toml";
import { parseDocument } from "yaml";
import type { Node } from "web-tree-sitter";
import type { Interp } from "./interp";
import { fn, nativeModule, nativeObject, opaque } from "./nativeHelpers";
import { asString, bool, dictFrom, float, int, list, NONE, type NativeV, str, unknown, type Value } from "./values";

/** Larger files are not read: a config is kilobytes, a 1 MB "config" is data. */
const MAX_CONFIG_CHARS = 1_000_000;
/** `f.read()` returns the text of files up to this size. */
const MAX_READ_CHARS = 64_000;
/** Nesting beyond this is cut (an alias bomb or a generated file, not a config). */
const MAX_DEPTH = 32;

export interface ConfigFile {
  path: string;
  text: string;
  /** The path as the report shows it: relative to the script's folder or a workspace root. */
  shown: string;
}

/**
 * `name` found where Python would look when the script runs from its own folder or a workspace
 * root (the two ways projects launch their scripts); null when no such workspace file exists.
 */
export function findConfigFile(ip: Interp, name: string, dirs?: string[]): ConfigFile | null {
  if (!name || name.includes("\0")) return null;
  const bases = isAbsolute(name)
    ? [""]
    : (dirs ?? [dirname(ip.currentFile), dirname(ip.ctx.path), ...ip.ctx.workspace.roots]);
  for (const base of new Set(bases)) {
    const path = base ? join(base, name) : name;
    const text = ip.ctx.workspace.readFile(path);
    if (text !== null && text.length <= MAX_CONFIG_CHARS) return { path, text, shown: shownPath(ip, path) };
  }
  return null;
}

function shownPath(ip: Interp, path: string): string {
  for (const base of [dirname(ip.ctx.path), ...ip.ctx.workspace.roots]) {
    const rel = relative(base, path);
    if (rel && !rel.startsWith("..") && !isAbsolute(rel)) return rel;
  }
  return path;
}

/** YAML (1.2 core schema, `<<` merge keys), JSON or TOML text as Python values; a message when it does not parse. */
export function parseConfigText(text: string, shown: string, format: "yaml" | "toml" = "yaml"): Value | string {
  const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split("\n")[0];
  let js: unknown;
  if (format === "toml") {
    try {
      js = parseToml(text, { integersAsBigInt: true, maxDepth: MAX_DEPTH });
    } catch (err) {
      return `${shown} does not parse as TOML (${firstLine(err)})`;
    }
    return toValue(js, 0);
  }
  try {
    // Errors are read from the document: `parse` with logging silenced returns a partial result.
    // intAsBigInt keeps `1` (int) apart from `1.0` (float), as PyYAML and json do.
    const doc = parseDocument(text, { intAsBigInt: true, merge: true, uniqueKeys: false, logLevel: "silent" });
    if (doc.errors.length > 0) return `${shown} does not parse as YAML/JSON (${firstLine(doc.errors[0])})`;
    js = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    // An alias bomb or a pathological nesting: the parser's own guard, said as it says it.
    return `${shown} could not be read (${firstLine(err)})`;
  }
  return toValue(js, 0);
}

function toValue(js: unknown, depth: number): Value {
  if (depth > MAX_DEPTH) return unknown("config nested too deeply");
  if (js === null || js === undefined) return NONE;
  if (typeof js === "bigint") return int(Number(js));
  if (typeof js === "number") return float(js);
  if (typeof js === "string") return str(js);
  if (typeof js === "boolean") return bool(js);
  if (Array.isArray(js)) return list(js.map((x) => toValue(x, depth + 1)));
  if (js instanceof Date) return str(js.toISOString());
  if (typeof js === "object")
    return dictFrom(Object.entries(js as Record<string, unknown>).map(([k, v]) => [str(k), toValue(v, depth + 1)]));
  return unknown("config value of an unsupported type");
}

/** Reads and parses a workspace config file, noting where its values come from; Unknown when it cannot. */
export function loadConfig(
  ip: Interp,
  file: ConfigFile,
  node: Node | null,
  via: string,
  format: "yaml" | "toml" = "yaml",
): Value {
  const v = parseConfigText(file.text, file.shown, format);
  if (typeof v === "string") {
    ip.note(v, node);
    return unknown(v, node);
  }
  // An assumption, not an unknown: a note for the file, not for a line.
  ip.note(
    `${via} reads ${file.shown} from the workspace: its values are used (a launch flag may name another file)`,
    null,
  );
  return v;
}

/** The text of a path value: a string or a `pathlib.Path` (stdlibPaths.ts); null otherwise. */
export function pathText(v: Value | undefined): string | null {
  if (v?.k === "native" && v.type === "pathlib.Path") return v.data.path as string;
  return asString(v);
}

/**
 * The config at `path` (a string or a Path), found, read and parsed as `loadConfig` does; null when
 * the path is not known or the workspace has no such file (the caller says it is given at launch).
 */
export function loadConfigAt(ip: Interp, path: Value | undefined, node: Node | null, via: string): Value | null {
  const name = pathText(path);
  const file = name ? findConfigFile(ip, name) : null;
  return file ? loadConfig(ip, file, node, via) : null;
}

/** `open(path)` for reading: a file object over a workspace file, else Unknown (read at run time). */
export function openFile(ip: Interp, [path, mode]: Value[], node: Node | null): Value {
  const name = pathText(path);
  const m = mode ? asString(mode) : "r";
  // Writing is not reading; "rb" is (tomllib wants it, yaml and json accept it).
  if (name === null || m === null || /[wax+]/.test(m)) return unknown("file contents are not read", node);
  const file = findConfigFile(ip, name);
  if (!file)
    return unknown(`open(${JSON.stringify(name)}): no such file in the workspace, so its contents are unknown`, node);
  return fileObject(file, m.includes("b"));
}

/**
 * A file's whole text (`f.read()`, `Path.read_text()`). A config's text is small; a corpus read
 * whole (a char-RNN's input.txt) is data the interpreter would walk character by character, so
 * larger files stay unknown.
 */
export function readText(file: ConfigFile, node: Node | null): Value {
  return file.text.length <= MAX_READ_CHARS ? str(file.text) : unknown(`${file.shown} is read at run time`, node);
}

function fileObject(file: ConfigFile, binary: boolean): NativeV {
  return nativeObject(
    "file",
    { file },
    {
      read: (_ip, _me, _a, _kw, node) =>
        binary ? unknown(`${file.shown} is read at run time`, node) : readText(file, node),
      close: () => NONE,
    },
    (_me, name) => (name === "name" ? str(file.shown) : undefined),
  );
}

/** The text a loader was given: a file object's workspace file, or a string of YAML/JSON. */
function streamOf(v: Value | undefined): { text: string; file: ConfigFile | null } | null {
  if (v?.k === "native" && v.type === "file") {
    const file = v.data.file as ConfigFile;
    return { text: file.text, file };
  }
  if (v?.k === "str") return { text: v.v, file: null };
  return null;
}

function loader(name: string, format: "yaml" | "toml" = "yaml", pathArgument = false) {
  return fn(name, (ip, [stream], _kw, node) => {
    // An unknown stream already says why (`open` of a file the workspace lacks).
    if (stream?.k === "unknown") return stream;
    // The `toml` package's load also takes a path.
    const byPath = pathArgument && stream?.k === "str" ? openFile(ip, [stream], node) : stream;
    if (byPath?.k === "unknown") return byPath;
    const s = streamOf(byPath);
    if (!s) return unknown(`${name} of a stream the analysis cannot read`, node);
    if (s.file) return loadConfig(ip, s.file, node, name, format);
    const v = parseConfigText(s.text, "the string", format);
    return typeof v === "string" ? unknown(v, node) : v;
  });
}

/** PyYAML: the loaders read workspace files; dumping writes nothing the estimate needs. */
export function yamlModule(): Value {
  return nativeModule(
    "yaml",
    {
      safe_load: loader("yaml.safe_load"),
      load: loader("yaml.load"),
      full_load: loader("yaml.full_load"),
      unsafe_load: loader("yaml.unsafe_load"),
      dump: fn("yaml.dump", (_ip, [, out], _kw, node) => (out ? NONE : unknown("YAML text", node))),
      safe_dump: fn("yaml.safe_dump", (_ip, [, out], _kw, node) => (out ? NONE : unknown("YAML text", node))),
    },
    (attr) => opaque(`yaml.${attr}`),
  );
}

/** json: load/loads parse; dump/dumps produce nothing the estimate reads. */
export function jsonModule(): Value {
  return nativeModule(
    "json",
    {
      load: loader("json.load"),
      loads: loader("json.loads"),
      dump: fn("json.dump", () => NONE),
      dumps: fn("json.dumps", (_ip, _a, _kw, node) => unknown("JSON text", node)),
    },
    (attr) => opaque(`json.${attr}`),
  );
}

/** tomllib (3.11+), tomli and toml: the same loaders over TOML (`toml.load` also takes a path). */
export function tomlModule(name: "tomllib" | "tomli" | "toml"): Value {
  return nativeModule(
    name,
    {
      load: loader(`${name}.load`, "toml", name === "toml"),
      loads: loader(`${name}.loads`, "toml"),
      dump: fn(`${name}.dump`, () => NONE),
      dumps: fn(`${name}.dumps`, (_ip, _a, _kw, node) => unknown("TOML text", node)),
    },
    (attr) => opaque(`${name}.${attr}`),
  );
}
