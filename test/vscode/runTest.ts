// Runs the extension inside a real VS Code via @vscode/test-electron (`npm run test:vscode`).
// The only failure this runner turns into a skip is "VS Code cannot be downloaded here" (no network);
// once VS Code is available, every failure of the suite is a failure (exit 1).
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { downloadAndUnzipVSCode, runTests } from "@vscode/test-electron";
import { build } from "esbuild";

const root = join(__dirname, "..", "..");
const NETWORK_CODES = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENETUNREACH",
  "EHOSTUNREACH",
]);

/** True when `error` says the download host could not be reached (as opposed to a broken install). */
function isNetworkError(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown; message?: string } | undefined; e; e = e.cause as typeof e) {
    if (e.code && NETWORK_CODES.has(e.code)) return true;
    if (typeof e.message === "string" && /timed? ?out|getaddrinfo|socket hang up/i.test(e.message)) return true;
  }
  return false;
}

async function vscodeExecutable(): Promise<string | null> {
  // A local VS Code (or a pre-populated cache) avoids the download entirely.
  if (process.env.VSCODE_EXECUTABLE_PATH) return process.env.VSCODE_EXECUTABLE_PATH;
  const version = process.env.VSCODE_TEST_VERSION ?? "stable";
  try {
    return await downloadAndUnzipVSCode({ version, cachePath: join(root, ".vscode-test"), timeout: 30_000 });
  } catch (error) {
    if (!isNetworkError(error)) throw error;
    console.log(
      `SKIP test:vscode: VS Code ${version} cannot be downloaded on this machine (${(error as Error).message}). ` +
        "Set VSCODE_EXECUTABLE_PATH to a local VS Code to run this suite offline; the real-editor tier " +
        "(code-server) covers the same ground here.",
    );
    return null;
  }
}

async function main(): Promise<number> {
  const built = spawnSync(process.execPath, [join(root, "scripts", "build.mjs")], { cwd: root, stdio: "inherit" });
  if (built.status !== 0) return 1;
  const suite = join(root, "out", "vscode-test", "suite.js");
  await build({
    entryPoints: [join(__dirname, "suite", "index.ts")],
    outfile: suite,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    external: ["vscode"],
    logLevel: "warning",
    // The suite computes expected values with the core, which loads web-tree-sitter (see build.mjs).
    define: { "import.meta.url": "__bundleFileUrl" },
    banner: { js: 'const __bundleFileUrl = require("node:url").pathToFileURL(__filename).href;' },
  });

  const executable = await vscodeExecutable();
  if (!executable) return 0;
  if (process.platform === "linux" && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    console.error("test:vscode needs a display on Linux: run it as `xvfb-run -a npm run test:vscode`.");
    return 1;
  }
  // A copy of the examples: the suite applies a quick-fix and writes workspace settings there.
  const workspace = mkdtempSync(join(tmpdir(), "footprint-vscode-"));
  cpSync(join(root, "examples"), workspace, { recursive: true });
  try {
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: root,
      extensionTestsPath: suite,
      // Where the suite finds grammars/ and examples/ for the core's expected values.
      extensionTestsEnv: { FOOTPRINT_ROOT: root },
      launchArgs: [workspace, "--disable-extensions", "--disable-workspace-trust", "--skip-welcome"],
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
  console.log("test:vscode: suite passed");
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error("test:vscode failed:", error);
    process.exit(1);
  },
);
