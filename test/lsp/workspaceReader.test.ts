// What the server lets the analyzer read for imports (inside workspace folders, text, ≤ 2 MB),
// and how [tool.footprint] is found in the nearest pyproject.toml.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createWorkspaceReader, uriToPath } from "../../server/src/lsp/workspaceReader";
import { findPyproject, projectSettingsFor } from "../../server/src/shared/pyproject";

describe("workspace reader and project settings", () => {
  const dir = mkdtempSync(join(tmpdir(), "footprint-ws-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const ws = join(dir, "ws");
  mkdirSync(join(ws, "pkg", "deep"), { recursive: true });
  writeFileSync(join(ws, "pkg", "model.py"), "WIDTH = 64\n");
  writeFileSync(join(ws, "pkg", "blob.py"), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00]));
  writeFileSync(join(ws, "pkg", "latin1.py"), Buffer.from("s = 'caf\xe9'\n", "latin1"));
  writeFileSync(join(ws, "pkg", "big.py"), "#".repeat(2 * 1024 * 1024 + 1));
  writeFileSync(join(dir, "outside.py"), "SECRET = 1\n");

  it("reads text files inside the workspace folders only", () => {
    const reader = createWorkspaceReader([ws]);
    assert.equal(reader.readFile(join(ws, "pkg", "model.py")), "WIDTH = 64\n");
    assert.equal(reader.readFile(join(dir, "outside.py")), null);
    assert.equal(reader.readFile(join(ws, "pkg", "..", "..", "outside.py")), null);
    assert.equal(reader.readFile(join(ws, "pkg", "missing.py")), null);
    assert.equal(reader.readFile(join(ws, "pkg")), null, "a folder is not a file");
  });

  it("refuses binary, non-UTF-8 and files over 2 MB", () => {
    const reader = createWorkspaceReader([ws]);
    assert.equal(reader.readFile(join(ws, "pkg", "blob.py")), null);
    assert.equal(reader.readFile(join(ws, "pkg", "latin1.py")), null);
    assert.equal(reader.readFile(join(ws, "pkg", "big.py")), null);
  });

  it("maps file URIs to paths and keeps other schemes as they are", () => {
    assert.equal(uriToPath("file:///tmp/a%20b.py"), "/tmp/a b.py");
    assert.equal(uriToPath("untitled:Untitled-1"), "untitled:Untitled-1");
  });

  it("finds the nearest pyproject.toml, not above the workspace root", () => {
    writeFileSync(join(dir, "pyproject.toml"), '[tool.footprint]\nregion = "DEU"\n');
    assert.equal(findPyproject(join(ws, "pkg", "deep"), ws), null);
    assert.equal(findPyproject(join(ws, "pkg", "deep")), join(dir, "pyproject.toml"));
    writeFileSync(join(ws, "pyproject.toml"), '[project]\nname = "x"\n\n[tool.footprint]\ndevice-count = 2\n');
    const project = projectSettingsFor(join(ws, "pkg", "deep"), ws);
    assert.equal(project.file, join(ws, "pyproject.toml"));
    assert.deepEqual(project.values, { deviceCount: 2 });
    assert.deepEqual(project.problems, []);
  });

  it("reports a pyproject.toml that is not TOML or whose [tool.footprint] is not a table", () => {
    writeFileSync(join(ws, "pyproject.toml"), "[tool.footprint\n");
    assert.match(projectSettingsFor(ws, ws).problems[0], /not valid TOML/);
    writeFileSync(join(ws, "pyproject.toml"), 'tool = { footprint = "fast" }\n');
    assert.match(projectSettingsFor(ws, ws).problems[0], /\[tool\.footprint\] must be a table/);
    writeFileSync(join(ws, "pyproject.toml"), '[project]\nname = "x"\n');
    assert.deepEqual(projectSettingsFor(ws, ws), { file: join(ws, "pyproject.toml"), values: null, problems: [] });
  });
});
