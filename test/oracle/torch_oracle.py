"""Generates test/oracle/expected.json: true params and forward MACs of every fixture model, from real PyTorch.

For each case in cases.json the fixture file is imported as a module (its folder first on sys.path,
__name__ != "__main__", sys.argv reset so module-level argparse sees no flags), the case's `build`
expression is evaluated in that module to get the model, and then:
- params / trainable: sum over named_parameters() (tied weights counted once, as torch reports them);
- forward MACs per sample: torch_counter.count_forward on a batch of 2 in eval mode with grad enabled
  (so MultiheadAttention/TransformerEncoderLayer take their ordinary, decomposed path), divided by 2;
  a case marked "perCallOps" (its forward multiplies weights by weights, e.g. a LoRA merge B @ A) is also
  counted on a batch of 4: per sample is the slope (M4 - M2) / 2 and perCallMacs the rest, M2 - 2 x slope,
  the MACs that run once per forward call whatever the batch;
- per-layer: each module that owns parameters or ran MACs itself (own params with tied weights at
  their first owner, own MACs per sample, calls);
- a cross-check against torch.profiler(with_flops=True), recorded for the docs, never a gate.

Usage: /usr/bin/python3 test/oracle/torch_oracle.py          # rewrite expected.json
       /usr/bin/python3 test/oracle/torch_oracle.py --check  # regenerate in memory, exit 1 on drift
       /usr/bin/python3 test/oracle/torch_oracle.py --only ID # one case, printed, nothing written
"""

from __future__ import annotations

import argparse
import importlib.abc
import importlib.util
import json
import os
import sys
import types
import warnings
from typing import Any, Dict, List, Optional

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from torch_counter import count_forward  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(REPO, "test", "fixtures", "torch")
CASES = os.path.join(HERE, "cases.json")
EXPECTED = os.path.join(HERE, "expected.json")
BATCH = 2

# Data/logging libraries some fixtures import at the top but never touch while building or running
# the model; when this machine lacks one, the import gets an inert stand-in (any use raises).
# Config launchers (omegaconf, hydra) are stand-ins too: the model is rebuilt by each case's `build` from
# the same config files, and `@hydra.main` only wraps main(), which the oracle never calls.
DATA_ONLY_MODULES = {"pandas", "h5py", "tqdm", "wandb", "sklearn", "matplotlib", "torchaudio", "torchinfo", "torchsummary", "omegaconf", "hydra"}
PASS_THROUGH_DECORATORS = {"hydra.main"}


class _AbsentName:
    """`from pandas import read_csv` binds one of these; calling it means the model needed the library."""

    def __init__(self, qualname: str) -> None:
        self.qualname = qualname

    def __call__(self, *args, **kwargs):
        if self.qualname in PASS_THROUGH_DECORATORS:
            return lambda f: f
        raise RuntimeError(f"{self.qualname} called while building the model; the oracle lacks that library")

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _AbsentName(f"{self.qualname}.{attr}")


class _Absent(types.ModuleType):
    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _AbsentName(f"{self.__name__}.{attr}")


class _AbsentFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    # Appended last to sys.meta_path, so it is only asked when no real finder has the module.
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] not in DATA_ONLY_MODULES:
            return None
        return importlib.util.spec_from_loader(name, self)

    def create_module(self, spec):
        mod = _Absent(spec.name)
        mod.__path__ = []  # a package, so `from hydra.utils import instantiate` finds a stand-in too
        return mod

    def exec_module(self, module):
        pass


sys.meta_path.append(_AbsentFinder())
# Config libraries a fixture's model depends on (yacs's CfgNode holds the sizes): small stand-ins in
# standins/, searched after every real package so an installed one wins.
sys.path.append(os.path.join(HERE, "standins"))


def import_fixture(rel: str):
    """Imports a fixture file the way `python file.py` would see its siblings, minus the main guard."""
    path = os.path.join(FIXTURES, rel)
    folder = os.path.dirname(path)
    # Fixtures reuse package names (`models`): drop any module loaded from the fixture tree before.
    for name, mod in list(sys.modules.items()):
        f = getattr(mod, "__file__", None) or ""
        if f.startswith(FIXTURES + os.sep):
            del sys.modules[name]
    sys.path.insert(0, folder)
    saved_argv = sys.argv
    sys.argv = [path]
    try:
        spec = importlib.util.spec_from_file_location("fixture_under_test", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.argv = saved_argv
        sys.path.remove(folder)
    return module


def make_inputs(specs: List[Dict[str, Any]], batch: int = BATCH) -> List[torch.Tensor]:
    gen = torch.Generator().manual_seed(0)
    out = []
    for s in specs:
        # batchDim 1: a sequence-first input, (sequence, batch, ...), as batch_first=False layers read it.
        at = int(s.get("batchDim", 0))
        shape = [*s["shape"][:at], batch, *s["shape"][at:]]
        if s.get("dtype") == "long":
            out.append(torch.randint(0, int(s["high"]), shape, generator=gen))
        else:
            out.append(torch.randn(shape, generator=gen))
    return out


def own_params(model: torch.nn.Module) -> Dict[str, Dict[str, int]]:
    """Params per module path, each tensor credited to the first module that names it (like named_parameters)."""
    owners: Dict[str, Dict[str, int]] = {}
    for name, p in model.named_parameters():
        path = name.rsplit(".", 1)[0] if "." in name else ""
        rec = owners.setdefault(path, {"params": 0, "trainable": 0})
        rec["params"] += p.numel()
        if p.requires_grad:
            rec["trainable"] += p.numel()
    return owners


def profiler_flops(model: torch.nn.Module, inputs: List[torch.Tensor]) -> Optional[int]:
    try:
        from torch.profiler import ProfilerActivity, profile

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with profile(activities=[ProfilerActivity.CPU], with_flops=True) as prof:
                model(*inputs)
        return int(sum(e.flops for e in prof.key_averages() if e.flops))
    except Exception:  # the profiler is a documentation cross-check only
        return None


def split_per_call(case: Dict[str, Any], model: torch.nn.Module, forward: Any, at2: Any) -> Any:
    """Counts again on a batch of 4; returns the batch-2 count with the per-call MACs taken out (so it is
    2 x the per-sample slope) and the per-call MACs by module path ("*total*" for the whole forward)."""
    inputs4 = make_inputs(case["inputs"], 2 * BATCH)
    with torch.enable_grad():
        at4 = count_forward(model, lambda: forward(*inputs4))

    def split(m2: int, m4: int) -> Any:
        slope = (m4 - m2) // BATCH  # per sample; (m4 - m2) is BATCH more samples
        assert slope * BATCH == m4 - m2, f"{case['id']}: MACs not linear in the batch"
        return slope * BATCH, m2 - slope * BATCH

    per_call: Dict[str, int] = {}
    at2.total_macs, per_call["*total*"] = split(at2.total_macs, at4.total_macs)
    for op in at2.by_op:
        at2.by_op[op], _ = split(at2.by_op[op], at4.by_op.get(op, 0))
    for path, rec in at2.modules.items():
        rec4 = at4.modules.get(path)
        rec.own_macs, per_call[path] = split(rec.own_macs, rec4.own_macs if rec4 else 0)
    return at2, per_call


def stub_modules(names: List[str]) -> List[str]:
    """Empty stand-ins for libraries the fixture imports but its model never uses (gymnasium in an
    RL script: the environment only sizes the network, which `setup` does from documented spaces)."""
    added = []
    for name in names:
        if name not in sys.modules:
            sys.modules[name] = types.ModuleType(name)
            added.append(name)
    return added


def build_case(case: Dict[str, Any]) -> Any:
    """The case's model, built the way the script builds it (scripts/bench/runtime_count.py too)."""
    # A project is launched from its own folder: its relative config paths (`open("config.json")`)
    # and by-name imports in setup/build (`importlib.import_module("models." + arch)`) resolve there.
    folder = os.path.dirname(os.path.join(FIXTURES, case["file"]))
    cwd = os.getcwd()
    os.chdir(folder)
    sys.path.insert(0, folder)
    stubs = stub_modules(case.get("stubModules", []))
    try:
        try:
            module = import_fixture(case["file"])
        finally:
            for name in stubs:
                del sys.modules[name]
        ns = vars(module)
        if case.get("setup"):
            exec(case["setup"], ns)
        model = eval(case["build"], ns)
    finally:
        sys.path.remove(folder)
        os.chdir(cwd)
    return model


def run_case(case: Dict[str, Any], with_profiler: bool) -> Dict[str, Any]:
    torch.manual_seed(0)
    model = build_case(case)
    assert isinstance(model, torch.nn.Module), f"{case['id']}: build gave {type(model).__name__}"

    params = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    owners = own_params(model)
    result: Dict[str, Any] = {
        "id": case["id"],
        "file": case["file"],
        "model": case["model"],
        "className": type(model).__name__,
        "params": params,
        "trainableParams": trainable,
        "inputs": case["inputs"],
        "forwardMacs": None,
        "layers": [],
    }
    if case.get("published"):
        result["published"] = case["published"]

    model.eval()
    counted = None
    # Module path -> MACs per forward call that do not scale with the batch ("perCallOps" cases only).
    per_call: Dict[str, int] = {}
    if case["inputs"] is not None:
        inputs = make_inputs(case["inputs"])
        # A module without forward is run through the method the script calls ("method").
        forward = getattr(model, case["method"]) if case.get("method") else model
        with torch.enable_grad():
            counted = count_forward(model, lambda: forward(*inputs))
        whole = counted.total_macs  # what the profiler sees: per-call MACs included
        if case.get("perCallOps"):
            counted, per_call = split_per_call(case, model, forward, counted)
            result["perCallMacs"] = per_call.pop("*total*")
        assert counted.total_macs % BATCH == 0, f"{case['id']}: MACs not divisible by the batch"
        result["forwardMacs"] = counted.total_macs // BATCH
        result["macsByOp"] = {k: v // BATCH for k, v in sorted(counted.by_op.items())}
        if with_profiler:
            with torch.enable_grad():  # same path as the count (no fused no-grad attention kernels)
                prof = profiler_flops(forward, inputs)
            result["profilerFlopsRatio"] = (
                round(prof / (2 * whole), 4) if prof is not None and whole else None
            )

    for path, mod in model.named_modules():
        own = owners.get(path, {"params": 0, "trainable": 0})
        rec = counted.modules.get(path) if counted else None
        macs = rec.own_macs // BATCH if rec else None
        if own["params"] == 0 and not macs:
            continue
        result["layers"].append(
            {
                "path": path,
                "type": type(mod).__name__,
                "params": own["params"],
                "trainableParams": own["trainable"],
                "macs": macs,
                "calls": rec.calls if rec else 0,
                **({"perCallMacs": per_call[path]} if per_call.get(path) else {}),
                "inputShape": rec.input_shape[1:] if rec and rec.input_shape else None,
                "outputShape": rec.output_shape[1:] if rec and rec.output_shape else None,
            }
        )
    return result


def generate(only: Optional[str] = None, with_profiler: bool = True) -> Dict[str, Any]:
    with open(CASES) as f:
        cases = json.load(f)["cases"]
    results = []
    for case in sorted(cases, key=lambda c: c["id"]):
        if only and case["id"] != only:
            continue
        results.append(run_case(case, with_profiler))
    return {
        "about": "Generated by test/oracle/torch_oracle.py from cases.json with real PyTorch; do not edit. "
        "MACs per sample (FLOPs = 2 x MACs), counted at the aten level by torch_counter.py.",
        "torch": torch.__version__,
        "cases": results,
    }


def dumps(doc: Dict[str, Any]) -> str:
    return json.dumps(doc, indent=1, sort_keys=True) + "\n"


def gate_view(doc: Dict[str, Any]) -> Dict[str, Any]:
    """What --check compares: everything except the profiler ratio (a documentation cross-check)."""
    view = json.loads(json.dumps(doc))
    for c in view.get("cases", []):
        c.pop("profilerFlopsRatio", None)
    return view


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true", help="exit 1 when expected.json is out of date")
    ap.add_argument("--only", help="run one case id and print it")
    args = ap.parse_args()
    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))

    if args.only:
        print(dumps(generate(args.only)))
        return 0
    doc = generate(with_profiler=not args.check)  # the profiler ratio is not compared: skip its run
    if args.check:
        try:
            with open(EXPECTED) as f:
                committed = json.load(f)
        except FileNotFoundError:
            print("expected.json is missing: run without --check to generate it", file=sys.stderr)
            return 1
        if dumps(gate_view(committed)) != dumps(gate_view(doc)):
            old = {c["id"]: c for c in committed.get("cases", [])}
            for c in doc["cases"]:
                o = old.get(c["id"])
                if o is None or gate_view({"cases": [o]}) != gate_view({"cases": [c]}):
                    print(f"drift: {c['id']}", file=sys.stderr)
            missing = set(old) - {c["id"] for c in doc["cases"]}
            for m in sorted(missing):
                print(f"drift: {m} (no longer in cases.json)", file=sys.stderr)
            if committed.get("torch") != doc["torch"]:
                print(f"torch {committed.get('torch')} -> {doc['torch']}", file=sys.stderr)
            return 1
        print(f"expected.json up to date ({len(doc['cases'])} cases, torch {doc['torch']})")
        return 0
    with open(EXPECTED, "w") as f:
        f.write(dumps(doc))
    print(f"wrote {EXPECTED} ({len(doc['cases'])} cases, torch {doc['torch']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
