// Drives the BUNDLED server (node dist/server.js --stdio) with a real JSON-RPC client: answers
// workspace/configuration from package.json's defaults, collects publishDiagnostics and lets tests
// wait for them event by event (never with fixed sleeps), bounded by a timeout.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  ConfigurationRequest,
  createProtocolConnection,
  type Diagnostic,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  type InitializeResult,
  type Position,
  type ProtocolConnection,
  type Registration,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver-protocol/node";

export const ROOT = process.cwd();
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

/** The `footprint` section as VS Code would send it: package.json defaults, nested by dots. */
export function configurationDefaults(): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const properties: Record<string, { default?: unknown }> = manifest.contributes.configuration.properties;
  for (const [key, p] of Object.entries(properties)) {
    const parts = key.replace(/^footprint\./, "").split(".");
    let node = root;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]] = structuredClone(p.default);
  }
  return root;
}

/** Position of the first occurrence of `needle` in `text` (plus `offset` characters). */
export function position(text: string, needle: string, offset = 0): Position {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`"${needle}" not found in the text`);
  const before = text.slice(0, index + offset);
  const line = before.split("\n").length - 1;
  return { line, character: before.length - (before.lastIndexOf("\n") + 1) };
}

export function fileUri(path: string): string {
  return pathToFileURL(path).href;
}

interface Waiter {
  uri: string;
  accept: (p: PublishDiagnosticsParams) => boolean;
  resolve: (p: PublishDiagnosticsParams) => void;
}

export class LspSession {
  readonly connection: ProtocolConnection;
  readonly process: ChildProcessWithoutNullStreams;
  /** Editor settings the server pulls; tests may change them before didChangeConfiguration. */
  configuration = configurationDefaults();
  readonly stderr: string[] = [];
  /** Messages shown to the user so far. */
  readonly messages: string[] = [];
  private messageWaiters: Array<(text: string) => void> = [];
  private readonly latest = new Map<string, PublishDiagnosticsParams>();
  private waiters: Waiter[] = [];
  readonly started = performance.now();
  firstDiagnosticsMs: number | null = null;
  /** What the server registered dynamically (client/registerCapability). */
  readonly registrations: Registration[] = [];

  /** Log lines the server sent (window/logMessage). */
  readonly logs: string[] = [];
  private logWaiters: Array<(text: string) => void> = [];

  /**
   * `serverPath`: the bundled server by default; tests may start a copy of it elsewhere.
   * `env`: extra environment variables for the server process.
   */
  constructor(serverPath = join(ROOT, "dist", "server.js"), env: NodeJS.ProcessEnv = {}) {
    this.process = spawn(process.execPath, [serverPath, "--stdio"], { cwd: ROOT, env: { ...process.env, ...env } });
    this.process.stderr.on("data", (d: Buffer) => this.stderr.push(d.toString()));
    this.connection = createProtocolConnection(
      new StreamMessageReader(this.process.stdout),
      new StreamMessageWriter(this.process.stdin),
    );
    this.connection.onRequest(ConfigurationRequest.type, (params) =>
      params.items.map((item) => (item.section === "footprint" ? this.configuration : null)),
    );
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.firstDiagnosticsMs ??= performance.now() - this.started;
      this.latest.set(p.uri, p);
      const ready = this.waiters.filter((w) => w.uri === p.uri && w.accept(p));
      this.waiters = this.waiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve(p);
    });
    // Window messages and log lines are expected; they must not be unhandled.
    this.connection.onNotification("window/showMessage", (p: { message: string }) => this.message(p.message));
    this.connection.onNotification("window/logMessage", (p: { message: string }) => {
      this.logs.push(p.message);
      for (const w of this.logWaiters) w(p.message);
    });
    this.connection.onRequest("window/showMessageRequest", (p: { message: string }) => {
      this.message(p.message);
      return null;
    });
    this.connection.onRequest("client/registerCapability", (p: { registrations: Registration[] }) => {
      this.registrations.push(...p.registrations);
      return null;
    });
    this.connection.listen();
  }

  /** `watchFiles` declares dynamic file-watcher registration; `visibleDocuments` goes in initializationOptions. */
  async initialize(
    rootPath = ROOT,
    opts: { watchFiles?: boolean; visibleDocuments?: string[] } = {},
  ): Promise<InitializeResult> {
    const result = await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: fileUri(rootPath),
      workspaceFolders: [{ uri: fileUri(rootPath), name: "root" }],
      initializationOptions: opts.visibleDocuments ? { visibleDocuments: opts.visibleDocuments } : undefined,
      capabilities: {
        workspace: {
          configuration: true,
          didChangeConfiguration: { dynamicRegistration: true },
          didChangeWatchedFiles: { dynamicRegistration: !!opts.watchFiles },
        },
        textDocument: {
          hover: { contentFormat: ["markdown", "plaintext"] },
          publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
          inlayHint: {},
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix"] } } },
        },
      },
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
    return result;
  }

  /** The next diagnostics for `uri` that satisfy `accept` (or the latest already received). */
  diagnostics(
    uri: string,
    accept: (p: PublishDiagnosticsParams) => boolean = () => true,
    timeoutMs = 15_000,
  ): Promise<PublishDiagnosticsParams> {
    const now = this.latest.get(uri);
    if (now && accept(now)) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${this.stderr.join("")}`));
      }, timeoutMs);
      const waiter: Waiter = {
        uri,
        accept,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      };
      this.waiters.push(waiter);
    });
  }

  private message(text: string): void {
    this.messages.push(text);
    for (const w of this.messageWaiters.splice(0)) w(text);
  }

  /** The first log line (already received or next) that matches `pattern`. */
  log(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    const seen = this.logs.find((l) => pattern.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = (text: string) => {
        if (!pattern.test(text)) return;
        clearTimeout(timer);
        this.logWaiters = this.logWaiters.filter((w) => w !== waiter);
        resolve(text);
      };
      const timer = setTimeout(() => {
        this.logWaiters = this.logWaiters.filter((w) => w !== waiter);
        reject(new Error(`no log line matching ${pattern} within ${timeoutMs} ms; got: ${this.logs.join(" | ")}`));
      }, timeoutMs);
      this.logWaiters.push(waiter);
    });
  }

  /** The next message shown to the user (window/showMessage or showMessageRequest). */
  nextMessage(timeoutMs = 15_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message within ${timeoutMs} ms`)), timeoutMs);
      this.messageWaiters.push((text) => {
        clearTimeout(timer);
        resolve(text);
      });
    });
  }

  /** Opens a document and waits for its first diagnostics. */
  async open(uri: string, text: string, version = 1): Promise<Diagnostic[]> {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: "python", version, text },
    });
    return (await this.diagnostics(uri, (p) => p.version === version)).diagnostics;
  }

  /** Writes raw bytes to the server's stdin, between messages: for malformed-input tests. */
  writeRaw(bytes: string | Buffer): void {
    this.process.stdin.write(bytes);
  }

  exited(): Promise<number | null> {
    if (this.process.exitCode !== null) return Promise.resolve(this.process.exitCode);
    return new Promise((resolve) => this.process.once("exit", (code) => resolve(code)));
  }

  async shutdown(): Promise<number | null> {
    const exited = this.exited();
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    const code = await exited;
    this.connection.dispose();
    return code;
  }

  /** For after-hooks: ends the server if a test failed before shutdown. */
  kill(): void {
    if (this.process.exitCode === null) this.process.kill();
    this.connection.dispose();
  }
}
