"""Generates the timm part of the model zoo (frameworks/zoo/data/timm.json) without timm installed.

timm is not on this machine, so each of the most used timm models is built in real torch 1.13 from an
architecture that is parameter-for-parameter the same, and recorded with the torchvision zoo's counter:
- "torchvision": timm's model and a torchvision builder are the same network (timm resnet50 and
  torchvision resnet50, timm's swin_* were ported to torchvision, ...). Built from torchvision 0.14.
- "vit": timm's ViT/DeiT configs (embed dim, depth, heads, MLP ratio 4, patch 16, class token, qkv bias)
  built with torchvision's VisionTransformer class, whose blocks hold the same parameters.
- "resnet_d": timm's ResNet-D (deep 3-conv stem 32-32-64, average-pool shortcut) applied to torchvision's
  ResNet-50, following timm's resnet.py (stem_type='deep', avg_down=True).
- "published": no faithful build here; the row keeps timm's published figures (rounded to 0.01M params
  and 0.01 GMACs) and says so.
Every row is checked against timm's published table (PUBLISHED below, its source in SOURCE): the build's
parameters must round to the published 0.01M figure, or the script fails.

Usage: /usr/bin/python3 test/oracle/timm_zoo.py          (writes the JSON)
       /usr/bin/python3 test/oracle/timm_zoo.py --check  (regenerates, fails on drift)
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Dict, List, Tuple

import torch
import torchvision
import torchvision.models as tvm
from torchvision.models.vision_transformer import VisionTransformer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torchvision_zoo import RESOLUTIONS, count_meta_split, own_param_count, param_count, skip_weight_init, subtree_sum  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "server/src/analysis/frameworks/zoo/data/timm.json")

SOURCE = (
    "https://github.com/huggingface/pytorch-image-models/blob/main/results/"
    "benchmark-infer-amp-nchw-pt240-cu124-rtx4090.csv (columns param_count in millions and infer_gmacs at "
    "infer_img_size, both rounded to 2 decimals)"
)
CFG_SOURCE = "timm pretrained_cfg input_size of the model's default tag (timm/models/<family>.py)"

# name: (build, torchvision name or ViT config, timm head path, default input side, published params M,
#        published GMACs at that side). Heads are timm >= 0.9 attribute paths (model.get_classifier()).
VIT = {
    "tiny": {"hidden_dim": 192, "num_heads": 3, "num_layers": 12, "mlp_dim": 768},
    "small": {"hidden_dim": 384, "num_heads": 6, "num_layers": 12, "mlp_dim": 1536},
    "base": {"hidden_dim": 768, "num_heads": 12, "num_layers": 12, "mlp_dim": 3072},
    "large": {"hidden_dim": 1024, "num_heads": 16, "num_layers": 24, "mlp_dim": 4096},
}
MODELS: Dict[str, Dict[str, Any]] = {
    "resnet18": {"build": "torchvision", "tv": "resnet18", "head": "fc", "side": 224, "pub": (11.69, 1.82)},
    "resnet34": {"build": "torchvision", "tv": "resnet34", "head": "fc", "side": 224, "pub": (21.8, 3.67)},
    "resnet50": {"build": "torchvision", "tv": "resnet50", "head": "fc", "side": 224, "pub": (25.56, 4.11)},
    "resnet101": {"build": "torchvision", "tv": "resnet101", "head": "fc", "side": 224, "pub": (44.55, 7.83)},
    "resnet50d": {"build": "resnet_d", "tv": "resnet50", "head": "fc", "side": 224, "pub": (25.58, 4.35)},
    "resnext50_32x4d": {"build": "torchvision", "tv": "resnext50_32x4d", "head": "fc", "side": 224, "pub": (25.03, 4.26)},
    "efficientnet_b0": {"build": "torchvision", "tv": "efficientnet_b0", "head": "classifier", "side": 224, "pub": (5.29, 0.4)},
    "efficientnet_b1": {"build": "torchvision", "tv": "efficientnet_b1", "head": "classifier", "side": 240, "pub": (7.79, 0.71)},
    "efficientnet_b2": {"build": "torchvision", "tv": "efficientnet_b2", "head": "classifier", "side": 256, "pub": (9.11, 0.89)},
    "efficientnet_b3": {"build": "torchvision", "tv": "efficientnet_b3", "head": "classifier", "side": 288, "pub": (12.23, 1.63)},
    "tf_efficientnet_b0": {"build": "torchvision", "tv": "efficientnet_b0", "head": "classifier", "side": 224, "pub": (5.29, 0.4)},
    "tf_efficientnetv2_s": {"build": "torchvision", "tv": "efficientnet_v2_s", "head": "classifier", "side": 300, "pub": (21.46, 5.35)},
    "mobilenetv2_100": {"build": "torchvision", "tv": "mobilenet_v2", "head": "classifier", "side": 224, "pub": (3.5, 0.31)},
    "mobilenetv3_large_100": {"build": "torchvision", "tv": "mobilenet_v3_large", "head": "classifier", "preHead": "conv_head", "side": 224, "pub": (5.48, 0.23)},
    "convnext_tiny": {"build": "torchvision", "tv": "convnext_tiny", "head": "head.fc", "side": 224, "pub": (28.59, 4.47)},
    "convnext_small": {"build": "torchvision", "tv": "convnext_small", "head": "head.fc", "side": 224, "pub": (50.22, 8.71)},
    "convnext_base": {"build": "torchvision", "tv": "convnext_base", "head": "head.fc", "side": 224, "pub": (88.59, 15.38)},
    "vit_tiny_patch16_224": {"build": "vit", "vit": "tiny", "head": "head", "side": 224, "pub": (5.72, 1.26)},
    "vit_small_patch16_224": {"build": "vit", "vit": "small", "head": "head", "side": 224, "pub": (22.05, 4.61)},
    "vit_base_patch16_224": {"build": "vit", "vit": "base", "head": "head", "side": 224, "pub": (86.57, 17.58)},
    "vit_large_patch16_224": {"build": "vit", "vit": "large", "head": "head", "side": 224, "pub": (304.33, 61.6)},
    "deit_small_patch16_224": {"build": "vit", "vit": "small", "head": "head", "side": 224, "pub": (22.05, 4.61)},
    "deit_base_patch16_224": {"build": "vit", "vit": "base", "head": "head", "side": 224, "pub": (86.57, 17.58)},
    "swin_tiny_patch4_window7_224": {"build": "torchvision", "tv": "swin_t", "head": "head.fc", "side": 224, "fixed": True, "pub": (28.29, 4.51)},
    "swin_small_patch4_window7_224": {"build": "torchvision", "tv": "swin_s", "head": "head.fc", "side": 224, "fixed": True, "pub": (49.61, 8.77)},
    "swin_base_patch4_window7_224": {"build": "torchvision", "tv": "swin_b", "head": "head.fc", "side": 224, "fixed": True, "pub": (87.77, 15.47)},
    "regnety_016": {"build": "torchvision", "tv": "regnet_y_1_6gf", "head": "head.fc", "side": 224, "pub": (11.2, 1.63)},
    "regnety_032": {"build": "torchvision", "tv": "regnet_y_3_2gf", "head": "head.fc", "side": 224, "pub": (19.44, 3.2)},
    "densenet121": {"build": "torchvision", "tv": "densenet121", "head": "classifier", "side": 224, "pub": (7.98, 2.87)},
    "inception_v3": {"build": "torchvision", "tv": "inception_v3", "kwargs": {"aux_logits": False, "init_weights": False}, "head": "fc", "side": 299, "pub": (23.83, 5.73)},
    "legacy_xception": {"build": "xception", "head": "fc", "side": 299, "pub": (22.86, 8.4)},
    "cspdarknet53": {"build": "published", "head": "head.fc", "inFeatures": 1024, "side": 256, "pub": (27.64, 6.57)},
    "efficientnetv2_rw_s": {"build": "published", "head": "classifier", "inFeatures": 1792, "side": 288, "pub": (23.94, 4.91)},
}
SMALL = 10
# timm's model class per name prefix (the class each family's builder in timm/models/<family>.py returns;
# mobilenetv2_* and efficientnetv2_* are built by efficientnet.py's EfficientNet). Shown as the model's type.
TIMM_CLASS = [
    ("mobilenetv3", "MobileNetV3"), ("mobilenetv2", "EfficientNet"), ("tf_efficientnet", "EfficientNet"),
    ("efficientnet", "EfficientNet"), ("resne", "ResNet"), ("convnext", "ConvNeXt"), ("vit", "VisionTransformer"),
    ("deit", "VisionTransformer"), ("swin", "SwinTransformer"), ("regnet", "RegNet"), ("densenet", "DenseNet"),
    ("inception_v3", "InceptionV3"), ("legacy_xception", "Xception"), ("cspdarknet", "CspNet"),
]


def timm_class(name: str) -> str:
    return next(cls for prefix, cls in TIMM_CLASS if name.startswith(prefix))
# timm's *_patch16_384 models are the *_patch16_224 architectures at img_size=384: their published rows
# (SOURCE: params M, GMACs) check the 384 builds.
PUBLISHED_384 = {"tiny": (5.79, 4.7), "small": (22.2, 15.52), "base": (86.86, 55.54), "large": (304.72, 191.21)}
# img_size values a timm ViT can be created at, each built and counted (multiples of the 16-px patch).
VIT_SIDES = [224, 256, 288, 320, 384, 448, 512]


def resnet_d(base: torch.nn.Module) -> torch.nn.Module:
    """timm's stem_type='deep' (3x3 convs 32, 32, 64) and avg_down=True shortcuts on a torchvision ResNet."""
    nn = torch.nn
    base.conv1 = nn.Sequential(
        nn.Conv2d(3, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU(inplace=True),
        nn.Conv2d(32, 32, 3, 1, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU(inplace=True),
        nn.Conv2d(32, 64, 3, 1, 1, bias=False),
    )
    for layer in (base.layer1, base.layer2, base.layer3, base.layer4):
        block = layer[0]
        if block.downsample is None:
            continue
        conv, bn = block.downsample[0], block.downsample[1]
        stride = conv.stride[0]
        pool = nn.AvgPool2d(2, stride, ceil_mode=True, count_include_pad=False) if stride > 1 else nn.Identity()
        block.downsample = nn.Sequential(pool, nn.Conv2d(conv.in_channels, conv.out_channels, 1, bias=False), bn)
    return base


def xception(classes: int) -> torch.nn.Module:
    """timm's legacy_xception (timm/models/xception.py, Chollet 2017), with timm's attribute names: a 2-conv
    stem, 12 blocks of separable convs (depthwise 3x3 then pointwise 1x1, no bias) each with a BatchNorm,
    a 1x1-conv shortcut where the shape changes, then two separable convs to 1536 and 2048 and the fc."""
    nn = torch.nn

    def sep(cin: int, cout: int) -> nn.Module:
        m = nn.Module()
        m.conv1 = nn.Conv2d(cin, cin, 3, 1, 1, groups=cin, bias=False)
        m.pointwise = nn.Conv2d(cin, cout, 1, bias=False)
        m.forward = lambda x: m.pointwise(m.conv1(x))
        return m

    class Block(nn.Module):
        def __init__(self, cin: int, cout: int, reps: int, stride: int, relu_first: bool = True, grow_first: bool = True):
            super().__init__()
            self.skip = nn.Conv2d(cin, cout, 1, stride=stride, bias=False) if (cin != cout or stride != 1) else None
            self.skipbn = nn.BatchNorm2d(cout) if self.skip is not None else None
            layers: List[nn.Module] = []
            for i in range(reps):
                a = (cin if i == 0 else cout) if grow_first else cin
                b = cout if grow_first else (cin if i < reps - 1 else cout)
                layers += [nn.ReLU(), sep(a, b), nn.BatchNorm2d(b)]
            if not relu_first:
                layers = layers[1:]
            if stride != 1:
                layers.append(nn.MaxPool2d(3, stride, 1))
            self.rep = nn.Sequential(*layers)

        def forward(self, x):
            return self.rep(x) + (self.skipbn(self.skip(x)) if self.skip is not None else x)

    class Xception(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1, self.bn1, self.act1 = nn.Conv2d(3, 32, 3, 2, 0, bias=False), nn.BatchNorm2d(32), nn.ReLU()
            self.conv2, self.bn2, self.act2 = nn.Conv2d(32, 64, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU()
            plan = [(64, 128, 2, 2, False, True), (128, 256, 2, 2, True, True), (256, 728, 2, 2, True, True)]
            plan += [(728, 728, 3, 1, True, True)] * 8 + [(728, 1024, 2, 2, True, False)]
            for i, args in enumerate(plan, 1):
                setattr(self, f"block{i}", Block(*args))
            self.conv3, self.bn3, self.act3 = sep(1024, 1536), nn.BatchNorm2d(1536), nn.ReLU()
            self.conv4, self.bn4, self.act4 = sep(1536, 2048), nn.BatchNorm2d(2048), nn.ReLU()
            self.global_pool = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(2048, classes)

        def forward(self, x):
            for m in list(self.children())[:-1]:
                x = m(x)
            return self.fc(torch.flatten(x, 1))

    return Xception().eval()


def build(spec: Dict[str, Any], classes: int) -> torch.nn.Module:
    if spec["build"] == "xception":
        return xception(classes)
    if spec["build"] == "vit":
        return VisionTransformer(image_size=spec["side"], patch_size=16, num_classes=classes, **VIT[spec["vit"]]).eval()
    model = tvm.get_model(spec["tv"], weights=None, num_classes=classes, **spec.get("kwargs", {}))
    return (resnet_d(model) if spec["build"] == "resnet_d" else model).eval()


def classifier_of(model: torch.nn.Module) -> Tuple[str, torch.nn.Linear]:
    """The last Linear whose width is the class count: the head timm's get_classifier() returns."""
    found = [(p, m) for p, m in model.named_modules() if isinstance(m, torch.nn.Linear) and m.out_features == 1000]
    if len(found) != 1:
        raise AssertionError(f"expected one 1000-way Linear, found {[p for p, _ in found]}")
    return found[0]


def stem_of(model: torch.nn.Module) -> Tuple[str, torch.nn.Conv2d]:
    return next((p, m) for p, m in model.named_modules() if isinstance(m, torch.nn.Conv2d) and m.in_channels == 3)


def timm_children(
    spec: Dict[str, Any], big: torch.nn.Module, tv_head_path: str, head: torch.nn.Linear, default_by_path: Dict[str, int], conv_by_path: Dict[str, int]
) -> List[Dict[str, Any]]:
    # timm's module tree: the torchvision body children, then timm's head container holding the classifier.
    # convMacs: the part of a child's MACs in convolutions (cuDNN runs those in TF32 by default).
    timm_top = spec["head"].split(".")[0]
    tv_top = tv_head_path.split(".")[0]
    children: List[Dict[str, Any]] = []
    for child_name, child in big.named_children():
        child_macs = subtree_sum(default_by_path, child_name)
        child_conv = subtree_sum(conv_by_path, child_name)
        row = {"path": child_name, "type": type(child).__name__, "params": param_count(child), "macs": child_macs, "convMacs": child_conv}
        if child_name != tv_top:
            children.append(row)
            continue
        head_params = head.in_features * 1000 + 1000
        leftover = row["params"] - head_params
        if timm_top == spec["head"] and leftover > 0:
            # e.g. MobileNetV3: torchvision's classifier[0] is timm's conv_head (same weights, 1x1 conv),
            # so in timm all of the pre-head's MACs are convolution.
            pre_macs = child_macs - 1000 * head.in_features
            children.append({"path": spec["preHead"], "type": "Module", "params": leftover, "macs": pre_macs, "convMacs": pre_macs})
            children.append({"path": timm_top, "type": "Linear", "params": head_params, "macs": 1000 * head.in_features, "convMacs": 0})
        else:
            children.append({"path": timm_top, "type": "Linear" if timm_top == spec["head"] else "ClassifierHead", "params": row["params"], "macs": child_macs, "convMacs": child_conv})
    return children


def vit_tree(model: torch.nn.Module, by_path: Dict[str, int], conv_by_path: Dict[str, int]) -> Tuple[int, List[Dict[str, Any]]]:
    """timm's ViT attribute names over torchvision's modules (same parameters): cls_token and pos_embed
    on the root, patch_embed (conv_proj), blocks (encoder.layers, one per depth), norm (encoder.ln), head."""
    def macs(prefix: str) -> Dict[str, int]:
        return {"macs": subtree_sum(by_path, prefix), "convMacs": subtree_sum(conv_by_path, prefix)}

    root = own_param_count(model) + own_param_count(model.encoder)  # class token + position embedding
    head_params = param_count(model.heads)
    return root, [
        {"path": "patch_embed", "type": "PatchEmbed", "params": param_count(model.conv_proj), **macs("conv_proj")},
        {"path": "blocks", "type": "Sequential", "params": param_count(model.encoder.layers), **macs("encoder.layers"), "count": len(model.encoder.layers)},
        {"path": "norm", "type": "LayerNorm", "params": param_count(model.encoder.ln), **macs("encoder.ln")},
        {"path": "head", "type": "Linear", "params": head_params, **macs("heads")},
    ]


def vit_sizes(spec: Dict[str, Any]) -> Dict[str, Any]:
    """timm's ViTs take img_size at creation: the position embedding grows with the patch count, and so do
    the MACs. Each size is a real build (patch 16 divides every side listed)."""
    out: Dict[str, Any] = {}
    for side in VIT_SIDES:
        model = VisionTransformer(image_size=side, patch_size=16, num_classes=1000, **VIT[spec["vit"]]).eval()
        tv_head_path, head = classifier_of(model)
        stem_path, _ = stem_of(model)
        meta = model.to("meta")
        total, by_path, conv_by_path = count_meta_split(meta, side)
        params = param_count(model)
        published = {}
        if side == 384:
            pub_params, pub_gmacs = PUBLISHED_384[spec["vit"]]
            if round(params / 1e6, 2) != pub_params:
                raise AssertionError(f"vit {spec['vit']} at 384: built {params}, timm publishes {pub_params}M")
            name = f"vit_{spec['vit']}_patch16_384"  # the published row of this architecture at 384
            published = {"published": {"model": name, "params": pub_params, "gmacs": pub_gmacs, "source": SOURCE}}
        out[str(side)] = {
            **published,
            "params": params,
            "rootParams": vit_tree(model, by_path, conv_by_path)[0],
            "children": vit_tree(model, by_path, conv_by_path)[1],
            "macs": {"macs": total, "headMacsPerClass": head.in_features, "stemMacsPerInChannel": by_path.get(stem_path, 0) // 3},
        }
    return out


def built_entry(name: str, spec: Dict[str, Any]) -> Dict[str, Any]:
    big, small = build(spec, 1000), build(spec, SMALL)
    tv_head_path, head = classifier_of(big)
    stem_path, stem = stem_of(big)
    params, params10 = param_count(big), param_count(small)
    per_class = head.in_features + 1
    if params - params10 != per_class * (1000 - SMALL):
        raise AssertionError(f"{name}: head params are not in_features + 1 per class")
    meta = big.to("meta")
    sides = [spec["side"]] if spec.get("fixed") or spec["build"] == "vit" else sorted(set(RESOLUTIONS + [spec["side"]]))
    macs: Dict[str, Dict[str, int]] = {}
    default_by_path: Dict[str, int] = {}
    default_conv: Dict[str, int] = {}
    for side in sides:
        try:
            total, by_path, conv_by_path = count_meta_split(meta, side)
        except Exception:  # too small for the strides
            continue
        stem_macs = by_path.get(stem_path, 0)
        macs[str(side)] = {"macs": total, "headMacsPerClass": head.in_features, "stemMacsPerInChannel": stem_macs // 3}
        if side == spec["side"]:
            default_by_path, default_conv = by_path, conv_by_path
    if spec["build"] == "vit":
        root_params, children = vit_tree(big, default_by_path, default_conv)
    else:
        root_params, children = own_param_count(big), timm_children(spec, big, tv_head_path, head, default_by_path, default_conv)
    pub_params, pub_gmacs = spec["pub"]
    if round(params / 1e6, 2) != pub_params:
        raise AssertionError(f"{name}: built {params} params, timm publishes {pub_params}M")
    return {
        "truth": {"torchvision": f"torchvision.models.{spec.get('tv')} (same network as timm's)", "vit": "torchvision VisionTransformer with timm's ViT config", "resnet_d": "torchvision resnet50 with timm's ResNet-D stem and shortcuts", "xception": "timm's Xception (timm/models/xception.py) rebuilt in torch with timm's module names"}[spec["build"]],
        "exact": True,
        "config": VIT[spec["vit"]] if spec["build"] == "vit" else spec.get("kwargs"),
        "params": params,
        "paramsAt10Classes": params10,
        "head": {"path": spec["head"], "type": "Linear", "inFeatures": head.in_features, "outFeatures": 1000, "bias": True},
        "stem": {"outChannels": stem.out_channels, "kernelSize": list(stem.kernel_size), "groups": stem.groups},
        "rootParams": root_params,
        "children": children,
        "defaultResolution": spec["side"],
        "fixedResolution": bool(spec.get("fixed") or spec["build"] == "vit"),
        "macs": macs,
        "published": {"params": pub_params, "gmacs": pub_gmacs, "resolution": spec["side"], "source": SOURCE},
        "resolutionSource": CFG_SOURCE,
        **({"imgSizes": vit_sizes(spec)} if spec["build"] == "vit" else {}),
    }


def published_entry(name: str, spec: Dict[str, Any]) -> Dict[str, Any]:
    pub_params, pub_gmacs = spec["pub"]
    params = round(pub_params * 1e6)
    head_params = spec["inFeatures"] * 1000 + 1000
    return {
        "truth": "published figures only (no faithful build in torch 1.13 here); params rounded to 10,000",
        "exact": False,
        "paramsTolerance": 5000,
        "params": params,
        "paramsAt10Classes": params - head_params + spec["inFeatures"] * SMALL + SMALL,
        "head": {"path": spec["head"], "type": "Linear", "inFeatures": spec["inFeatures"], "outFeatures": 1000, "bias": True},
        "rootParams": 0,
        "children": [
            {"path": "backbone", "type": "Aggregate", "params": params - head_params, "macs": round(pub_gmacs * 1e9) - 1000 * spec["inFeatures"]},
            {"path": spec["head"].split(".")[0], "type": "Linear", "params": head_params, "macs": 1000 * spec["inFeatures"]},
        ],
        "defaultResolution": spec["side"],
        "fixedResolution": False,
        "macs": {str(spec["side"]): {"macs": round(pub_gmacs * 1e9), "headMacsPerClass": spec["inFeatures"]}},
        "macsScaling": "convnet: MACs at another square side s are scaled by (s / side)^2 (rounded published GMACs)",
        "published": {"params": pub_params, "gmacs": pub_gmacs, "resolution": spec["side"], "source": SOURCE},
        "resolutionSource": CFG_SOURCE,
    }


def generate() -> Dict[str, Any]:
    skip_weight_init()
    models = {}
    for name, spec in MODELS.items():
        spec = {**spec, "name": name}
        models[name] = published_entry(name, spec) if spec["build"] == "published" else built_entry(name, spec)
        models[name] = {"timmClass": timm_class(name), **models[name]}
    return {
        "source": "test/oracle/timm_zoo.py: timm architectures built in real torch "
        f"{torch.__version__} / torchvision {torchvision.__version__.split('a')[0]}, checked against {SOURCE}",
        "macConvention": "aten-level multiply-accumulates per sample (test/oracle/torch_counter.py); FLOPs = 2 x MACs",
        "headNote": "timm >= 0.9 classifier paths; num_classes=0 replaces the classifier with nn.Identity",
        "models": models,
    }


def main() -> int:
    text = json.dumps(generate(), indent=1) + "\n"
    if "--check" in sys.argv:
        with open(OUT) as f:
            if f.read() != text:
                print("timm zoo drift: rerun test/oracle/timm_zoo.py", file=sys.stderr)
                return 1
        print("timm zoo up to date")
        return 0
    with open(OUT, "w") as f:
        f.write(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
