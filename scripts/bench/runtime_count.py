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
from torch_oracle import CASES, build_case  # noqa: E402

with open(CASES) as f:
    cases = json.load(f)["cases"]
builds = 0
for case in cases:
    # The oracle's own builder (its folder as the working directory, stand-ins for libraries such as
    # gymnasium that only size the network): the manifest's code, never user input.
    model = build_case(case)
    sum(p.numel() for p in model.parameters())
    builds += 1
T_END = time.perf_counter()
print(json.dumps({"importTorchMs": (T_IMPORT - T0) * 1e3, "buildAndCountMs": (T_END - T_IMPORT) * 1e3, "models": builds, "torch": torch.__version__}))
