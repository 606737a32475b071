// layers.expected.json must be what real PyTorch says today: regenerate it in memory with
// layer_cases.py --check and fail on any drift, so no layer or function number is typed by hand.
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
  "layers.expected.json matches a fresh run of the layer/function oracle",
  { skip: version === null ? `${PYTHON} cannot import torch (install Debian python3-torch)` : false, timeout: 300_000 },
  () => {
    const r = spawnSync(PYTHON, [join("test", "oracle", "layer_cases.py"), "--check"], {
      encoding: "utf8",
      timeout: 240_000,
    });
    assert.equal(r.status, 0, `torch ${version}: layer oracle drift or failure\n${r.stderr.slice(-2000)}\n${r.stdout}`);
  },
);
