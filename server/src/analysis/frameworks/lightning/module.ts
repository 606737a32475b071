// Lightning's base classes: LightningModule is an nn.Module subclass (parameters, children and
// forward come from torch's Module) with the hooks a training_step uses (log, hparams,
// save_hyperparameters, optimizers, manual_backward); LightningDataModule holds the data hooks.
// One pair of classes per analysis, shared by `lightning` and `pytorch_lightning` imports.
import { callMethod } from "../../evaluate/calls/call";
import { lookupClassAttr, makeClass } from "../../evaluate/classes";
import type { Interp } from "../../evaluate/interp";
import { nativeObject } from "../../evaluate/nativeHelpers";
import {
  asString,
  builtin,
  type ClassV,
  int,
  list,
  NONE,
  type NativeFn,
  str,
  TRUE,
  tuple,
  unknown,
  type Value,
} from "../../evaluate/values";
import { torchRoot } from "../torch/package";

export interface LightningClasses {
  module: ClassV;
  dataModule: ClassV;
}

const CLASSES = new WeakMap<Interp, LightningClasses>();

/** Lightning's AttributeDict: `self.hparams.lr` and `self.hparams["lr"]`. */
export function attributeDict(entries: Map<string, Value>): Value {
  const d = nativeObject(
    "AttributeDict",
    {},
    {
      get: (_ip, _me, [k, dflt]) => entries.get(asString(k) ?? "") ?? dflt ?? NONE,
      keys: () => list([...entries.keys()].map(str)),
      items: () => list([...entries].map(([k, v]) => tuple([str(k), v]))),
      values: () => list([...entries.values()]),
    },
    (_me, name) => entries.get(name),
  );
  d.getitem = (_ip, _me, key, node) =>
    entries.get(asString(key) ?? "") ?? unknown(`hparams[${asString(key) ?? "?"}]`, node);
  d.setattr = (_me, name, v) => {
    entries.set(name, v);
    return true;
  };
  return d;
}

/**
 * `self.save_hyperparameters()` inside `__init__`: the constructor's arguments (all, the names
 * given, or a dict/Namespace passed) become `self.hparams`, minus `ignore=`.
 */
const saveHyperparameters: NativeFn = (ip, [self, ...names], kw) => {
  if (self?.k !== "instance") return NONE;
  const ignore = new Set(
    (kw.get("ignore")?.k === "list" ? (kw.get("ignore") as { items: Value[] }).items : [kw.get("ignore") ?? NONE])
      .map(asString)
      .filter((n): n is string => n !== null),
  );
  const entries = new Map<string, Value>();
  const first = names[0];
  if (first?.k === "dict") {
    for (const [k, v] of first.map.values()) if (k.k === "str") entries.set(k.v, v);
  } else if (first?.k === "instance" && !first.mod) {
    for (const [k, v] of first.attrs) entries.set(k, v);
  } else {
    const frame = ip.funcStack[ip.funcStack.length - 1];
    const wanted = names.map(asString).filter((n): n is string => n !== null);
    if (frame)
      for (const p of frame.f.params.slice(1)) {
        if (p.kind !== "pos" && p.kind !== "kwonly") continue;
        if (ignore.has(p.name) || (wanted.length > 0 && !wanted.includes(p.name))) continue;
        const v = frame.scope.vars.get(p.name);
        if (v) entries.set(p.name, v);
      }
  }
  self.attrs.set("hparams", attributeDict(entries));
  return NONE;
};

const noop: NativeFn = () => NONE;

function moduleMethods(): Map<string, Value> {
  const m = new Map<string, Value>();
  const add = (name: string, f: NativeFn) => m.set(name, builtin(`LightningModule.${name}`, f));
  add("save_hyperparameters", saveHyperparameters);
  // A module without forward (training_step calls self.net directly) is costed through its
  // training_step: the cost trace calls forward with the batch, which runs one step on it.
  add("forward", (ip, [self, ...args], _kw, node) => {
    if (self?.k !== "instance" || lookupClassAttr(self.cls, "training_step")?.k !== "func")
      return unknown("forward is not defined", node);
    return callMethod(ip, self, "training_step", [args.length === 1 ? args[0] : tuple(args), int(0)], node);
  });
  for (const n of ["log", "log_dict", "print", "toggle_optimizer", "untoggle_optimizer", "clip_gradients"])
    add(n, noop);
  // Manual optimisation: the loss is backpropagated by Lightning's loop (priced from the fit event).
  add("manual_backward", noop);
  add("optimizers", (_ip, [self]) =>
    self?.k === "instance" ? (self.attrs.get("__fp_optimizers") ?? unknown("optimizers of the module")) : NONE,
  );
  add("lr_schedulers", () => unknown("learning-rate schedulers of the module"));
  add("all_gather", (_ip, [, x]) => x ?? NONE);
  add("freeze", (ip, [self], _kw, node) => {
    const req = self?.k === "instance" ? self.cls.mro.find((c) => c.qualname === "torch.nn.Module") : undefined;
    const f = req?.attrs.get("requires_grad_");
    return f && f.k === "builtin" && self ? f.fn(ip, [self, { k: "bool", v: false }], new Map(), node) : NONE;
  });
  add("unfreeze", (ip, [self], _kw, node) => {
    const req = self?.k === "instance" ? self.cls.mro.find((c) => c.qualname === "torch.nn.Module") : undefined;
    const f = req?.attrs.get("requires_grad_");
    return f && f.k === "builtin" && self ? f.fn(ip, [self, TRUE], new Map(), node) : NONE;
  });
  add("to_torchscript", (ip, [self], _kw, node) => {
    ip.event(
      { kind: "save", modelId: self?.k === "instance" && self.mod ? self.mod.id : null, how: "to_torchscript" },
      node,
    );
    return self ?? NONE;
  });
  add("to_onnx", (ip, [self], _kw, node) => {
    ip.event({ kind: "save", modelId: self?.k === "instance" && self.mod ? self.mod.id : null, how: "to_onnx" }, node);
    return NONE;
  });
  // Plain attributes a step reads before fit sets them: epoch 0, step 0, the Trainer's device.
  m.set("current_epoch", int(0));
  m.set("global_step", int(0));
  m.set("device", unknown("the device the Trainer places the module on"));
  m.set("logger", unknown("the Trainer's logger"));
  m.set("automatic_optimization", TRUE);
  return m;
}

function dataModuleMethods(): Map<string, Value> {
  const m = new Map<string, Value>();
  const add = (name: string, f: NativeFn) => m.set(name, builtin(`LightningDataModule.${name}`, f));
  add("__init__", noop);
  add("save_hyperparameters", saveHyperparameters);
  for (const n of ["prepare_data", "setup", "teardown"]) add(n, noop);
  for (const n of ["train_dataloader", "val_dataloader", "test_dataloader", "predict_dataloader"])
    add(n, () => unknown(`${n} is not defined by the data module`));
  return m;
}

export function lightningClasses(ip: Interp): LightningClasses {
  let c = CLASSES.get(ip);
  if (c) return c;
  torchRoot(ip);
  const moduleBase = ip.torch?.moduleClass;
  const module = makeClass("LightningModule", moduleBase ? [moduleBase] : [], moduleMethods(), {
    qualname: "lightning.pytorch.LightningModule",
  });
  const dataModule = makeClass("LightningDataModule", [], dataModuleMethods(), {
    qualname: "lightning.pytorch.LightningDataModule",
  });
  c = { module, dataModule };
  CLASSES.set(ip, c);
  return c;
}

export function isDataModule(v: Value | undefined): boolean {
  return v?.k === "instance" && v.cls.mro.some((c) => c.qualname === "lightning.pytorch.LightningDataModule");
}
