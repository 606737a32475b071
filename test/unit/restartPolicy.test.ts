// The client's restart policy for a dead language server: bounded restarts inside a time window,
// a message each time, a final message naming the manual restart command, and a reset after it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  MAX_RESTARTS,
  MAX_TRANSPORT_ERRORS,
  RESTART_WINDOW_MS,
  RestartPolicy,
} from "../../extension/src/restartPolicy";

const MINUTE = 60_000;

test("restarts a crashed server up to the bound within the window, saying so each time, then stops", () => {
  const policy = new RestartPolicy();
  for (let i = 1; i <= MAX_RESTARTS; i++) {
    const d = policy.onClose(i * 1000);
    assert.equal(d.restart, true, `crash ${i}`);
    assert.match(d.message, new RegExp(`restarting it \\(restart ${i} of ${MAX_RESTARTS} within 3 minutes\\)`));
  }
  const last = policy.onClose(MAX_RESTARTS * 1000 + 1000);
  assert.equal(last.restart, false);
  assert.match(last.message, /stopped 5 times within 3 minutes and will not be restarted/);
  assert.match(last.message, /"Footprint: Restart Language Server"/);
});

test("the final message names a command the extension contributes, by its title", () => {
  const pkg = JSON.parse(readFileSync(join(process.cwd(), "package.json"), "utf8"));
  const cmd = pkg.contributes.commands.find((c: { command: string }) => c.command === "footprint.restartServer");
  assert.ok(cmd, "footprint.restartServer is contributed");
  const policy = new RestartPolicy(0);
  assert.ok(policy.onClose(0).message.includes(`"${cmd.category}: ${cmd.title}"`));
});

test("crashes older than the window do not count: a server crashing rarely is always restarted", () => {
  const policy = new RestartPolicy();
  for (let i = 0; i < 20; i++) {
    assert.equal(policy.onClose(i * (RESTART_WINDOW_MS / (MAX_RESTARTS - 1))).restart, true, `crash ${i + 1}`);
  }
});

test("crashes bunched after a quiet spell count only inside the window", () => {
  const policy = new RestartPolicy(2, 3 * MINUTE);
  assert.equal(policy.onClose(0).restart, true);
  assert.equal(policy.onClose(1 * MINUTE).restart, true);
  assert.equal(policy.onClose(2 * MINUTE).restart, false);
  // Four minutes on, the crashes at 0 and 1 minute have left the window: one more restart allowed.
  assert.equal(policy.onClose(4 * MINUTE + 1).restart, true);
});

test("a manual restart resets the count", () => {
  const policy = new RestartPolicy(1);
  assert.equal(policy.onClose(0).restart, true);
  assert.equal(policy.onClose(1).restart, false);
  policy.reset();
  assert.equal(policy.onClose(2).restart, true);
});

test("transport errors: continue for the first few, then shut the connection down", () => {
  const policy = new RestartPolicy();
  for (let c = 1; c <= MAX_TRANSPORT_ERRORS; c++) assert.equal(policy.onError(c), "continue");
  assert.equal(policy.onError(MAX_TRANSPORT_ERRORS + 1), "shutdown");
  assert.equal(policy.onError(undefined), "shutdown");
});
