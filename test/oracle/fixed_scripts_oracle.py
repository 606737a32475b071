"""Real-Python oracle for the golden quick-fixes (test/fixtures/rules/golden/cases.json).

For every case, both the .before.py and the .after.py must parse with Python's own parser. For
PyTorch cases ("torch": true) both files are imported (their training sits behind
`if __name__ == "__main__":`) and build_model() is built under real PyTorch: the fix must not
change the parameter count. Modules pruned with torch.nn.utils.prune report the largest number
of non-zeros in any group of 4 weights (2 for the 2:4 pattern). Cases with "export": true run
export(build_model(), "model.pt") of the fixed file in a scratch folder and list the files it
wrote with their sizes. Prints one JSON object; run by test/oracle/fixed_scripts.test.ts.
"""
import ast
import importlib.util
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "fixtures", "rules", "golden")


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pattern(model):
    """Largest non-zero count per group of 4 weights over the pruned modules, or None if none is pruned."""
    worst = None
    for module in model.modules():
        mask = getattr(module, "weight_mask", None)
        if mask is None:
            continue
        groups = (module.weight.detach().reshape(-1, 4) != 0).sum(dim=1)
        worst = max(worst or 0, int(groups.max()))
    return worst


def run_case(case, torch):
    out = {"name": case["name"]}
    paths = {k: os.path.join(GOLDEN, f"{case['name']}.{k}.py") for k in ("before", "after")}
    for key, path in paths.items():
        with open(path, encoding="utf-8") as f:
            ast.parse(f.read(), filename=path)
        out[f"{key}_parses"] = True
    if not case.get("torch"):
        return out
    torch.manual_seed(0)
    for key, path in paths.items():
        module = load(path, f"golden_{case['name']}_{key}")
        model = module.build_model()
        out[f"params_{key}"] = sum(p.numel() for p in model.parameters())
        out[f"max_nonzero_per_4_{key}"] = pattern(model)
        if key == "after" and case.get("export"):
            cwd = os.getcwd()
            with tempfile.TemporaryDirectory() as scratch:
                os.chdir(scratch)
                try:
                    module.export(model, "model.pt")
                    out["export_files"] = {n: os.path.getsize(n) for n in sorted(os.listdir(scratch))}
                finally:
                    os.chdir(cwd)
    return out


def main():
    import torch

    torch.set_num_threads(1)
    with open(os.path.join(GOLDEN, "cases.json"), encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    result = {"torch": torch.__version__, "python": sys.version.split()[0], "cases": [run_case(c, torch) for c in cases]}
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
