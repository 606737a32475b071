// Security of the core as tests: analysing the whole fixture corpus and scripts that try to reach
// outside their workspace starts no process, opens no socket and reads no file outside the root.
// The guard (helpers/noEscape.cjs) is installed before the core is imported, so even a binding
// taken at import time would be the refusing one.
import assert from "node:assert/strict";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { before, describe, it } from "node:test";

const guard = createRequire(__filename)("./helpers/noEscape.cjs") as {
  calls: string[];
  reads: string[];
  recordReads(): () => void;
};

type Core = {
  analyzer: import("../../server/src/analysis/analyze").Analyzer;
  reader: typeof import("../../server/src/lsp/workspaceReader").createWorkspaceReader;
  settings: import("../../server/src/shared/settings").Settings;
};
let core: Core;
before(async () => {
  const { Analyzer } = await import("../../server/src/analysis/analyze");
  const { loadPythonParser } = await import("../../server/src/analysis/parse/loadParser");
  const { createWorkspaceReader } = await import("../../server/src/lsp/workspaceReader");
  const { resolveSettings } = await import("../../server/src/shared/settings");
  core = {
    analyzer: new Analyzer(await loadPythonParser(join(process.cwd(), "grammars"))),
    reader: createWorkspaceReader,
    settings: resolveSettings().settings,
  };
});

/** Analyses `path` with a workspace rooted at `root`; returns the real paths of every file read. */
function analyzeIn(
  root: string,
  path: string,
): { models: Array<{ name: string; params: number | null }>; read: string[] } {
  guard.reads.length = 0;
  const stop = guard.recordReads();
  try {
    const text = readFileSync(path, "utf8");
    guard.reads.length = 0; // the script itself is the editor's to read; count what the analysis reads
    const { analysis, tree } = core.analyzer.analyze({
      path,
      text,
      settings: core.settings,
      workspace: core.reader([root]),
    });
    tree?.delete();
    const read = guard.reads.map((r) => realpathSync(r.slice(r.indexOf(" ") + 1)));
    return { models: analysis.models.map((m) => ({ name: m.name, params: m.params })), read };
  } finally {
    stop();
  }
}

function pythonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? pythonFiles(p) : name.endsWith(".py") ? [p] : [];
    });
}

const inside = (root: string, p: string) => !relative(realpathSync(root), p).startsWith("..");

describe("security: the analysis core", () => {
  it("the guard catches what it watches (so a clean run below means something)", () => {
    const cp = createRequire(__filename)("node:child_process") as typeof import("node:child_process");
    const net = createRequire(__filename)("node:net") as typeof import("node:net");
    assert.throws(() => cp.spawnSync("true"), /security guard: child_process.spawnSync/);
    assert.throws(() => net.connect(80, "127.0.0.1"), /security guard: net.connect/);
    assert.throws(() => fetch("http://127.0.0.1/"), /security guard: globalThis.fetch/);
    assert.deepEqual(guard.calls.splice(0), [
      "child_process.spawnSync true",
      "net.connect 80",
      "globalThis.fetch http://127.0.0.1/",
    ]);
    const stop = guard.recordReads();
    readFileSync(__filename);
    stop();
    assert.ok(guard.reads.splice(0).includes(`fs.readFileSync ${__filename}`));
  });

  it("analysing every fixture and example starts no process, opens no socket, reads inside its root", () => {
    const roots = [join(process.cwd(), "test", "fixtures"), join(process.cwd(), "examples")];
    let files = 0;
    for (const root of roots) {
      for (const path of pythonFiles(root)) {
        const { read } = analyzeIn(dirname(path), path);
        for (const r of read) assert.ok(inside(dirname(path), r), `${path} read ${r}`);
        files++;
      }
    }
    assert.ok(files > 50, `only ${files} scripts found`);
    assert.deepEqual(guard.calls, []);
  });

  it("imports and file APIs that point outside the workspace read nothing there", () => {
    const base = realpathSync(mkdtempSync(join(tmpdir(), "footprint-escape-")));
    const ws = join(base, "ws");
    const outside = join(base, "outside");
    mkdirSync(join(ws, "pkg", "sub"), { recursive: true });
    mkdirSync(outside);
    // If any of these were read, the analysis would report a 1,001,000-parameter model.
    const secret = "import torch.nn as nn\nSECRET = nn.Linear(1000, 1000)\n";
    writeFileSync(join(outside, "secret.py"), secret);
    writeFileSync(join(base, "secret.py"), secret);
    symlinkSync(join(outside, "secret.py"), join(ws, "pkg", "link.py"));
    symlinkSync(outside, join(ws, "pkg", "linkdir"));
    writeFileSync(join(ws, "pkg", "sub", "__init__.py"), "");
    const script = join(ws, "pkg", "sub", "train.py");
    writeFileSync(
      script,
      [
        "import sys, os, runpy, importlib",
        "import numpy as np, torch",
        "from ...secret import SECRET as a",
        "from ....outside.secret import SECRET as b",
        "from ... import secret",
        `sys.path.insert(0, ${JSON.stringify(outside)})`,
        "import secret as c",
        "from ..link import SECRET as d",
        "from ..linkdir.secret import SECRET as e",
        `exec(open(${JSON.stringify(join(outside, "secret.py"))}).read())`,
        `runpy.run_path(${JSON.stringify(join(outside, "secret.py"))})`,
        'f = importlib.import_module("secret")',
        'g = __import__("secret")',
        'h = np.loadtxt("/etc/passwd")',
        'i = torch.load("../../../outside/secret.py")',
        'j = open("/etc/passwd").read()',
        'k = os.listdir("/")',
        "",
      ].join("\n"),
    );
    const { models, read } = analyzeIn(ws, script);
    const outsideReads = read.filter((r) => !inside(ws, r));
    assert.deepEqual(outsideReads, [], "files read outside the workspace");
    assert.deepEqual(
      models.filter((m) => m.params === 1000 * 1000 + 1000),
      [],
      "a model from outside the workspace was built",
    );
    assert.deepEqual(guard.calls, []);
    assert.ok(resolve(script).startsWith(ws));
  });
});
