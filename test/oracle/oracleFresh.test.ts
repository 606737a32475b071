// expected.json must be what real PyTorch says today: regenerate it in memory with torch_oracle.py
// --check and fail on any drift, so no number in it can be typed or edited by hand.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { it } from "node:test";

const PYTHON = "/usr/bin/python3";

function torchVersion(): string | null {
  const r = spawnSync(PYTHON, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8", timeout: 60_000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

const version = torchVersion();

it(
  "expected.json matches a fresh run of the PyTorch oracle",
  { skip: version === null ? `${PYTHON} cannot import torch (install Debian python3-torch)` : false, timeout: 900_000 },
  () => {
    const r = spawnSync(PYTHON, [join("test", "oracle", "torch_oracle.py"), "--check"], {
      encoding: "utf8",
      timeout: 840_000,
    });
    assert.equal(r.status, 0, `torch ${version}: oracle drift or failure\n${r.stderr}\n${r.stdout.slice(-2000)}`);
  },
);
