// File paths as scripts build them to find their configs: `os.path` (join, dirname, abspath of
// `__file__`) and `pathlib.Path` (`Path(__file__).parent / "configs" / "base.yaml"`, `.read_text()`,
// `.open()`). Pure string work: nothing here touches the file system except through the
// workspace reader that `open` uses (configFiles.ts).
import { posix } from "node:path";
import { findConfigFile, openFile, pathText, readText } from "./configFiles";
import { fn, nativeModule, nativeObject, opaque } from "./nativeHelpers";
import { asString, NONE, type NativeV, str, unknown, type Value } from "./values";

/** Python's os.path.join: a later absolute part drops what came before it. */
function joinPaths(parts: string[]): string {
  let out = "";
  for (const p of parts) {
    if (p.startsWith("/")) out = p;
    else if (out === "" || out.endsWith("/")) out += p;
    else out += `/${p}`;
  }
  return out;
}

/** abspath/normpath: an absolute path normalised; a relative one is kept relative (the working directory is the launch's). */
const normal = (p: string) => (p === "" ? "." : posix.normalize(p).replace(/(.)\/$/, "$1"));

function dirnameOf(p: string): string {
  const i = p.lastIndexOf("/");
  return i < 0 ? "" : i === 0 ? "/" : p.slice(0, i);
}

export function osPathModule(): Value {
  const onPaths = (name: string, f: (ps: string[]) => Value) =>
    fn(`os.path.${name}`, (_ip, args, _kw, node) => {
      const ps = args.map(pathText);
      return ps.length > 0 && ps.every((p) => p !== null) ? f(ps as string[]) : unknown("path", node);
    });
  const fileSystem = (name: string) =>
    fn(`os.path.${name}`, (_ip, _a, _kw, node) => unknown("file system state at run time", node));
  return nativeModule(
    "os.path",
    {
      join: onPaths("join", (ps) => str(joinPaths(ps))),
      dirname: onPaths("dirname", ([p]) => str(dirnameOf(p))),
      basename: onPaths("basename", ([p]) => str(p.slice(p.lastIndexOf("/") + 1))),
      abspath: onPaths("abspath", ([p]) => str(normal(p))),
      realpath: onPaths("realpath", ([p]) => str(normal(p))),
      normpath: onPaths("normpath", ([p]) => str(normal(p))),
      expanduser: fn("os.path.expanduser", (_ip, [p], _kw, node) => {
        const t = pathText(p);
        return t !== null && !t.startsWith("~") ? str(t) : unknown("the user's home folder", node);
      }),
      splitext: onPaths("splitext", ([p]) => {
        const m = /^(.*?)(\.[^./]*)?$/.exec(p);
        return { k: "tuple", items: [str(m?.[1] ?? p), str(m?.[2] ?? "")] };
      }),
      exists: fileSystem("exists"),
      isfile: fileSystem("isfile"),
      isdir: fileSystem("isdir"),
      getsize: fileSystem("getsize"),
    },
    (attr) => opaque(`os.path.${attr}`),
  );
}

/** A `pathlib.Path` over `path`: joins with `/`, its parts, and reading through the workspace. */
export function pathValue(path: string): NativeV {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  const self = nativeObject(
    "pathlib.Path",
    { path },
    {
      read_text: (ip, _me, _a, _kw, node) => {
        const file = findConfigFile(ip, path);
        return file
          ? readText(file, node)
          : unknown(
              `Path(${JSON.stringify(path)}).read_text(): no such file in the workspace, so its contents are unknown`,
              node,
            );
      },
      open: (ip, _me, [mode], kw, node) => openFile(ip, [str(path), mode ?? kw.get("mode") ?? str("r")], node),
      joinpath: (_ip, _me, args, _kw, node) => {
        const ps = args.map(pathText);
        return ps.every((p) => p !== null) ? pathValue(joinPaths([path, ...(ps as string[])])) : unknown("path", node);
      },
      with_suffix: (_ip, _me, [s]) =>
        pathValue(`${dot > 0 ? path.slice(0, path.length - name.length + dot) : path}${asString(s) ?? ""}`),
      resolve: () => pathValue(normal(path)),
      absolute: () => pathValue(normal(path)),
      expanduser: (_ip, _me, _a, _kw, node) => (path.startsWith("~") ? unknown("the user's home folder", node) : self),
      exists: (_ip, _me, _a, _kw, node) => unknown("file system state at run time", node),
      is_file: (_ip, _me, _a, _kw, node) => unknown("file system state at run time", node),
      is_dir: (_ip, _me, _a, _kw, node) => unknown("file system state at run time", node),
      mkdir: () => NONE,
      glob: (_ip, _me, _a, _kw, node) => unknown("files matched at run time", node),
    },
    (_me, attr) => {
      if (attr === "parent") return pathValue(dirnameOf(path) || ".");
      if (attr === "name") return str(name);
      if (attr === "stem") return str(dot > 0 ? name.slice(0, dot) : name);
      if (attr === "suffix") return str(dot > 0 ? name.slice(dot) : "");
      if (attr === "parts") return { k: "tuple", items: path.split("/").filter(Boolean).map(str) };
      return undefined;
    },
  );
  self.binop = (_ip, op, other, node) => {
    const t = pathText(other);
    if (op !== "/") return undefined;
    return t === null ? unknown("path", node) : pathValue(joinPaths([path, t]));
  };
  return self;
}

export function pathlibModule(): Value {
  const Path = fn("pathlib.Path", (_ip, args, _kw, node) => {
    if (args.length === 0) return pathValue(".");
    const ps = args.map(pathText);
    return ps.every((p) => p !== null) ? pathValue(joinPaths(ps as string[])) : unknown("path", node);
  });
  return nativeModule("pathlib", { Path, PurePath: Path, PosixPath: Path }, (attr) => opaque(`pathlib.${attr}`));
}
