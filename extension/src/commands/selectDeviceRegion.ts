// "Select Device" and "Select Region": quick picks over the bundled device catalog and grid data
// (countries from @tgwf/co2 via grid.ts, cloud regions from the shared table), writing the setting.
import { averageIntensity } from "@tgwf/co2/data";
import * as vscode from "vscode";
import { CLOUD_REGION_ROWS } from "../../../server/src/analysis/footprint/data/cloudRegions";
import { DEVICE_ROWS } from "../../../server/src/analysis/footprint/data/devices";
import { providerRegions, resolveGrid, worldIntensity } from "../../../server/src/analysis/footprint/grid";
import { editorSettings, writeSetting } from "./settingsScope";

const tflops = (v: number | null) => (v === null ? "–" : `${v}`);

export async function selectDevice(): Promise<void> {
  const current = editorSettings().device;
  const items = DEVICE_ROWS.map((d) => ({
    label: d.id === current ? `$(check) ${d.name}` : d.name,
    description: d.id,
    detail: `${d.kind.toUpperCase()} · peak TFLOP/s fp32 ${tflops(d.peak.fp32)} · bf16 ${tflops(d.peak.bf16)} · ${d.powerW ?? "?"} W (${d.powerKind})${d.trains ? "" : " · inference only"}`,
    id: d.id,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    // The current choice goes in the title: the input box stays empty for filtering.
    title: `Footprint: device assumed when a script does not name one (now ${current})`,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (picked) await writeSetting("device", picked.id, picked.id);
}

interface RegionItem extends vscode.QuickPickItem {
  key?: string;
}

/** World, then cloud regions per provider (cleanest first), then countries (cleanest first). */
function regionItems(current: string): RegionItem[] {
  const mark = (key: string, label: string) =>
    key.toLowerCase() === current.toLowerCase() ? `$(check) ${label}` : label;
  const items: RegionItem[] = [
    {
      label: mark("world", "World average"),
      description: "world",
      detail: `${Math.round(worldIntensity())} gCO2e/kWh`,
      key: "world",
    },
  ];
  for (const provider of [...new Set(CLOUD_REGION_ROWS.map((r) => r[0]))]) {
    items.push({ label: provider.toUpperCase(), kind: vscode.QuickPickItemKind.Separator });
    for (const { key, choice } of providerRegions(provider)) {
      items.push({
        label: mark(key, choice.label),
        description: key,
        detail: `${Math.round(choice.gPerKWh)} gCO2e/kWh · ${choice.citation}`,
        key,
      });
    }
  }
  items.push({ label: "Countries", kind: vscode.QuickPickItemKind.Separator });
  const countries = Object.keys(averageIntensity.data)
    .filter((k) => /^[A-Z]{3}$/.test(k) && resolveGrid(k) !== null)
    .sort((a, b) => averageIntensity.data[a] - averageIntensity.data[b]);
  for (const iso of countries) {
    items.push({ label: mark(iso, iso), description: `${Math.round(averageIntensity.data[iso])} gCO2e/kWh`, key: iso });
  }
  return items;
}

export async function selectRegion(): Promise<void> {
  const current = editorSettings().region;
  const picked = await vscode.window.showQuickPick(regionItems(current), {
    title: `Footprint: where training runs, for the grid carbon intensity (now ${current}) — type a country code (FRA) or a cloud region (aws:eu-north-1)`,
    matchOnDescription: true,
  });
  if (picked?.key) await writeSetting("region", picked.key, picked.key);
}
