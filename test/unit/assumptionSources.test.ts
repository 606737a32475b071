// Where each assumption of a priced run says it came from: the default, the editor/CLI settings,
// or pyproject.toml [tool.footprint] (Settings.fromProject), in the core and through the CLI.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { analyzeExample } from "../e2e/expected";

const sourceOf = async (settings: Parameters<typeof analyzeExample>[1]) => {
  const { analysis } = await analyzeExample("mnist_cnn.py", settings);
  const run = analysis.runs[0];
  return (prefix: string) => run.assumptions.find((a) => a.name.startsWith(prefix))?.source;
};

test("defaults say default; a value from the settings says setting; one from the project file says project", async () => {
  const defaults = await sourceOf({});
  assert.equal(defaults("grid intensity"), "default");
  assert.equal(defaults("PUE"), "default");
  const edited = await sourceOf({ region: "FRA", pue: 1.3 });
  assert.equal(edited("grid intensity"), "setting");
  assert.equal(edited("PUE"), "setting");
  const project = await sourceOf({ region: "FRA", pue: 1.3, deviceCount: 2, fromProject: ["region", "deviceCount"] });
  assert.equal(project("grid intensity"), "project");
  assert.equal(project("device count"), "project");
  assert.equal(project("PUE"), "setting");
  // A project key whose value equals the default is still the default (nothing was changed).
  assert.equal((await sourceOf({ fromProject: ["region"] }))("grid intensity"), "default");
});

const dir = mkdtempSync(join(tmpdir(), "footprint-sources-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("the CLI labels pyproject.toml values project, and a flag over them setting", () => {
  writeFileSync(join(dir, "pyproject.toml"), '[tool.footprint]\nregion = "FRA"\npue = 1.3\n');
  copyFileSync(join(process.cwd(), "examples", "mnist_cnn.py"), join(dir, "mnist_cnn.py"));
  const assumptions = (...flags: string[]) => {
    const cli = join(process.cwd(), "dist", "cli.js");
    const out = spawnSync(process.execPath, [cli, "check", "mnist_cnn.py", "--format", "json", ...flags], {
      cwd: dir,
      encoding: "utf8",
    });
    const runs: Array<{ assumptions: string[] }> = JSON.parse(out.stdout).files[0].runs;
    return runs[0].assumptions;
  };
  const plain = assumptions();
  assert.ok(
    plain.some((a) => /^grid intensity \(gCO2e\/kWh\): .*\(FRA\) \(project[;)]/.test(a)),
    plain.join("\n"),
  );
  assert.ok(plain.includes("PUE: 1.3 (project)"), plain.join("\n"));
  const flagged = assumptions("--region", "SWE");
  assert.ok(
    flagged.some((a) => /^grid intensity \(gCO2e\/kWh\): .*\(SWE\) \(setting[;)]/.test(a)),
    flagged.join("\n"),
  );
  assert.ok(flagged.includes("PUE: 1.3 (project)"));
});
