// Settings per document: the editor's `footprint` section (pulled with workspace/configuration
// for the document's scope) and `[tool.footprint]` from the nearest pyproject.toml, merged by
// resolveSettings. Problems are shown to the user once and logged.
import { dirname } from "node:path";
import type { Connection } from "vscode-languageserver";
import { projectSettingsFor } from "../shared/pyproject";
import { resolveSettings, type Settings } from "../shared/settings";
import { isInside, uriToPath } from "./workspaceReader";

/**
 * Editor setting (below `footprint.`) → Settings key. null: a client-only setting the server ignores.
 * package.json's contributes.configuration must list exactly these keys (test/unit/settings.test.ts).
 */
export const EDITOR_KEYS: Readonly<Record<string, keyof Settings | null>> = {
  device: "device",
  deviceCount: "deviceCount",
  region: "region",
  pue: "pue",
  mfu: "mfu",
  gridIntensity: "gridIntensity",
  "inlayHints.enabled": "inlayHints",
  "codeLens.enabled": "codeLens",
  rules: "rules",
  "trace.server": null,
};

/** Flattens VS Code's nested `footprint` section into a layer for resolveSettings. */
export function editorSettingsLayer(section: unknown): Record<string, unknown> {
  const layer: Record<string, unknown> = {};
  const walk = (value: unknown, prefix: string) => {
    if (prefix in EDITOR_KEYS) {
      const key = EDITOR_KEYS[prefix];
      if (key) layer[key] = value;
      return;
    }
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, prefix ? `${prefix}.${k}` : k);
    } else if (prefix) {
      layer[prefix] = value; // resolveSettings reports it as unknown
    }
  };
  walk(section, "");
  return layer;
}

export class SettingsProvider {
  private readonly cache = new Map<string, Promise<Settings>>();
  private readonly reported = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly canPullConfiguration: () => boolean,
    private readonly workspaceRoots: () => string[],
  ) {}

  settingsFor(uri: string): Promise<Settings> {
    let cached = this.cache.get(uri);
    if (!cached) {
      cached = this.load(uri);
      this.cache.set(uri, cached);
    }
    return cached;
  }

  /** Forget everything: configuration or a pyproject.toml changed. */
  invalidate(): void {
    this.cache.clear();
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  private async load(uri: string): Promise<Settings> {
    let section: unknown = null;
    if (this.canPullConfiguration()) {
      try {
        section = await this.connection.workspace.getConfiguration({ scopeUri: uri, section: "footprint" });
      } catch (err) {
        this.connection.console.warn(`footprint: workspace/configuration failed: ${(err as Error).message}`);
      }
    }
    const layers: Array<Record<string, unknown> | null> = [editorSettingsLayer(section)];
    const problems: string[] = [];
    const path = uriToPath(uri);
    if (path !== uri) {
      const root = this.workspaceRoots().find((r) => isInside(r, path));
      // The project file wins over editor settings: the editor always sends every default, and
      // the project file is what CI (the CLI) reads too, so both price the script the same way.
      const project = projectSettingsFor(dirname(path), root);
      layers.push(project.values);
      problems.push(...project.problems);
    }
    const resolved = resolveSettings(...layers);
    problems.push(...resolved.problems);
    this.report(problems);
    // The project layer is applied last, so every key it holds is the project file's value.
    const fromProject = Object.keys(layers[1] ?? {}).filter((k): k is keyof Settings => k in resolved.settings);
    return fromProject.length > 0 ? { ...resolved.settings, fromProject } : resolved.settings;
  }

  private report(problems: string[]): void {
    const fresh = problems.filter((p) => !this.reported.has(p));
    if (fresh.length === 0) return;
    for (const p of fresh) {
      this.reported.add(p);
      this.connection.console.warn(`footprint settings: ${p}`);
    }
    const more = fresh.length > 1 ? ` (and ${fresh.length - 1} more, see the Footprint output)` : "";
    void this.connection.window.showWarningMessage(`Footprint settings: ${fresh[0]}${more}`);
  }
}
