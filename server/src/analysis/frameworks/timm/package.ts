// The `timm` namespace: timm.create_model(name, pretrained, num_classes, in_chans) builds a catalogued
// model (timmZoo.ts) with the zoo builder shared with torchvision, plus timm's own head API:
// num_classes=0 (features only), model.get_classifier(), model.reset_classifier(n), num_classes /
// num_features, and timm.list_models / is_model over the catalog. Unknown names say what is near.
import type { Node } from "web-tree-sitter";
import { getAttr } from "../../evaluate/attributes";
import { callValue } from "../../evaluate/calls/call";
import { makeClass } from "../../evaluate/classes";
import type { Interp } from "../../evaluate/interp";
import { fn, nativeModule } from "../../evaluate/nativeHelpers";
import {
  asInt,
  asString,
  bool,
  builtin,
  dictFrom,
  hashKey,
  type InstanceV,
  int,
  type Kw,
  list,
  NONE,
  str,
  truthy,
  tuple,
  unknown,
  type Value,
} from "../../evaluate/values";
import { attachModuleState } from "../torch/moduleAttrs";
import { makeParam } from "../torch/moduleState";
import { torchRoot, torchvisionRoot } from "../torch/package";
import { childAt, makeHead, zooModelFactory } from "../torch/zoo";
import { adoptZooChild } from "../torch/zooChain";
import { findTimmModel, nearestTimmNames, type TimmRow, timmEntry, timmRows } from "./timmZoo";

/** A new classifier at the row's head path: a Linear with `classes` outputs, or nn.Identity for 0 (timm's convention). */
function setClassifier(ip: Interp, root: InstanceV, row: TimmRow, classes: number, node: Node | null): void {
  const segs = row.head.path.split(".");
  const parent = segs.length === 1 ? root : childAt(root, segs.slice(0, -1).join("."));
  if (parent?.k !== "instance" || !parent.mod) return;
  const head =
    classes > 0
      ? makeHead(
          ip,
          { path: row.head.path, type: "Linear", inFeatures: row.head.inFeatures, outFeatures: classes, bias: true },
          classes,
          node,
        )
      : callValue(ip, torchNn(ip, "Identity", node), [], new Map(), node);
  if (head.k === "instance") parent.mod.children.set(segs[segs.length - 1], head);
  root.attrs.set("num_classes", int(classes));
}

/** torch.nn classes resolve lazily through the torch namespace; the zoo builder's heads need Linear resolved first. */
function torchNn(ip: Interp, name: string, node: Node | null): Value {
  return getAttr(ip, getAttr(ip, torchRoot(ip), "nn", node), name, node);
}

function createModel(ip: Interp, args: Value[], kw: Kw, node: Node | null): Value {
  torchNn(ip, "Linear", node);
  const nameArg = asString(args[0] ?? kw.get("model_name"));
  if (nameArg === null) return unknown("timm.create_model: the model name is not a known string", node);
  const found = findTimmModel(nameArg);
  if (!found) {
    const near = nearestTimmNames(nameArg).join(", ");
    ip.note(`timm.create_model('${nameArg}'): not in the timm zoo (docs/ZOO.md); nearest catalogued: ${near}`, node);
    return unknown(`timm model '${nameArg}' is not catalogued (nearest: ${near})`, node);
  }
  const { name, row } = found;
  const classesArg = kw.get("num_classes");
  const featuresOnly = kw.get("features_only");
  const pyramid = featuresOnly ? truthy(featuresOnly) === true : false;
  // features_only=True drops the classifier (and the last stages' pooling); its per-stage feature maps are not modelled.
  if (pyramid)
    ip.note(
      `timm ${name}: features_only=True is sized as num_classes=0: the classifier is removed, but layers timm also drops after the last stage (a conv_head, a head norm) are still counted, and the per-stage outputs are not modelled`,
      node,
    );
  const classes = pyramid ? 0 : classesArg && classesArg.k !== "none" ? asInt(classesArg) : 1000;
  const inChans = asInt(kw.get("in_chans")) ?? 3;
  if (classes === null) return unknown(`timm.create_model('${name}'): num_classes is unknown`, node);
  const imgArg = kw.get("img_size");
  const imgSize =
    imgArg && imgArg.k !== "none" ? (asInt(imgArg) ?? asInt(imgArg.k === "tuple" ? imgArg.items[0] : undefined)) : null;
  if (imgArg && imgArg.k !== "none" && (imgSize === null || !row.imgSizes?.[String(imgSize)]))
    ip.note(
      `timm ${name}: img_size ${imgSize ?? "unknown"} is not tabulated (${row.imgSizes ? `built at ${Object.keys(row.imgSizes).join(", ")}` : "only its default"}); sized at ${row.defaultResolution}`,
      node,
    );
  const { entry, stemKnown } = timmEntry(row, inChans, imgSize ?? undefined);
  if (!stemKnown)
    ip.note(
      `timm ${name}: in_chans=${inChans} changes a stem this catalog row does not describe (published figures only)`,
      node,
    );
  if (!row.exact)
    ip.note(
      `timm ${name}: parameters are timm's published ${row.published.params}M (rounded; ±${row.paramsTolerance}), MACs ${row.macsScaling}`,
      node,
    );
  const built = zooModelFactory(entry, name, "timm.models")(
    ip,
    [],
    new Map([["num_classes", int(Math.max(classes, 1))]]),
    node,
  );
  if (built.k !== "instance" || !built.mod) return built;
  const root = built;
  if (classes === 0) setClassifier(ip, root, row, 0, node);
  for (const c of row.children) if (c.count) splitBlocks(ip, root, c.path, c.params / c.count, c.count, node);
  if (row.children.some((c) => c.path === "patch_embed") && root.mod!.params.has("class_token")) {
    // ViT root parameters are timm's cls_token (one embedding) and pos_embed (one per patch plus the class token).
    const width = row.head.inFeatures;
    const rootParams = root.mod!.params.get("class_token")?.shape.reduce((a, b) => a * b, 1) ?? 0;
    root.mod!.params.delete("class_token");
    root.mod!.params.set("cls_token", makeParam([1, 1, width]));
    root.mod!.params.set("pos_embed", makeParam([1, (rootParams - width) / width, width]));
  }
  // ModuleState.zoo marks a torchvision builder (FP130 reads it as one and proposes torchvision swaps);
  // a timm model is not one, so it has none (FP130 does not cover timm yet: docs/ZOO.md).
  root.mod!.zoo = undefined;
  root.attrs.set("num_classes", int(classes));
  root.attrs.set("num_features", int(row.head.inFeatures));
  root.attrs.set("pretrained_cfg", timmCfg(row));
  root.attrs.set("default_cfg", timmCfg(row));
  root.attrs.set(
    "get_classifier",
    builtin(`${name}.get_classifier`, () => childAt(root, row.head.path) ?? NONE),
  );
  root.attrs.set(
    "reset_classifier",
    builtin(`${name}.reset_classifier`, (ip2, a, k, n) => {
      const n2 = asInt(a[0] ?? k.get("num_classes"));
      if (n2 === null) return unknown(`${name}.reset_classifier: num_classes is unknown`, n);
      setClassifier(ip2, root, row, n2, n);
      return NONE;
    }),
  );
  return root;
}

/**
 * A stack of identical blocks (a ViT's depth) as an nn.Sequential of `count` modules with equal parameters,
 * so `model.blocks[-1]` and freezing `model.blocks[:8]` work; the stack's MACs stay on the Sequential.
 */
function splitBlocks(ip: Interp, root: InstanceV, path: string, per: number, count: number, node: Node | null): void {
  const blockCls = makeClass("Block", [ip.torch!.moduleClass], new Map(), { qualname: "timm.models.Block" });
  const blocks: Value[] = Array.from({ length: count }, () => {
    const b: InstanceV = { k: "instance", cls: blockCls, attrs: new Map(), mod: null };
    attachModuleState(ip, b, node);
    b.mod!.params.set("weight", makeParam([per]));
    return b;
  });
  const seq = callValue(ip, torchNn(ip, "Sequential", node), blocks, new Map(), node);
  if (seq.k !== "instance" || !seq.mod) return;
  // The stack stands for the builder's own child: it is not a replacement (which would make the MACs unknown).
  adoptZooChild(root.mod!.children.get(path), seq);
  root.mod!.children.set(path, seq);
}

/** The fields of timm's pretrained_cfg that scripts read to size their transforms. */
function timmCfg(row: TimmRow): Value {
  const side = int(row.defaultResolution);
  return dictFrom([
    [str("input_size"), tuple([int(3), side, side])],
    [str("num_classes"), int(1000)],
  ]);
}

export function timmRoot(ip: Interp): Value {
  const names = () => Object.keys(timmRows()).sort();
  const pattern = (p: Value | undefined) => {
    const s = asString(p);
    if (!s) return () => true;
    const re = new RegExp(
      `^${s
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
    );
    return (n: string) => re.test(n);
  };
  return nativeModule(
    "timm",
    {
      create_model: fn("timm.create_model", (ip2, args, kw, node) => createModel(ip2, args, kw, node)),
      list_models: fn("timm.list_models", (_ip2, args, kw) => {
        const keep = pattern(args[0] ?? kw.get("filter"));
        return list(names().filter(keep).map(str));
      }),
      is_model: fn("timm.is_model", (_ip2, args) => bool(findTimmModel(asString(args[0]) ?? "") !== undefined)),
    },
    (attr) => (attr === "models" ? timmRoot(ip) : attr === "data" ? timmData() : undefined),
  );
}

/**
 * timm.data: resolve_data_config / resolve_model_data_config read the model's pretrained_cfg (input_size);
 * create_transform(input_size=(3, H, W)) yields H×W images. timm's train pipeline ends in
 * RandomResizedCrop(H, W) and its eval one in CenterCrop(H, W), so either way a sample is 3×H×W:
 * it is modelled as torchvision's Resize((H, W)), which has that output shape.
 */
function timmData(): Value {
  const config = (ip: Interp, args: Value[], kw: Kw, node: Node | null): Value => {
    const given = args[0] && args[0].k === "dict" ? args[0] : undefined;
    if (given && getItem(given, "input_size")) return given;
    const model = kw.get("model") ?? (args[0]?.k === "instance" ? args[0] : undefined);
    return model ? getAttr(ip, model, "pretrained_cfg", node) : unknown("timm data config without a model", node);
  };
  return nativeModule("timm.data", {
    resolve_data_config: fn("timm.data.resolve_data_config", config),
    resolve_model_data_config: fn("timm.data.resolve_model_data_config", config),
    create_transform: fn("timm.data.create_transform", (ip, args, kw, node) => {
      const size = kw.get("input_size") ?? args[0];
      const hw =
        size && (size.k === "tuple" || size.k === "list") ? size.items.slice(-2) : [size ?? NONE, size ?? NONE];
      const resize = getAttr(ip, getAttr(ip, torchvisionRoot(ip), "transforms", node), "Resize", node);
      return callValue(ip, resize, [tuple(hw)], new Map(), node);
    }),
  });
}

function getItem(d: Value, key: string): Value | undefined {
  return d.k === "dict" ? d.map.get(hashKey(str(key))!)?.[1] : undefined;
}
