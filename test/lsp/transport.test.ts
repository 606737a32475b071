// Transports: VS Code's client talks to the bundled server over node IPC (fork + process
// messages), other editors over stdio; without a transport flag the server explains and exits 2.
import assert from "node:assert/strict";
import { fork, spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  createProtocolConnection,
  ExitNotification,
  InitializeRequest,
  IPCMessageReader,
  IPCMessageWriter,
  ShutdownRequest,
} from "vscode-languageserver-protocol/node";
import { ROOT } from "./harness";

const SERVER = join(ROOT, "dist", "server.js");

describe("server transports", () => {
  it("speaks LSP over node IPC, as the VS Code client starts it", async () => {
    const child = fork(SERVER, ["--node-ipc"], { stdio: ["ignore", "ignore", "pipe", "ipc"] });
    const connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    connection.listen();
    try {
      const result = await connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: null,
        capabilities: {},
      });
      assert.equal(result.serverInfo?.name, "footprint-lint");
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      await connection.sendRequest(ShutdownRequest.type);
      await connection.sendNotification(ExitNotification.type);
      assert.equal(await exited, 0);
    } finally {
      connection.dispose();
      if (child.exitCode === null) child.kill();
    }
  });

  it("without a transport flag prints how to start it and exits 2", () => {
    const r = spawnSync(process.execPath, [SERVER], { encoding: "utf8", timeout: 30_000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /pass a transport: --stdio, --node-ipc, --socket=PORT or --pipe=NAME/);
  });
});
