// Reading the footprint settings as the server resolves them, and writing one at a scope the user
// picks (this workspace or every workspace), for Select Device / Select Region.
import * as vscode from "vscode";
import { resolveSettings, type Settings } from "../../../server/src/shared/settings";

/** The VS Code layer of the settings (the server adds [tool.footprint] over it; see README precedence). */
export function editorSettings(uri?: vscode.Uri): Settings {
  const c = vscode.workspace.getConfiguration("footprint", uri);
  return resolveSettings({
    device: c.get("device"),
    deviceCount: c.get("deviceCount"),
    region: c.get("region"),
    pue: c.get("pue"),
    mfu: c.get("mfu"),
    gridIntensity: c.get("gridIntensity"),
  }).settings;
}

/** Asks where to save the setting; a workspace scope only when a folder is open. undefined = cancelled. */
export async function pickScope(setting: string): Promise<vscode.ConfigurationTarget | undefined> {
  if (!vscode.workspace.workspaceFolders?.length) return vscode.ConfigurationTarget.Global;
  const picked = await vscode.window.showQuickPick(
    [
      {
        label: "Workspace",
        detail: `Save ${setting} in this workspace's settings`,
        target: vscode.ConfigurationTarget.Workspace,
      },
      {
        label: "User",
        detail: `Save ${setting} in your user settings (every workspace)`,
        target: vscode.ConfigurationTarget.Global,
      },
    ],
    { title: `Footprint: save ${setting} in the workspace or user settings?` },
  );
  return picked?.target;
}

/** Writes `footprint.<key>` at the chosen scope and says where; the server re-analyses on the change. */
export async function writeSetting(key: string, value: unknown, label: string): Promise<void> {
  const setting = `footprint.${key}`;
  const target = await pickScope(setting);
  if (target === undefined) return;
  await vscode.workspace.getConfiguration("footprint").update(key, value, target);
  const where = target === vscode.ConfigurationTarget.Global ? "user" : "workspace";
  void vscode.window.setStatusBarMessage(`Footprint: ${setting} = ${label} (${where} settings)`, 4000);
}
