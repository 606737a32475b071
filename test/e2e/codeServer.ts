// Real-editor harness: installs code-server once (scripts/e2e/setup-code-server.sh), installs the
// packaged .vsix into a fresh extensions folder and serves a copy of a workspace on a free port.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = process.cwd();
export const VSIX = join(root, "dist", "footprint-lint.vsix");

export interface CodeServer {
  url: string;
  workspace: string;
  dataDir: string;
  /** What code-server printed, plus the extension host logs: attached to failures. */
  diagnostics(): string;
  stop(): Promise<void>;
}

/** Runs the setup script (a no-op when cached) and returns code-server's entry.js. */
export function installCodeServer(): string {
  const run = spawnSync("bash", [join(root, "scripts", "e2e", "setup-code-server.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (run.status !== 0) throw new Error(`setup-code-server.sh failed (exit ${run.status})`);
  const entry = run.stdout.trim().split("\n").pop() ?? "";
  if (!existsSync(entry)) throw new Error(`setup-code-server.sh printed no entry point: ${run.stdout}`);
  return entry;
}

function filesUnder(dir: string, match: RegExp): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...filesUnder(path, match));
    else if (match.test(path)) found.push(path);
  }
  return found;
}

/** Installs the .vsix and starts code-server on `workspaceSource` (copied, so edits stay in a temp folder). */
export async function startCodeServer(entry: string, workspaceSource: string): Promise<CodeServer> {
  const base = mkdtempSync(join(tmpdir(), "footprint-e2e-"));
  const dataDir = join(base, "data");
  const extensionsDir = join(base, "extensions");
  const workspace = join(base, "workspace");
  cpSync(workspaceSource, workspace, { recursive: true });
  mkdirSync(join(dataDir, "User"), { recursive: true });
  // Without these a workspace-trust modal blocks every click (shared/notes/real-editor.md).
  writeFileSync(
    join(dataDir, "User", "settings.json"),
    JSON.stringify({
      "security.workspace.trust.enabled": false,
      "workbench.startupEditor": "none",
      "telemetry.telemetryLevel": "off",
      "workbench.tips.enabled": false,
      "extensions.ignoreRecommendations": true,
    }),
  );
  const common = ["--user-data-dir", dataDir, "--extensions-dir", extensionsDir];
  const install = spawnSync(process.execPath, [entry, ...common, "--install-extension", VSIX], { encoding: "utf8" });
  if (install.status !== 0 || !/successfully installed/i.test(install.stdout)) {
    throw new Error(`--install-extension failed (exit ${install.status}):\n${install.stdout}\n${install.stderr}`);
  }

  let output = "";
  const child: ChildProcess = spawn(
    process.execPath,
    [
      entry,
      ...common,
      "--auth",
      "none",
      "--bind-addr",
      "127.0.0.1:0",
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      workspace,
    ],
    { stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) resolve(m[1]);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`code-server exited (${code}) before listening:\n${output}`)));
  });

  const diagnostics = () => {
    const logs = filesUnder(join(dataDir, "logs"), /remoteexthost\.log$|Footprint[^/]*\.log$/)
      .map((f) => `--- ${f}\n${readFileSync(f, "utf8").slice(-20_000)}`)
      .join("\n");
    return `--- code-server output\n${output.slice(-10_000)}\n${logs}`;
  };
  const stop = async () => {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.pid === undefined) return resolve();
      child.once("exit", () => resolve());
      // The server's own process group (extension host, language server): it was started detached for this.
      process.kill(-child.pid, "SIGTERM");
    });
    // Failures already carry the logs (diagnostics()); the temp folders go.
    rmSync(base, { recursive: true, force: true });
  };
  return { url, workspace, dataDir, diagnostics, stop };
}
