// torchvision's detection head classes that fine-tuning scripts construct to replace a zoo model's
// predictor: FastRCNNPredictor(in_channels, num_classes) is two Linear layers, cls_score (one output per
// class) and bbox_pred (four box deltas per class), as in torchvision/models/detection/faster_rcnn.py.
import { callValue } from "../../evaluate/calls/call";
import { makeClass } from "../../evaluate/classes";
import type { Interp } from "../../evaluate/interp";
import { asInt, builtin, type InstanceV, int, type NativeFn, tensor, unknown, type Value } from "../../evaluate/values";
import { attachModuleState } from "../torch/moduleAttrs";

function linear(ip: Interp, inF: number, outF: number, node: Parameters<NativeFn>[3]): Value {
  const cls = ip.torch?.classes.get("torch.nn.Linear");
  return cls ? callValue(ip, cls, [int(inF), int(outF)], new Map(), node) : unknown("torch.nn.Linear", node);
}

export const fastRcnnPredictor: NativeFn = (ip, args, kw, node) => {
  const inF = asInt(args[0] ?? kw.get("in_channels"));
  const classes = asInt(args[1] ?? kw.get("num_classes"));
  if (inF === null || classes === null)
    return unknown("FastRCNNPredictor: in_channels or num_classes is unknown", node);
  const reg = ip.torch!;
  const forward = builtin("FastRCNNPredictor.forward", (ip2, [self, x], _kw, n) => {
    if (self?.k !== "instance" || !self.mod) return tensor(null);
    const flat = x?.k === "tensor" && x.shape ? [x.shape[0], inF] : null;
    const scores = callValue(ip2, self.mod.children.get("cls_score")!, [tensor(flat)], new Map(), n);
    const boxes = callValue(ip2, self.mod.children.get("bbox_pred")!, [tensor(flat)], new Map(), n);
    return { k: "tuple", items: [scores, boxes] };
  });
  const cls = makeClass("FastRCNNPredictor", [reg.moduleClass], new Map([["forward", forward]]), {
    qualname: "torchvision.models.detection.faster_rcnn.FastRCNNPredictor",
  });
  const inst: InstanceV = { k: "instance", cls, attrs: new Map(), mod: null };
  attachModuleState(ip, inst, node);
  const score = linear(ip, inF, classes, node);
  const box = linear(ip, inF, classes * 4, node);
  if (score.k !== "instance" || box.k !== "instance") return unknown("FastRCNNPredictor: Linear unavailable", node);
  inst.mod!.children.set("cls_score", score);
  inst.mod!.children.set("bbox_pred", box);
  return inst;
};
