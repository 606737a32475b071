// Settings parity: package.json's contributes.configuration, the editor-key mapping the server
// uses, and DEFAULT_SETTINGS agree key by key; resolveSettings rejects wrong types clearly.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { EDITOR_KEYS, editorSettingsLayer } from "../../server/src/lsp/settings";
import { camelKey } from "../../server/src/shared/pyproject";
import { DEFAULT_SETTINGS, resolveSettings } from "../../server/src/shared/settings";

const manifest = JSON.parse(readFileSync(join(process.cwd(), "package.json"), "utf8"));
const properties: Record<string, { default?: unknown }> = manifest.contributes.configuration.properties;
const PREFIX = "footprint.";

/** The `footprint` section as VS Code sends it for workspace/configuration: nested by dots. */
function nestedDefaults(): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, p] of Object.entries(properties)) {
    const parts = key.slice(PREFIX.length).split(".");
    let node = root;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]] = p.default;
  }
  return root;
}

describe("settings parity with package.json", () => {
  it("every contributed footprint.* key is known to the server, and every server-side key is contributed", () => {
    const contributed = Object.keys(properties).map((k) => k.slice(PREFIX.length));
    assert.ok(
      Object.keys(properties).every((k) => k.startsWith(PREFIX)),
      "all settings live under footprint.",
    );
    assert.deepEqual([...contributed].sort(), Object.keys(EDITOR_KEYS).sort());
    const mapped = Object.values(EDITOR_KEYS).filter((k) => k !== null);
    assert.deepEqual([...mapped].sort(), Object.keys(DEFAULT_SETTINGS).sort());
  });

  it("each contributed default equals DEFAULT_SETTINGS", () => {
    for (const [editorKey, settingKey] of Object.entries(EDITOR_KEYS)) {
      if (settingKey === null) continue;
      assert.deepEqual(
        properties[PREFIX + editorKey].default,
        DEFAULT_SETTINGS[settingKey],
        `${PREFIX}${editorKey} default vs DEFAULT_SETTINGS.${settingKey}`,
      );
    }
  });

  it("the defaults VS Code sends resolve to DEFAULT_SETTINGS with no problems", () => {
    const resolved = resolveSettings(editorSettingsLayer(nestedDefaults()));
    assert.deepEqual(resolved.problems, []);
    assert.deepEqual(resolved.settings, DEFAULT_SETTINGS);
  });
});

describe("resolveSettings", () => {
  it("reports a wrong type with the key, what it expected and the value it keeps", () => {
    const { settings, problems } = resolveSettings({ deviceCount: "two", pue: 9, inlayHints: "yes" });
    assert.equal(settings.deviceCount, DEFAULT_SETTINGS.deviceCount);
    assert.equal(settings.pue, DEFAULT_SETTINGS.pue);
    assert.equal(settings.inlayHints, DEFAULT_SETTINGS.inlayHints);
    assert.deepEqual(problems, [
      'footprint.deviceCount: expected a positive integer, got "two"; using 1',
      "footprint.pue: expected a number from 1 to 3 or null, got 9; using null",
      'footprint.inlayHints: expected true or false, got "yes"; using true',
    ]);
  });

  it("later layers win and bad rule severities are dropped with a message", () => {
    const { settings, problems } = resolveSettings(
      { region: "FRA", rules: { FP110: "off" } },
      { region: "aws:us-east-1", rules: { FP101: "loud" } },
    );
    assert.equal(settings.region, "aws:us-east-1");
    assert.deepEqual(settings.rules, { FP110: "off" });
    assert.equal(problems.length, 1);
    assert.match(problems[0], /footprint\.rules\.FP101: expected error\|warning\|information\|hint\|off, got "loud"/);
  });

  it("flattens the editor's nested section and reports keys it does not know", () => {
    const layer = editorSettingsLayer({ inlayHints: { enabled: false }, codeLens: { enabled: false }, colour: "red" });
    const { settings, problems } = resolveSettings(layer);
    assert.equal(settings.inlayHints, false);
    assert.equal(settings.codeLens, false);
    assert.deepEqual(problems, ["footprint.colour: unknown setting, ignored"]);
  });

  it("reads pyproject spellings (device_count, grid-intensity) as the settings' camelCase keys", () => {
    assert.equal(camelKey("device_count"), "deviceCount");
    assert.equal(camelKey("grid-intensity"), "gridIntensity");
    assert.equal(camelKey("region"), "region");
  });
});
