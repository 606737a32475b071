// Settings shared by the server, the CLI and the client: their shape, defaults and validation.
// Values arrive from VS Code, `[tool.footprint]` in pyproject.toml or CLI flags; all go through
// `resolveSettings`, which never throws and reports what it had to ignore.

export type RuleSeverity = "error" | "warning" | "information" | "hint" | "off";

export interface Settings {
  /** Device catalog id assumed when the script does not name one. */
  device: string;
  deviceCount: number;
  /** "world", an ISO alpha-3 country ("FRA") or "provider:region" ("aws:us-east-1"). */
  region: string;
  /** Power usage effectiveness; null = documented default. */
  pue: number | null;
  /** Model FLOPs utilisation override (0–1); null = documented range. */
  mfu: number | null;
  /** Grid intensity override in gCO2e/kWh; null = from region. */
  gridIntensity: number | null;
  inlayHints: boolean;
  codeLens: boolean;
  /** Per-rule severity overrides: { "FP110": "off" }. */
  rules: Record<string, RuleSeverity>;
  /** Keys whose value came from pyproject.toml [tool.footprint], so assumptions can say "project"; absent = none. */
  fromProject?: ReadonlyArray<keyof Settings>;
}

export const DEFAULT_SETTINGS: Settings = {
  device: "a100-sxm4-80gb",
  deviceCount: 1,
  region: "world",
  pue: null,
  mfu: null,
  gridIntensity: null,
  inlayHints: true,
  codeLens: true,
  rules: {},
};

const SEVERITIES: readonly RuleSeverity[] = ["error", "warning", "information", "hint", "off"];

export interface ResolvedSettings {
  settings: Settings;
  /** One line per ignored value: "footprint.deviceCount: expected a positive integer, got "two"; using 1". */
  problems: string[];
}

/** Merges layers of partial, untrusted settings (later wins) over the defaults. */
export function resolveSettings(...layers: Array<Record<string, unknown> | null | undefined>): ResolvedSettings {
  const settings: Settings = { ...DEFAULT_SETTINGS, rules: {} };
  const problems: string[] = [];
  const bad = (key: string, want: string, got: unknown, fallback: unknown) =>
    problems.push(`footprint.${key}: expected ${want}, got ${JSON.stringify(got)}; using ${JSON.stringify(fallback)}`);

  for (const layer of layers) {
    if (!layer || typeof layer !== "object") continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      switch (key) {
        case "device":
        case "region":
          if (typeof value === "string" && value.trim()) settings[key] = value.trim();
          else bad(key, "a non-empty string", value, settings[key]);
          break;
        case "deviceCount":
          if (Number.isInteger(value) && (value as number) >= 1) settings.deviceCount = value as number;
          else bad(key, "a positive integer", value, settings.deviceCount);
          break;
        case "pue":
          if (value === null || (typeof value === "number" && value >= 1 && value <= 3)) settings.pue = value;
          else bad(key, "a number from 1 to 3 or null", value, settings.pue);
          break;
        case "mfu":
          if (value === null || (typeof value === "number" && value > 0 && value <= 1)) settings.mfu = value;
          else bad(key, "a number in (0, 1] or null", value, settings.mfu);
          break;
        case "gridIntensity":
          if (value === null || (typeof value === "number" && value >= 0 && value < 2000))
            settings.gridIntensity = value;
          else bad(key, "gCO2e/kWh from 0 to 2000 or null", value, settings.gridIntensity);
          break;
        case "inlayHints":
        case "codeLens":
          if (typeof value === "boolean") settings[key] = value;
          else bad(key, "true or false", value, settings[key]);
          break;
        case "rules":
          if (value && typeof value === "object" && !Array.isArray(value)) {
            for (const [code, sev] of Object.entries(value as Record<string, unknown>)) {
              if (SEVERITIES.includes(sev as RuleSeverity)) settings.rules[code] = sev as RuleSeverity;
              else bad(`rules.${code}`, SEVERITIES.join("|"), sev, "the rule's default");
            }
          } else bad(key, "an object of rule code → severity", value, {});
          break;
        default:
          problems.push(`footprint.${key}: unknown setting, ignored`);
      }
    }
  }
  return { settings, problems };
}
