// Registers the palette commands of the "Footprint" category that act on a script's analysis or on
// the settings: Export Report, Select Device, Select Region, Compare Devices and Regions, Toggle Inlay Hints.
import * as vscode from "vscode";
import { type ClientGetter, requestAnalysis, targetUri } from "../report/analysisSource";
import { compareMarkdown } from "./compareTable";
import { COMMANDS } from "./ids";
import { EXPORT_FORMATS, exportText } from "./exportFormats";
import { selectDevice, selectRegion } from "./selectDeviceRegion";
import { editorSettings } from "./settingsScope";

/** The script a command is about: its argument, the active Python editor, else what the report shows. */
type Fallback = () => vscode.Uri | undefined;

async function exportReport(context: vscode.ExtensionContext, client: ClientGetter, uri: vscode.Uri | null) {
  if (!uri) {
    void vscode.window.showInformationMessage("Footprint: open a Python training script to export its report.");
    return;
  }
  const pick = await vscode.window.showQuickPick(
    EXPORT_FORMATS.map((f) => ({ label: f.label, detail: f.detail, f })),
    { title: "Footprint: export the report as" },
  );
  if (!pick) return;
  const analysis = await requestAnalysis(client, uri);
  if (!analysis) return;
  const stem = uri.path.replace(/\.[^./]*$/, "");
  const target = await vscode.window.showSaveDialog({
    defaultUri: uri.with({ path: `${stem}.footprint.${pick.f.extension}` }),
    filters: { [pick.f.label]: [pick.f.extension] },
    title: "Footprint: save the report",
  });
  if (!target) return;
  const version = String(context.extension.packageJSON.version ?? "0.0.0");
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(exportText(analysis, pick.f.format, version)));
  const open = await vscode.window.showInformationMessage(
    `Footprint: report saved to ${vscode.workspace.asRelativePath(target)}`,
    "Open",
  );
  if (open) await vscode.window.showTextDocument(target);
}

async function compare(client: ClientGetter, uri: vscode.Uri | null) {
  if (!uri) {
    void vscode.window.showInformationMessage(
      "Footprint: open a Python training script to compare devices and regions.",
    );
    return;
  }
  const analysis = await requestAnalysis(client, uri);
  if (!analysis) return;
  const doc = await vscode.workspace.openTextDocument({
    language: "markdown",
    content: compareMarkdown(analysis, editorSettings(uri)),
  });
  try {
    await vscode.commands.executeCommand("markdown.showPreviewToSide", doc.uri);
  } catch {
    // Without the built-in Markdown extension the table source is still readable.
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside });
  }
}

async function toggleInlayHints() {
  const resource = vscode.window.activeTextEditor?.document.uri;
  const config = vscode.workspace.getConfiguration("footprint", resource);
  const next = !config.get<boolean>("inlayHints.enabled", true);
  // Write at the most specific scope that sets it now, so the toggle is not shadowed by that value.
  const inspect = config.inspect<boolean>("inlayHints.enabled");
  const target =
    inspect?.workspaceFolderValue !== undefined
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : inspect?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
  await config.update("inlayHints.enabled", next, target);
  void vscode.window.setStatusBarMessage(`Footprint: inlay hints ${next ? "on" : "off"}`, 3000);
}

export function registerFootprintCommands(
  context: vscode.ExtensionContext,
  client: ClientGetter,
  reportSource: Fallback,
): vscode.Disposable {
  const about = (arg?: string | vscode.Uri) => targetUri(arg) ?? reportSource() ?? null;
  return vscode.Disposable.from(
    vscode.commands.registerCommand(COMMANDS.exportReport, (arg?: string | vscode.Uri) =>
      exportReport(context, client, about(arg)),
    ),
    vscode.commands.registerCommand(COMMANDS.selectDevice, selectDevice),
    vscode.commands.registerCommand(COMMANDS.selectRegion, selectRegion),
    vscode.commands.registerCommand(COMMANDS.compare, (arg?: string | vscode.Uri) => compare(client, about(arg))),
    vscode.commands.registerCommand(COMMANDS.toggleInlayHints, toggleInlayHints),
  );
}
