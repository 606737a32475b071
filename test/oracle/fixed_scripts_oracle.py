"""Real-Python oracle for the golden quick-fixes (test/fixtures/rules/golden/cases.json).

For every case, both the .before.py and the .after.py must parse with Python's own parser. For
PyTorch cases ("torch": true) both files are imported (their training sits behind
`if __name__ == "__main__":`) and build_model() is built under real PyTorch: the fix must not
change the parameter count, nor the state_dict's keys (checkpoints stay loadable), and the fixed
model must survive copy.deepcopy (which quantize_dynamic and EMA/teacher copies call). Masked
modules (a 2:4 mask buffer, or torch.nn.utils.prune) report the largest number of non-zeros in any
group of 4 weights (2 for the 2:4 pattern); with "trainInput" (a shape), the fixed model is also
trained 3 AdamW steps on random input of that shape and reports it again. Cases with "export": true run
export(build_model(), "model.pt") (or the case's "exportPath", its folder made first) of the fixed
file in a scratch folder and list the files it wrote, by path relative to that folder, with their sizes. Prints one JSON object; run by test/oracle/fixed_scripts.test.ts.
"""
import ast
import copy
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
    """Largest non-zero count per group of 4 weights over the masked modules, or None if none is masked."""
    worst = None
    for module in model.modules():
        if getattr(module, "weight_mask_2to4", None) is None and getattr(module, "weight_mask", None) is None:
            continue
        groups = (module.weight.detach().reshape(-1, 4) != 0).sum(dim=1)
        worst = max(worst or 0, int(groups.max()))
    return worst


def deep_copies(model):
    try:
        copy.deepcopy(model)
        return True
    except RuntimeError:
        return False


def train_a_little(model, shape, torch):
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    for _ in range(3):
        optimizer.zero_grad()
        model(torch.randn(*shape)).float().pow(2).mean().backward()
        optimizer.step()


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
    keys = {}
    for key, path in paths.items():
        module = load(path, f"golden_{case['name']}_{key}")
        model = module.build_model()
        out[f"params_{key}"] = sum(p.numel() for p in model.parameters())
        out[f"max_nonzero_per_4_{key}"] = pattern(model)
        out[f"deepcopy_{key}"] = deep_copies(model)
        keys[key] = sorted(model.state_dict().keys())
        if key == "after" and case.get("trainInput"):
            train_a_little(model, case["trainInput"], torch)
            out["max_nonzero_per_4_trained"] = pattern(model)
            out["deepcopy_trained"] = deep_copies(model)
        if key == "after" and case.get("export"):
            cwd = os.getcwd()
            with tempfile.TemporaryDirectory() as scratch:
                os.chdir(scratch)
                try:
                    target = case.get("exportPath", "model.pt")
                    if os.path.dirname(target):
                        os.makedirs(os.path.dirname(target))
                    module.export(model, target)
                    out["export_files"] = {
                        os.path.relpath(os.path.join(root, n), scratch).replace(os.sep, "/"): os.path.getsize(
                            os.path.join(root, n)
                        )
                        for root, _, names in os.walk(scratch)
                        for n in sorted(names)
                    }
                finally:
                    os.chdir(cwd)
    out["state_dict_keys_same"] = keys["before"] == keys["after"]
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
