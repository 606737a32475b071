// Grid carbon intensity for a region setting: "world", an ISO alpha-3 country (Ember annual
// averages bundled by @tgwf/co2) or "provider:region" (cloud-region table built from shared data).
import { averageIntensity } from "@tgwf/co2/data";
import { CLOUD_REGION_ROWS, GRID_DATASETS } from "./data/cloudRegions";

export interface GridChoice {
  gPerKWh: number;
  /** Human label: "world average", "FRA", "aws:eu-north-1 (Stockholm, Sweden)". */
  label: string;
  citation: string;
  /** The same region in other datasets ("ccf 365.1, mlco2 367.8"), because they disagree. */
  alternatives: string | null;
  provider: string | null;
  country: string | null;
}

const EMBER_CITATION =
  "Ember annual average grid intensity (lifecycle gCO2e/kWh) as bundled by @tgwf/co2 0.19.0 (averageIntensity)";

/**
 * Which dataset speaks for a cloud region, best first: the operator's own 2024 figures (Google),
 * then the most recent zone-level dataset (Electricity Maps 2024), then older region tables,
 * then country averages.
 */
export const PRIMARY_DATASET_ORDER = ["google2024", "em2024", "ccf", "codecarbon", "mlco2", "co2js_ember"];

export const WORLD_KEY = "WORLD";

/** The world average the defaults use (Ember via @tgwf/co2). */
export function worldIntensity(): number {
  return averageIntensity.data[WORLD_KEY];
}

/** Resolves a region setting; null when it names nothing the data knows. */
export function resolveGrid(region: string): GridChoice | null {
  const r = region.trim();
  if (r === "" || r.toLowerCase() === "world") {
    return {
      gPerKWh: worldIntensity(),
      label: "world average",
      citation: `${EMBER_CITATION}, key WORLD`,
      alternatives: null,
      provider: null,
      country: null,
    };
  }
  const colon = r.indexOf(":");
  if (colon > 0) return cloudRegion(r.slice(0, colon).toLowerCase(), r.slice(colon + 1).toLowerCase());
  const iso = r.toUpperCase();
  const g = averageIntensity.data[iso];
  if (!/^[A-Z]{3}$/.test(iso) || g === undefined) return null;
  return {
    gPerKWh: g,
    label: iso,
    citation: `${EMBER_CITATION}, key ${iso}`,
    alternatives: null,
    provider: null,
    country: iso,
  };
}

function cloudRegion(provider: string, region: string): GridChoice | null {
  const rows = CLOUD_REGION_ROWS.filter((row) => row[0] === provider && row[1] === region);
  if (rows.length === 0) return null;
  const ranked = [...rows].sort((a, b) => rankOf(a[4]) - rankOf(b[4]));
  const [, , location, country, dataset, g] = ranked[0];
  const ds = GRID_DATASETS[dataset];
  return {
    gPerKWh: g,
    label: `${provider}:${region} (${location})`,
    citation: `${ds.source}, ${ds.year}, ${ds.basis} (${ds.sourceUrl})`,
    alternatives: ranked
      .slice(1)
      .map((row) => `${row[4]} ${row[5]}`)
      .join(", "),
    provider,
    country,
  };
}

function rankOf(dataset: string): number {
  const i = PRIMARY_DATASET_ORDER.indexOf(dataset);
  return i < 0 ? PRIMARY_DATASET_ORDER.length : i;
}

/** Every region of a provider with its primary figure, cleanest first. */
export function providerRegions(provider: string): Array<{ key: string; choice: GridChoice }> {
  const names = [...new Set(CLOUD_REGION_ROWS.filter((r) => r[0] === provider).map((r) => r[1]))];
  return names
    .map((name) => ({ key: `${provider}:${name}`, choice: cloudRegion(provider, name) as GridChoice }))
    .sort((a, b) => a.choice.gPerKWh - b.choice.gPerKWh);
}

/** The lowest-carbon country among those hosting a catalogued cloud region (Ember figures), for "world"/country settings. */
export function cleanestCloudCountry(): GridChoice {
  const countries = [...new Set(CLOUD_REGION_ROWS.map((r) => r[3]))].filter(
    (c) => averageIntensity.data[c] !== undefined,
  );
  countries.sort((a, b) => averageIntensity.data[a] - averageIntensity.data[b]);
  return resolveGrid(countries[0]) as GridChoice;
}
