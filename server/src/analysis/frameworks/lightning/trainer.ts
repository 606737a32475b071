// Lightning `Trainer(...)` and `trainer.fit(model, ...)`: finds the training DataLoader (argument,
// datamodule hooks or the module's own train_dataloader), runs configure_optimizers and one
// training_step on a symbolic batch (so the model's forward sees the loader's sample shape, as in a
// PyTorch loop), and records a `lightningFit` event with the Trainer's schedule, precision and devices.
import type { Node } from "web-tree-sitter";
import { callMethod } from "../../evaluate/calls/call";
import { lookupClassAttr } from "../../evaluate/classes";
import type { Interp } from "../../evaluate/interp";
import { fn, nativeObject } from "../../evaluate/nativeHelpers";
import {
  asInt,
  asNumber,
  asString,
  type InstanceV,
  int,
  type Kw,
  openKw,
  NONE,
  type NativeV,
  str,
  truthy,
  unknown,
  type Value,
} from "../../evaluate/values";
import type { Precision } from "../../types";
import { callModule } from "../torch/moduleCall";
import { resumeArg } from "../transformers/trainer";
import {
  deviceCount,
  evalPass,
  type LightningFitEvent,
  limitedBatches,
  limitLoader,
  loaderOf,
  perDeviceBatches,
  placement,
} from "./loaders";
import { maxTimeOf } from "./maxTime";

export { deviceCount } from "./loaders";
import { isDataModule } from "./module";

/** Trainer(precision=...) per the Lightning 2 docs: 64/32/16(-mixed)/bf16(-mixed) and the -true variants. */
export function lightningPrecision(v: Value | undefined): Precision | null {
  if (!v || v.k === "none") return null;
  const s = asString(v) ?? (v.k === "num" ? String(v.v) : null);
  if (s === null) return null;
  const table: Record<string, Precision> = {
    "64": "fp64",
    "64-true": "fp64",
    "32": "fp32",
    "32-true": "fp32",
    "16": "fp16-mixed",
    "16-mixed": "fp16-mixed",
    bf16: "bf16-mixed",
    "bf16-mixed": "bf16-mixed",
    "16-true": "fp16",
    "bf16-true": "bf16",
  };
  return table[s] ?? null;
}

/** The loaders `fit` would use: arguments, datamodule hooks, else the module's own hooks. */
function fitLoaders(
  ip: Interp,
  model: Value,
  args: Value[],
  kw: Kw,
  trainer: NativeV,
  node: Node | null,
): { train: Value | null; val: Value | null } {
  let dl: Value | undefined = kw.get("train_dataloaders") ?? kw.get("train_dataloader") ?? args[0];
  const val: Value | undefined = kw.get("val_dataloaders") ?? args[1];
  let dm = kw.get("datamodule");
  if (!dm && isDataModule(dl)) {
    dm = dl;
    dl = undefined;
  }
  // Lightning runs the validation loop only when the module defines validation_step.
  const validates = model.k === "instance" && lookupClassAttr(model.cls, "validation_step")?.k === "func";
  const hook = (owner: Value, name: string): Value | null =>
    owner.k === "instance" && lookupClassAttr(owner.cls, name)?.k === "func"
      ? callMethod(ip, owner, name, [], node)
      : null;
  if (dl && dl.k !== "none")
    return { train: dl, val: validates ? (val && val.k !== "none" ? val : hook(model, "val_dataloader")) : null };
  if (dm && dm.k === "instance") {
    dm.attrs.set("trainer", trainer);
    callMethod(ip, dm, "prepare_data", [], node);
    callMethod(ip, dm, "setup", [], node, new Map([["stage", str("fit")]]));
    return { train: hook(dm, "train_dataloader"), val: validates ? hook(dm, "val_dataloader") : null };
  }
  return { train: hook(model, "train_dataloader"), val: validates ? hook(model, "val_dataloader") : null };
}

/**
 * Validation passes per training epoch: `check_val_every_n_epoch` (default 1) spaces them out;
 * `val_check_interval` as a float < 1 runs 1/v per epoch, as an int every N training batches
 * (Lightning Trainer docs) of one process's share (`trainBatches`).
 */
function validationsPerEpoch(tkw: Kw, trainBatches: number | null): number {
  const every = everyN(tkw);
  const interval = tkw.get("val_check_interval");
  let perEpoch = 1;
  if (interval?.k === "num" && interval.v > 0) {
    if (!interval.int && interval.v < 1) perEpoch = Math.floor(1 / interval.v);
    else if (interval.int && trainBatches !== null) perEpoch = Math.max(1, Math.floor(trainBatches / interval.v));
  }
  return every !== null ? perEpoch / every : perEpoch;
}

/** `check_val_every_n_epoch` when it skips epochs (above 1), else null. */
function everyN(tkw: Kw): number | null {
  const every = asInt(tkw.get("check_val_every_n_epoch"));
  return every !== null && every > 1 ? every : null;
}

/** Callback class names handed to the Trainer, for run evidence and the early-stopping rule. */
function callbackNames(v: Value | undefined): string[] {
  const items = v && (v.k === "list" || v.k === "tuple") ? v.items : v && v.k !== "none" ? [v] : [];
  return items.map((c) =>
    c.k === "native" ? (c.type.split(".").pop() ?? c.type) : c.k === "instance" ? c.cls.name : "unknown",
  );
}

/** configure_optimizers' optimizer (for `self.optimizers()`), whatever shape it is returned in. */
function firstOptimizer(v: Value): Value {
  if (v.k === "tuple" || v.k === "list") return v.items[0] ? firstOptimizer(v.items[0]) : NONE;
  if (v.k === "dict") return [...v.map.values()].find(([k]) => k.k === "str" && k.v === "optimizer")?.[1] ?? NONE;
  return v;
}

/**
 * training_step did not call `self(...)` (it used a child such as `self.net`): the module's cost
 * input is the batch — its first tensor for a user forward, else the whole batch, which
 * LightningModule's own forward hands to training_step.
 */
function observeBatch(ip: Interp, model: InstanceV, batch: Value): void {
  const items = batch.k === "tuple" || batch.k === "list" ? batch.items : [batch];
  const userForward = lookupClassAttr(model.cls, "forward")?.k === "func";
  const args = userForward ? items.slice(0, 1) : items;
  // A Hugging Face dict batch (`self.model(**batch)` in training_step) goes whole to the inherited
  // forward, which hands it to training_step; its first column (input_ids) is the shape shown.
  const dictColumn =
    !userForward && batch.k === "dict"
      ? [...batch.map.values()].map(([, x]) => x).find((x) => x.k === "tensor" && x.shape)
      : undefined;
  const first = dictColumn ?? args.find((a) => a.k === "tensor");
  if (model.mod && first?.k === "tensor" && first.shape)
    ip.observedInputs.set(model.mod, { args, kw: new Map(), origin: first.origin ?? "the training batch" });
}

/**
 * `devices="auto"` / `devices=-1` (or the old `gpus=-1`) on GPUs: every GPU the process sees, so
 * the count is decided at launch; a device event whose `how` run/runFacts.ts recognises says so.
 */
function allVisible(ip: Interp, tkw: Kw, node: Node | null): void {
  for (const name of ["devices", "gpus"]) {
    const v = tkw.get(name);
    const s = v ? (asString(v) ?? (v.k === "num" ? String(v.v) : null)) : null;
    if (s === "auto" || s === "-1") {
      const shown = s === "auto" ? '"auto"' : s;
      ip.event({ kind: "device", device: "gpu", count: null, how: `Trainer(${name}=${shown})` }, node);
      return;
    }
  }
}

function fit(ip: Interp, trainer: NativeV, args: Value[], kw: Kw, node: Node | null): Value {
  const tkw = trainer.data.kw as Kw;
  const model = kw.get("model") ?? args[0] ?? NONE;
  if (model.k === "instance") model.attrs.set("trainer", trainer);
  const loaders = fitLoaders(ip, model, args.slice(1), kw, trainer, node);
  const loader = loaderOf(loaders.train ?? undefined);
  const valLoader = loaderOf(loaders.val ?? undefined);
  if (!loader)
    ip.note(
      "the training DataLoader of this fit is not known",
      node,
      "add `# footprint: samples N` (and `# footprint: input ...`)",
    );
  if (model.k === "instance") {
    const opt = lookupClassAttr(model.cls, "configure_optimizers");
    if (opt?.k === "func")
      model.attrs.set("__fp_optimizers", firstOptimizer(callMethod(ip, model, "configure_optimizers", [], node)));
    // One training step on a symbolic batch: the forward inside sees the loader's sample shape.
    const batch = loader?.loop?.sample ?? unknown("batch of an unknown loader", node);
    if (lookupClassAttr(model.cls, "training_step")?.k === "func")
      callMethod(ip, model, "training_step", [batch, int(0)], node);
    const example = model.attrs.get("example_input_array");
    if (model.mod && !ip.observedInputs.has(model.mod) && example?.k === "tensor" && example.shape)
      callModule(ip, model, [example], new Map(), node);
    if (model.mod && !ip.observedInputs.has(model.mod)) observeBatch(ip, model, batch);
  }
  const info = loader?.loop?.loader ?? null;
  const fastDev = tkw.get("fast_dev_run");
  const fastSteps = fastDev ? (asInt(fastDev) ?? (truthy(fastDev) ? 1 : null)) : null;
  const { accelerator, count, shards } = placement(tkw);
  const own = info ? perDeviceBatches(info, loader?.loop?.tripCount ?? null, shards) : null;
  const trainTrips = own === null ? null : limitedBatches(own, tkw.get("limit_train_batches"));
  if (!/cpu|tpu|mps/i.test(accelerator ?? "")) allVisible(ip, tkw, node);
  const before = ip.trace.length;
  ip.event(
    {
      kind: "lightningFit",
      modelId: model.k === "instance" && model.mod ? model.mod.id : null,
      maxEpochs: asInt(tkw.get("max_epochs")),
      maxSteps: fastSteps ?? asInt(tkw.get("max_steps")),
      precision: lightningPrecision(tkw.get("precision")),
      devices: count,
      accelerator,
      loader: info ? limitLoader(info, loader?.loop?.tripCount ?? null, tkw.get("limit_train_batches"), shards) : null,
      accumulate: asInt(tkw.get("accumulate_grad_batches")),
      valLoader: valLoader?.loop?.loader
        ? limitLoader(
            valLoader.loop.loader,
            valLoader.loop.tripCount ?? null,
            tkw.get("limit_val_batches"),
            shards,
            "limit_val_batches",
          )
        : null,
      valPerEpoch: validationsPerEpoch(tkw, trainTrips),
      ...(everyN(tkw) ? { valEveryNEpochs: everyN(tkw)! } : {}),
      callbacks: callbackNames(tkw.get("callbacks")),
      maxTime: maxTimeOf(tkw.get("max_time")),
      ...(openKw(tkw) ? { trainerOpen: openKw(tkw) } : {}),
      // fit(ckpt_path="last" | path) restores the loops' progress and trains only what is left
      // (Lightning docs, Trainer.fit); None starts fresh.
      ...(resumeArg(kw.get("ckpt_path")) !== null ? { resumeFrom: resumeArg(kw.get("ckpt_path")) as string } : {}),
    },
    node,
  );
  // validate / test / predict after this fit reuse its model and datamodule, and join its run.
  const ev = ip.trace.length > before ? ip.trace.at(-1) : undefined;
  const d = trainer.data as { fitModel?: Value; fitDm?: Value; fitEvent?: LightningFitEvent; pending?: number };
  d.fitModel = model;
  d.fitDm = kw.get("datamodule") ?? (isDataModule(args[1]) ? args[1] : undefined);
  if (ev?.kind === "lightningFit") {
    d.fitEvent = ev;
    if (d.pending) ev.extraEvalSamples = d.pending;
    d.pending = 0;
  }
  return NONE;
}

export const lightningTrainer = fn("lightning.Trainer", (_ip, _a, kw) => {
  const trainer: NativeV = nativeObject(
    "lightning.Trainer",
    { kw },
    {
      fit: (ip, me, args, kw2, node) => fit(ip, me, args, kw2, node),
      validate(ip, me, args, kw2, node) {
        evalPass(ip, me, "validate", args, kw2, node);
        return NONE;
      },
      test(ip, me, args, kw2, node) {
        evalPass(ip, me, "test", args, kw2, node);
        return NONE;
      },
      predict(ip, me, args, kw2, node) {
        evalPass(ip, me, "predict", args, kw2, node);
        return unknown("predictions", node);
      },
      save_checkpoint(ip, _me, _a, _kw, node) {
        ip.event({ kind: "save", modelId: null, how: "Trainer.save_checkpoint" }, node);
        return NONE;
      },
    },
    (_me, name) => {
      const v = kw.get(name);
      if (v) return v;
      if (name === "current_epoch" || name === "global_step") return int(0);
      if (name === "num_devices" || name === "world_size") {
        const n = deviceCount(kw.get("devices"));
        return n !== null ? int(n) : unknown("number of devices at run time");
      }
      if (name === "max_epochs") return asNumber(kw.get("max_steps")) ? int(-1) : int(1000);
      return undefined;
    },
  );
  return trainer;
});
