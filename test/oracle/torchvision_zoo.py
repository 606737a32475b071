"""Generates the torchvision part of the model zoo from real torchvision (Debian python3-torchvision).

For every classification model torchvision lists (plus the detection/segmentation models people
fine-tune most) it builds the model with weights=None — nothing is downloaded — and records:
- parameters at the default class count and at num_classes=10 (torchvision rebuilds the head), the
  head modules whose shapes depend on the class count, their input width, and the per-class delta;
- parameters per top-level child (so the analyzer can price a frozen backbone);
- forward multiply-accumulates per sample at a grid of square resolutions, counted at the aten level
  by test/oracle/torch_counter.py on the meta device (shapes only, no arithmetic, so it is fast), with
  the head's MACs per class so any num_classes is exact; the default resolution is the crop size of
  torchvision's DEFAULT weights (the size a pretrained model expects);
- torchvision's own published metadata of each weights enum (num_params, ImageNet acc@1/acc@5,
  crop size), which the unit tests check against the built model;
- for models whose forward is a chain of their top-level children (see chain_rows), each child's MACs
  and input/output shapes at every side, so a replaced stem or a child called on its own is priced.

Usage: /usr/bin/python3 test/oracle/torchvision_zoo.py          (writes the JSON)
       /usr/bin/python3 test/oracle/torchvision_zoo.py --check  (regenerates, fails on drift)
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import warnings
from typing import Any, Dict, List, Optional, Tuple

import torch
import torchvision
import torchvision.models as tvm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_counter import count_forward  # noqa: E402

warnings.filterwarnings("ignore")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "server/src/analysis/frameworks/zoo/data/torchvision.json")
GROUND_TRUTH = os.path.join(ROOT, "server/src/analysis/frameworks/zoo/data/model_ground_truth.csv")

# Square input sides at which MACs are counted exactly; the default crop size is added per model.
RESOLUTIONS = [32, 64, 96, 128, 160, 192, 224, 256, 288, 299, 320, 384, 448, 512]
SMALL_CLASSES = 10
# A chain row is written on one line (json.dumps gives each number its own line otherwise).
CHAIN_MARK = "@chain-row@"

# Detection / segmentation models commonly fine-tuned: builder kwargs that avoid any download, the
# class-count keyword, and how their MACs are counted (see count_detection).
DENSE_MODELS: Dict[str, Dict[str, Any]] = {
    "fasterrcnn_resnet50_fpn": {"kind": "detection", "kwargs": {"weights_backbone": None}},
    "deeplabv3_resnet50": {"kind": "segmentation", "kwargs": {"weights_backbone": None}},
}


def param_count(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def own_param_count(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters(recurse=False))


_INIT_FUNCTIONS = [
    "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_", "eye_", "dirac_", "xavier_uniform_",
    "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "orthogonal_", "sparse_",
]


def skip_weight_init() -> None:
    """Weight values never matter here (counts and meta-device shapes only), and initialising the
    600M-parameter models dominates the run time, so torch.nn.init's fillers become no-ops."""
    for fn in _INIT_FUNCTIONS:
        setattr(torch.nn.init, fn, lambda tensor, *args, **kwargs: tensor)


def build(name: str, **kwargs: Any) -> torch.nn.Module:
    return tvm.get_model(name, weights=None, **kwargs).eval()


def head_modules(big: torch.nn.Module, small: torch.nn.Module) -> List[Dict[str, Any]]:
    """Modules whose own parameter shapes change with the class count: the classifier head(s)."""
    small_mods = dict(small.named_modules())
    heads = []
    for path, mod in big.named_modules():
        other = small_mods.get(path)
        if other is None or own_param_count(mod) == own_param_count(other):
            continue
        if own_param_count(mod) == 0:
            continue
        entry: Dict[str, Any] = {
            "path": path,
            "type": type(mod).__name__,
            "params": own_param_count(mod),
            "paramsAt10": own_param_count(other),
        }
        if isinstance(mod, torch.nn.Linear):
            entry["inFeatures"] = mod.in_features
            entry["outFeatures"] = mod.out_features
            entry["bias"] = mod.bias is not None
        elif isinstance(mod, torch.nn.Conv2d):
            entry["inFeatures"] = mod.in_channels
            entry["outFeatures"] = mod.out_channels
            entry["kernelSize"] = list(mod.kernel_size)
            entry["bias"] = mod.bias is not None
        heads.append(entry)
    return heads


def children_table(
    model: torch.nn.Module, macs_by_path: Optional[Dict[str, int]], conv_by_path: Optional[Dict[str, int]] = None
) -> List[Dict[str, Any]]:
    """Top-level children: parameters, and at the default resolution their MACs and the part of them
    in convolutions (cuDNN runs those in TF32 by default; matmuls stay FP32)."""
    rows = []
    for name, child in model.named_children():
        row: Dict[str, Any] = {"path": name, "type": type(child).__name__, "params": param_count(child)}
        if macs_by_path is not None:
            row["macs"] = subtree_sum(macs_by_path, name)
        if conv_by_path is not None:
            row["convMacs"] = subtree_sum(conv_by_path, name)
        rows.append(row)
    return rows


def subtree_sum(by_path: Dict[str, int], prefix: str) -> int:
    """The sum over the module at `prefix` and everything below it."""
    return sum(v for p, v in by_path.items() if p == prefix or p.startswith(prefix + "."))


def count_meta_split(model: torch.nn.Module, side: int) -> Tuple[int, Dict[str, int], Dict[str, int]]:
    """MACs of one forward of a 1x3xSxS input on the meta device (shapes only): the total, and per
    module path its own MACs and its own MACs in convolutions."""
    total, own, conv, _ = count_meta_records(model, side)
    return total, own, conv


def count_meta_records(model: torch.nn.Module, side: int) -> Tuple[int, Dict[str, int], Dict[str, int], Any]:
    """count_meta_split plus the counter's per-module records (calls, input/output shapes) and the order
    in which the top-level children were called."""
    x = torch.empty(1, 3, side, side, device="meta")
    order: List[str] = []
    handles = [
        child.register_forward_pre_hook(lambda _m, _i, name=name: order.append(name))
        for name, child in model.named_children()
    ]
    try:
        result = count_forward(model, lambda: model(x))
    finally:
        for h in handles:
            h.remove()
    own = {p: r.own_macs for p, r in result.modules.items()}
    conv = {p: r.own_conv_macs for p, r in result.modules.items()}
    return result.total_macs, own, conv, (result.modules, order)


def chain_rows(
    model: torch.nn.Module, side: int, records: Any, by_path: Dict[str, int], heads: List[Dict[str, Any]]
) -> Optional[Tuple[List[List[Any]], List[str]]]:
    """Per top-level child at this side: [MACs without the class-count heads below it, input shape,
    output shape] (shapes without the batch), and the children whose input is the previous output
    flattened (torch.flatten(x, 1) in the forward) -- or None unless the forward is such a chain: each
    child called once, in registration order, the first on the image, each next one on the previous
    output (or its flatten), the model returning the last output. Only then does swapping a child and
    pricing the others by their input shape describe the model (ResNet's stem swap for CIFAR)."""
    modules, order = records
    names = [name for name, _ in model.named_children()]
    if order != names:
        return None
    rows: List[List[Any]] = []
    flatten: List[str] = []
    prev = [1, 3, side, side]
    for name in names:
        rec = modules[name]
        if rec.calls != 1 or rec.input_shape is None or rec.output_shape is None:
            return None
        if rec.input_shape != prev:
            numel = 1
            for d in prev[1:]:
                numel *= d
            if rec.input_shape != [1, numel]:
                return None
            flatten.append(name)
        head_macs = sum(by_path.get(h["path"], 0) for h in heads if h["path"] == name or h["path"].startswith(name + "."))
        rows.append([subtree_sum(by_path, name) - head_macs, rec.input_shape[1:], rec.output_shape[1:]])
        prev = rec.output_shape
    if modules[""].output_shape != prev:
        return None
    return rows, flatten


def count_meta(model: torch.nn.Module, side: int) -> Tuple[int, Dict[str, int]]:
    """MACs of one forward of a 1x3xSxS input on the meta device: the total and per module path its own."""
    total, own, _ = count_meta_split(model, side)
    return total, own


def published_weights(name: str) -> List[Dict[str, Any]]:
    rows = []
    for w in tvm.get_model_weights(name):
        meta = w.meta
        row: Dict[str, Any] = {"name": w.name, "numParams": meta["num_params"]}
        transforms = w.transforms()
        crop = getattr(transforms, "crop_size", None)
        if crop is not None:
            row["cropSize"] = int(crop[0])
        resize = getattr(transforms, "resize_size", None)
        if resize is not None and getattr(transforms, "crop_size", None) is not None:
            row["resizeSize"] = int(resize[0])
        for dataset, metrics in meta.get("_metrics", {}).items():
            row["dataset"] = dataset
            for key, value in metrics.items():
                row[key.replace("@", "")] = value
        if w is tvm.get_model_weights(name).DEFAULT:
            row["default"] = True
        rows.append(row)
    return rows


def ground_truth() -> Dict[str, Dict[str, str]]:
    import csv

    rows: Dict[str, Dict[str, str]] = {}
    with open(GROUND_TRUTH, newline="") as f:
        for row in csv.DictReader(f):
            if row["framework"] == "torchvision":
                rows[row["model"]] = row
    return rows


def default_resolution(name: str) -> int:
    default = tvm.get_model_weights(name).DEFAULT
    crop = getattr(default.transforms(), "crop_size", None)
    return int(crop[0]) if crop else 224


def classification_entry(name: str, truth: Dict[str, Dict[str, str]]) -> Dict[str, Any]:
    big = build(name)
    small = build(name, num_classes=SMALL_CLASSES)
    heads = head_modules(big, small)
    params, params10 = param_count(big), param_count(small)
    weights = published_weights(name)
    image_size = getattr(big, "image_size", None)
    default_side = int(image_size) if image_size else default_resolution(name)

    big_meta, small_meta = big.to("meta"), small.to("meta")
    macs: Dict[str, Dict[str, int]] = {}
    failed: List[int] = []
    default_by_path: Optional[Dict[str, int]] = None
    default_conv: Optional[Dict[str, int]] = None
    chain: Optional[Dict[str, Any]] = {"flatten": [], "sides": {}}
    for side in sorted(set(RESOLUTIONS + [default_side])):
        try:
            total, by_path, conv_by_path, records = count_meta_records(big_meta, side)
        except Exception:  # too small for the strides, or a model with a fixed input size
            failed.append(side)
            continue
        rows = chain_rows(big_meta, side, records, by_path, heads) if chain is not None else None
        if rows is None or (chain["sides"] and rows[1] != chain["flatten"]):
            chain = None
        elif chain is not None:
            chain["flatten"] = rows[1]
            chain["sides"][str(side)] = CHAIN_MARK + json.dumps(rows[0])
        # Head MACs are linear in the class count (one output unit per class), so per class is exact.
        per_class = 0
        for head in heads:
            head_macs = by_path.get(head["path"], 0)
            if head_macs % head["outFeatures"] != 0:
                raise AssertionError(f"{name}@{side}: head {head['path']} MACs not a multiple of its outputs")
            per_class += head_macs // head["outFeatures"]
        macs[str(side)] = {"macs": total, "headMacsPerClass": per_class}
        if side == default_side:
            default_by_path, default_conv = by_path, conv_by_path
            # Cross-check the per-class rule against a real num_classes=10 build at this one size.
            total10, _ = count_meta(small_meta, side)
            if total - total10 != per_class * (1000 - SMALL_CLASSES):
                raise AssertionError(f"{name}: num_classes=10 MACs {total10} break the per-class rule")

    if (params - params10) % (1000 - SMALL_CLASSES) != 0:
        raise AssertionError(f"{name}: head params are not linear in the class count")
    entry: Dict[str, Any] = {
        "kind": "classification",
        "builder": type(big).__name__,
        "defaultNumClasses": 1000,
        "params": params,
        "paramsAt10Classes": params10,
        "headParamsPerClass": (params - params10) // (1000 - SMALL_CLASSES),
        "heads": heads,
        "rootParams": own_param_count(big),
        "children": children_table(big, default_by_path, default_conv),
        "defaultResolution": default_side,
        "fixedResolution": bool(image_size),
        "macs": macs,
        "weights": weights,
    }
    if chain is not None:
        entry["chain"] = chain
    if failed:
        entry["uncountedResolutions"] = failed
    row = truth.get(name)
    if row:
        entry["groundTruth"] = {
            k: row[k] for k in ("params_exact", "fwd_gmacs_per_sample", "input", "source", "source_url") if row[k]
        }
    return entry


def count_detection(model: Any, side: int) -> Tuple[int, int, int]:
    """Faster R-CNN MACs for one SxS image, stage by stage on the meta device.

    The full forward cannot run on meta tensors (NMS is data dependent), and on real data the box head's
    share depends on how many proposals survive NMS. So: backbone + FPN + RPN head on the image, then the
    box head and predictor on the RPN's post-NMS proposal budget (rpn post_nms_top_n for testing), the
    count an eval forward reaches whenever at least that many proposals survive. RoIAlign and NMS do no
    MACs in the counter's convention. Returns (macs, convolution macs, proposals).
    """
    model = model.to("meta")
    proposals = int(model.rpn._post_nms_top_n["testing"])
    image = torch.empty(1, 3, side, side, device="meta")
    features: Dict[str, Any] = {}

    def backbone() -> None:
        features.update(model.backbone(image))

    stages = [count_forward(model.backbone, backbone)]
    stages.append(count_forward(model.rpn.head, lambda: model.rpn.head(list(features.values()))))
    pooled_size = model.roi_heads.box_roi_pool.output_size
    channels = model.backbone.out_channels
    rois = torch.empty(proposals, channels, *pooled_size, device="meta")
    box_features: List[Any] = []
    stages.append(count_forward(model.roi_heads.box_head, lambda: box_features.append(model.roi_heads.box_head(rois))))
    stages.append(count_forward(model.roi_heads.box_predictor, lambda: model.roi_heads.box_predictor(box_features[0])))
    total = sum(r.total_macs for r in stages)
    conv = sum(r.by_op.get("convolution", 0) + r.by_op.get("_convolution", 0) for r in stages)
    return total, conv, proposals


def dense_entry(name: str, spec: Dict[str, Any]) -> Dict[str, Any]:
    big = build(name, **spec["kwargs"])
    small = build(name, num_classes=SMALL_CLASSES, **spec["kwargs"])
    default_classes = 91 if spec["kind"] == "detection" else 21
    params, params10 = param_count(big), param_count(small)
    heads = head_modules(big, small)
    entry: Dict[str, Any] = {
        "kind": spec["kind"],
        "builder": type(big).__name__,
        "defaultNumClasses": default_classes,
        "params": params,
        "paramsAt10Classes": params10,
        "headParamsPerClass": (params - params10) // (default_classes - SMALL_CLASSES),
        "heads": heads,
        "rootParams": own_param_count(big),
        "children": children_table(big, None),
        "weights": published_weights(name),
    }
    if spec["kind"] == "segmentation":
        # Pretrained DeepLabV3 weights come with the auxiliary FCN head; weights=None builds none.
        with_aux = build(name, aux_loss=True, **spec["kwargs"])
        entry["paramsWithAuxHead"] = param_count(with_aux)
        side = 520
        total, _, conv = count_meta_split(big.to("meta"), side)
        entry["defaultResolution"] = side
        entry["macs"] = {str(side): {"macs": total, "convMacs": sum(conv.values())}}
        entry["macsNote"] = "deeplabv3 at 520x520 (torchvision's evaluation size), main head only"
    else:
        side = int(big.transform.min_size[0])
        macs, conv_macs, proposals = count_detection(big, side)
        entry["defaultResolution"] = side
        entry["macs"] = {str(side): {"macs": macs, "convMacs": conv_macs}}
        entry["macsNote"] = (
            f"{side}x{side} image (the transform's min_size, a multiple of its size_divisible), eval mode, box head "
            f"on the RPN's {proposals} post-NMS proposals; fewer surviving proposals means fewer box-head MACs"
        )
    return entry


def generate() -> Dict[str, Any]:
    skip_weight_init()
    truth = ground_truth()
    names = tvm.list_models(module=tvm)
    models: Dict[str, Any] = {}
    for name in names:
        models[name] = classification_entry(name, truth)
    for name, spec in DENSE_MODELS.items():
        models[name] = dense_entry(name, spec)
    return {
        "source": f"torchvision {torchvision.__version__.split('a')[0]} built with weights=None, "
        "counted by test/oracle/torchvision_zoo.py",
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "macConvention": "aten-level multiply-accumulates per sample (mm/addmm/bmm/convolution); FLOPs = 2 x MACs; "
        "torchvision's published 'GFLOPS' are the same GMACs",
        "resolutions": RESOLUTIONS,
        "smallNumClasses": SMALL_CLASSES,
        "models": models,
    }


def main() -> int:
    started = time.time()
    data = generate()
    text = json.dumps(data, indent=1, sort_keys=False) + "\n"
    text = re.sub(f'"{CHAIN_MARK}(.*)"', lambda m: m.group(1), text)
    elapsed = time.time() - started
    if "--check" in sys.argv:
        with open(OUT) as f:
            committed = f.read()
        if committed != text:
            old, new = json.loads(committed), json.loads(text)
            drift = [k for k in sorted(set(old["models"]) | set(new["models"])) if old["models"].get(k) != new["models"].get(k)]
            print(f"torchvision zoo drift in {len(drift)} models: {drift[:20]}", file=sys.stderr)
            return 1
        print(f"torchvision zoo up to date ({len(data['models'])} models, {elapsed:.0f}s)")
        return 0
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write(text)
    print(f"wrote {OUT} ({len(data['models'])} models, {elapsed:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
