// The training-side torch API: optimizers (step → event), schedulers, loss modules and
// functional losses (scalar tensors so `loss.backward()` is seen), autocast/GradScaler,
// no_grad/inference_mode, torch.device, DDP/DataParallel, save/jit/onnx export.
import type { Node } from "web-tree-sitter";
import { callValue } from "../../evaluate/calls/call";
import { makeClass } from "../../evaluate/classes";
import type { Interp } from "../../evaluate/interp";
import { nativeObject } from "../../evaluate/nativeHelpers";
import {
  asInt,
  asString,
  builtin,
  type ClassV,
  int,
  type Kw,
  NONE,
  type NativeFn,
  type NativeV,
  tensor,
  unknown,
  type Value,
} from "../../evaluate/values";
import { deviceKindOf, precisionOfDtype } from "./events";

export const LOSSES = [
  "CrossEntropyLoss",
  "NLLLoss",
  "MSELoss",
  "L1Loss",
  "BCELoss",
  "BCEWithLogitsLoss",
  "SmoothL1Loss",
  "HuberLoss",
  "KLDivLoss",
  "CTCLoss",
  "CosineEmbeddingLoss",
  "MarginRankingLoss",
  "TripletMarginLoss",
  "MultiLabelSoftMarginLoss",
  "PoissonNLLLoss",
  "GaussianNLLLoss",
  "HingeEmbeddingLoss",
  "SoftMarginLoss",
  "MultiMarginLoss",
  "MultiLabelMarginLoss",
];

/** Loss value: a 0-d tensor with reduction (0 MACs: losses are elementwise). */
const scalarLoss: NativeFn = (_ip, args, kw) => {
  const red = asString(kw.get("reduction"));
  const input = args.find((a) => a.k === "tensor") as { shape: number[] | null } | undefined;
  return tensor(red === "none" ? (input?.shape ?? null) : [], "float32");
};

export function makeLossClass(name: string, moduleClass: ClassV): ClassV {
  const attrs = new Map<string, Value>([
    ["forward", builtin(`${name}.forward`, (ip, [, ...args], kw, node) => scalarLoss(ip, args, kw, node))],
  ]);
  return makeClass(name, [moduleClass], attrs, { qualname: `torch.nn.${name}` });
}

function modelIdOf(v: Value | undefined): number | null {
  if (v?.k === "instance" && v.mod) return v.mod.id;
  if (v?.k === "native" && v.type === "state_dict") return (v.data.module as { id: number } | null)?.id ?? null;
  return null;
}

export const makeOptimizer =
  (kind: string): NativeFn =>
  (_ip, _args, kw) =>
    nativeObject(
      `optim.${kind}`,
      { lr: kw.get("lr") ?? NONE },
      {
        step(ip, _self, _a, _kw, node) {
          ip.event({ kind: "optimizerStep" }, node);
          return NONE;
        },
        zero_grad: () => NONE,
        state_dict: () => unknown("optimizer state"),
        load_state_dict: () => NONE,
        add_param_group: () => NONE,
      },
      (_self, name) => (name === "param_groups" ? unknown("optimizer param groups") : undefined),
    );

export const makeScheduler: NativeFn = () =>
  nativeObject("lr_scheduler", {}, { step: () => NONE, get_last_lr: () => unknown("learning rate at run time") });

/** `with torch.no_grad():` / `@torch.no_grad()` / inference_mode. */
export const noGradContext: NativeFn = () => {
  const ctx: NativeV = nativeObject("no_grad", {}, {});
  ctx.enter = (ip) => {
    ip.noGrad++;
    return NONE;
  };
  ctx.exit = (ip) => {
    ip.noGrad--;
  };
  return ctx;
};

/**
 * `with torch.enable_grad():` / `with torch.set_grad_enabled(mode):` turn grad back on (mode False:
 * off, as no_grad). An unknown mode keeps grad on: `set_grad_enabled(phase == "train")` is the
 * training pass of a train/val phase loop, which must still be seen as training.
 * `torch.set_grad_enabled(False)` as a statement sets the mode at once, until set again: PyTorch's
 * constructor sets it and only a `with` restores it (checked under PyTorch 1.13; `enable_grad()`
 * called alone changes nothing). The statement form acts only on a known mode.
 */
const gradMode =
  (setsOnCall: boolean): NativeFn =>
  (ip, [mode], kw) => {
    const m = mode ?? kw.get("mode");
    const known = !setsOnCall || m?.k === "bool";
    const off = m?.k === "bool" && !m.v;
    const ctx: NativeV = nativeObject("set_grad_enabled", {}, {});
    let saved = ip.noGrad;
    if (setsOnCall && known) ip.noGrad = off ? saved + 1 : 0;
    ctx.enter = (ip2) => {
      if (setsOnCall && known) return NONE;
      saved = ip2.noGrad;
      ip2.noGrad = off ? saved + 1 : 0;
      return NONE;
    };
    ctx.exit = (ip2) => {
      ip2.noGrad = saved;
    };
    return ctx;
  };
export const enableGradContext: NativeFn = gradMode(false);
export const setGradEnabled: NativeFn = gradMode(true);

/** torch.autocast(device_type, dtype=...) / torch.cuda.amp.autocast(...) / torch.amp.autocast(...). */
export const autocastContext =
  (cudaDefault: boolean): NativeFn =>
  (_ip, args, kw, node) => {
    const device = asString(kw.get("device_type") ?? args[0]) ?? (cudaDefault ? "cuda" : "cuda");
    const p = precisionOfDtype(kw.get("dtype") ?? args.find((a) => a.k === "str" && a.v.startsWith("torch.")));
    const enabled = kw.get("enabled");
    const dtype: "fp16" | "bf16" = p === "bf16" ? "bf16" : p === "fp16" ? "fp16" : device === "cpu" ? "bf16" : "fp16";
    const on = !(enabled?.k === "bool" && !enabled.v);
    const ctx: NativeV = nativeObject("autocast", {}, {});
    ctx.enter = (ip) => {
      ip.autocast.push(on ? dtype : null);
      if (on)
        ip.event(
          {
            kind: "precision",
            precision: dtype === "bf16" ? "bf16-mixed" : "fp16-mixed",
            how: "autocast",
            modelId: null,
          },
          node,
        );
      return NONE;
    };
    ctx.exit = (ip) => {
      ip.autocast.pop();
    };
    return ctx;
  };

export const makeGradScaler: NativeFn = (ip, _args, kw, node) => {
  const enabled = kw.get("enabled");
  if (!(enabled?.k === "bool" && !enabled.v))
    ip.event({ kind: "precision", precision: "fp16-mixed", how: "GradScaler", modelId: null }, node);
  return nativeObject(
    "GradScaler",
    {},
    {
      scale: (_ip, _self, [loss]) => loss ?? NONE,
      step(ip2, _self, _a, _kw, n) {
        ip2.event({ kind: "optimizerStep" }, n);
        return NONE;
      },
      update: () => NONE,
      unscale_: () => NONE,
    },
  );
};

export const makeDevice: NativeFn = (ip, [spec], _kw, node) => {
  const kind = deviceKindOf(spec) ?? (spec?.k === "unknown" ? "unknown" : "cpu");
  if (kind === "gpu" || kind === "mps" || kind === "tpu")
    ip.event({ kind: "device", device: kind, count: null, how: `torch.device(${asString(spec) ?? "…"})` }, node);
  return {
    k: "native",
    type: "device",
    data: { kind },
    getattr: (_i, me, name) =>
      name === "type" ? { k: "str", v: String(me.data.kind === "gpu" ? "cuda" : me.data.kind) } : undefined,
  };
};

/**
 * torch.multiprocessing.spawn(fn, args=(...), nprocs=n): the script's training runs in n processes.
 * fn runs once as rank 0 (every rank does the same work on its shard); when it placed work on the
 * GPU, n is the GPU count, as DDP runs one process per GPU.
 */
export const makeSpawn: NativeFn = (ip, [fn, args, nprocs], kw, node) => {
  const a = kw.get("args") ?? args;
  const n = asInt(kw.get("nprocs") ?? nprocs ?? NONE) ?? 1;
  const before = ip.trace.length;
  if (fn) callValue(ip, fn, [int(0), ...(a?.k === "tuple" || a?.k === "list" ? a.items : [])], new Map(), node);
  const onGpu = ip.trace.slice(before).some((e) => e.kind === "device" && e.device === "gpu");
  if (onGpu && n > 1)
    ip.event({ kind: "device", device: "gpu", count: n, how: `torch.multiprocessing.spawn(nprocs=${n})` }, node);
  return NONE;
};

/** DistributedDataParallel / DataParallel wrap a model: the wrapper is the model for costing. */
export const makeParallel =
  (how: string): NativeFn =>
  (ip, [model], kw: Kw, node: Node | null) => {
    const ids = kw.get("device_ids");
    const count = ids && (ids.k === "list" || ids.k === "tuple") ? ids.items.length : null;
    ip.event({ kind: "device", device: "gpu", count: how === "DataParallel" ? count : null, how }, node);
    return model ?? NONE;
  };

export const makeSave =
  (how: string, returnsModel: boolean): NativeFn =>
  (ip: Interp, [obj], _kw, node) => {
    ip.event({ kind: "save", modelId: modelIdOf(obj), how }, node);
    return returnsModel ? (obj ?? NONE) : NONE;
  };
