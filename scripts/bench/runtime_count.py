"""Runtime counting, the way a user without Footprint Lint gets the numbers: import torch, build each
fixture model, count its parameters. Prints one JSON line of timings for scripts/bench/runtimeBench.ts.
Reuses the oracle's fixture importer so both see the same models."""

import json
import os
import sys
import time

T0 = time.perf_counter()
import torch  # noqa: E402  (timed on purpose: part of what runtime counting costs)

T_IMPORT = time.perf_counter()
HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE = os.path.join(os.path.dirname(os.path.dirname(HERE)), "test", "oracle")
sys.path.insert(0, ORACLE)
from torch_oracle import CASES, import_fixture  # noqa: E402

with open(CASES) as f:
    cases = json.load(f)["cases"]
builds = 0
for case in cases:
    module = import_fixture(case["file"])
    # The module's own namespace, as the oracle does: a setup that swaps a builder for one without
    # pretrained weights must be seen by the fixture's functions, which look names up there.
    scope = vars(module)
    if case.get("setup"):
        exec(case["setup"], scope)  # the oracle's own manifest code, never user input
    model = eval(case["build"], scope)  # noqa: S307 - same: the committed manifest's expression
    sum(p.numel() for p in model.parameters())
    builds += 1
T_END = time.perf_counter()
print(json.dumps({"importTorchMs": (T_IMPORT - T0) * 1e3, "buildAndCountMs": (T_END - T_IMPORT) * 1e3, "models": builds, "torch": torch.__version__}))
