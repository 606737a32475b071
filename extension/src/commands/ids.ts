// Command ids of the Footprint palette commands, in a module without `vscode` so tests can check
// them against package.json's contributes.commands.

export const COMMANDS = {
  exportReport: "footprint.exportReport",
  selectDevice: "footprint.selectDevice",
  selectRegion: "footprint.selectRegion",
  compare: "footprint.compareDevicesRegions",
  toggleInlayHints: "footprint.toggleInlayHints",
} as const;
