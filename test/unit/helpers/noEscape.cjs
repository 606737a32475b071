// A guard for the security tests: replaces every Node API that starts a process, opens a socket
// or sends a request with one that records the call and throws, and records the paths of file reads.
// Loaded in-process by test/unit/security.test.ts, and with `node --require` in front of the
// bundled server by test/lsp/security.test.ts (then each record is appended to FOOTPRINT_GUARD_LOG).
"use strict";
const fs = require("node:fs");
const { syncBuiltinESMExports } = require("node:module");

const log = process.env.FOOTPRINT_GUARD_LOG;
/** Every forbidden call: "child_process.spawn ...", "net.connect ...". */
const calls = [];
/** Absolute or relative paths passed to a file-reading API, in order. */
const reads = [];
let recordingReads = !!log; // the server records from its first line; in-process tests choose when

// Kept before patching: the guard's own log writes must not be recorded or refused.
const appendFileSync = fs.appendFileSync.bind(fs);
function record(list, kind, what) {
  list.push(what);
  if (log) appendFileSync(log, `${kind}\t${what}\n`);
}

function forbid(mod, modName, names) {
  for (const name of names) {
    if (typeof mod[name] !== "function") continue;
    mod[name] = function forbidden(...args) {
      const first = typeof args[0] === "string" ? args[0] : JSON.stringify(args[0] ?? null);
      record(calls, "call", `${modName}.${name} ${String(first).slice(0, 120)}`);
      throw new Error(`security guard: ${modName}.${name} is not allowed`);
    };
  }
}

forbid(require("node:child_process"), "child_process", [
  "spawn",
  "spawnSync",
  "exec",
  "execSync",
  "execFile",
  "execFileSync",
  "fork",
]);
const net = require("node:net");
forbid(net, "net", ["connect", "createConnection", "createServer"]);
forbid(net.Socket.prototype, "net.Socket", ["connect"]);
forbid(require("node:tls"), "tls", ["connect", "createServer"]);
forbid(require("node:http"), "http", ["request", "get", "createServer"]);
forbid(require("node:https"), "https", ["request", "get", "createServer"]);
forbid(require("node:http2"), "http2", ["connect", "createServer"]);
forbid(require("node:dgram"), "dgram", ["createSocket"]);
forbid(require("node:dns"), "dns", ["lookup", "resolve"]);
forbid(globalThis, "globalThis", ["fetch", "WebSocket"]);

// File reads: recorded (not refused), so a test can check each path against the workspace root.
function watchReads(mod, modName, names) {
  for (const name of names) {
    const original = mod[name];
    if (typeof original !== "function") continue;
    mod[name] = function watched(path, ...rest) {
      if (recordingReads && (typeof path === "string" || path instanceof URL))
        record(reads, "read", `${modName}.${name} ${String(path)}`);
      return original.call(this, path, ...rest);
    };
  }
}
watchReads(fs, "fs", ["readFileSync", "readFile", "openSync", "open", "createReadStream", "readdirSync", "readdir"]);
watchReads(fs.promises, "fs.promises", ["readFile", "open", "readdir"]);

// ESM importers (`import { spawn } from "node:child_process"`) see the replaced functions too.
syncBuiltinESMExports();

module.exports = {
  calls,
  reads,
  /** Records file reads from now until the returned function is called. */
  recordReads() {
    recordingReads = true;
    return () => {
      recordingReads = false;
    };
  },
};
