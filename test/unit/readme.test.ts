// The README documents what the project really has: its settings and rules tables are the ones
// generated from package.json and the rule registry, every npm script it names exists, and its
// directive examples parse.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  END,
  generatedBlock,
  RULES_END,
  RULES_START,
  rulesTable,
  START,
  settingsTable,
} from "../../scripts/readme-settings";
import { parseDirectives } from "../../server/src/analysis/directives";

const root = process.cwd();
const readme = readFileSync(join(root, "README.md"), "utf8");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const REGENERATE = "README.md is stale: run `node --import tsx scripts/readme-settings.ts --write`";

describe("README.md", () => {
  it("has the settings table generated from package.json (run scripts/readme-settings.ts --write)", () => {
    assert.equal(generatedBlock(readme, START, END), settingsTable(manifest), REGENERATE);
  });

  it("has the rules table generated from the rule registry, each rule with its docs page", () => {
    assert.equal(generatedBlock(readme, RULES_START, RULES_END), rulesTable(), REGENERATE);
    for (const code of rulesTable().matchAll(/\[(FP\d+)\]/g)) {
      assert.ok(existsSync(join(root, "docs", "rules", `${code[1]}.md`)), `docs/rules/${code[1]}.md is missing`);
    }
  });

  it("names only npm scripts that exist", () => {
    const named = new Set([...readme.matchAll(/(?:^|`)npm (?:run )?([\w:-]+)/gm)].map((m) => m[1]));
    named.delete("install");
    named.delete("ci");
    const missing = [...named].filter((s) => !(s in manifest.scripts) && s !== "test" && s !== "start");
    assert.deepEqual(missing, []);
    assert.ok("test" in manifest.scripts && "start" in manifest.scripts);
  });

  it("shows directives the directive parser accepts", () => {
    const lines = [...readme.matchAll(/^# footprint: .*$/gm)].map((m) => m[0]);
    assert.ok(lines.length >= 6, `found ${lines.length} directive examples`);
    const parsed = parseDirectives(lines.join("\n"));
    assert.deepEqual(parsed.problems, []);
  });
});
