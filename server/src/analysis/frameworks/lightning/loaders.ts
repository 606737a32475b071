// The loaders a Lightning Trainer runs: device placement (devices × num_nodes, DistributedSampler
// shards), per-process batches under limit_*_batches, and the validate / test / predict passes that
// run one forward over their loader and join the fit's run.
import type { Node } from "web-tree-sitter";
import { callMethod } from "../../evaluate/calls/call";
import { lookupClassAttr } from "../../evaluate/classes";
import type { Interp } from "../../evaluate/interp";
import type { LoaderInfo, TraceEvent } from "../../evaluate/trace";
import { asInt, asString, type Kw, type NativeV, str, type Value } from "../../evaluate/values";
import { isDataModule } from "./module";

/** devices=4 / "4" / [0, 1] / "0,1" → a count; "auto" and -1 (all visible) → null. */
export function deviceCount(v: Value | undefined): number | null {
  if (!v || v.k === "none") return null;
  if (v.k === "list" || v.k === "tuple") return v.items.length;
  const n = asInt(v);
  if (n !== null) return n > 0 ? n : null;
  const s = asString(v);
  if (s === null || s === "auto" || s === "-1") return null;
  if (/^\d+$/.test(s.trim())) return Number(s);
  const ids = s.split(",").filter((x) => x.trim() !== "");
  return ids.length > 0 ? ids.length : null;
}

export function loaderOf(v: Value | undefined): NativeV | null {
  if (!v) return null;
  if (v.k === "native" && v.loop?.loader) return v;
  if (v.k === "list" || v.k === "tuple") return loaderOf(v.items[0]);
  if (v.k === "dict") return loaderOf([...v.map.values()][0]?.[1]);
  return null;
}

/**
 * Batches one process draws per epoch. Under a multi-device strategy Lightning gives each process a
 * DistributedSampler, which hands it ceil(N / devices) samples (torch.utils.data.DistributedSampler,
 * drop_last=False); a `dp` strategy splits each batch instead, so every process sees the whole set.
 */
export function perDeviceBatches(info: LoaderInfo, trips: number | null, shards: number): number | null {
  const n = info.dataset?.samples;
  if (shards <= 1 || n == null || info.batchSize === null) return trips;
  const each = Math.ceil(n / shards);
  return info.dropLast ? Math.floor(each / info.batchSize) : Math.ceil(each / info.batchSize);
}

export function limitedBatches(own: number, limit: Value | undefined): number {
  if (!limit || limit.k !== "num") return own;
  return limit.int ? Math.min(own, limit.v) : Math.floor(own * limit.v);
}

/**
 * `limit_train_batches` / `limit_val_batches`: a float is a fraction of the batches, an int a number
 * of batches (Lightning docs), counted per process: on `shards` devices each keeps that many of its
 * own share, so the epoch holds shards × as many samples.
 */
export function limitLoader(
  info: LoaderInfo,
  trips: number | null,
  limit: Value | undefined,
  shards: number,
  flag = "limit_train_batches",
): LoaderInfo {
  const own = perDeviceBatches(info, trips, shards);
  if (!limit || limit.k !== "num" || !info.dataset || info.batchSize === null || own === null) return info;
  const batches = limitedBatches(own, limit);
  if (batches >= own) return info;
  const samples = Math.min(info.dataset.samples ?? Number.POSITIVE_INFINITY, batches * info.batchSize * shards);
  const per = shards > 1 ? `, on each of ${shards} devices` : "";
  const name = `${info.dataset.name ?? "dataset"} (${flag}=${limit.v}${per})`;
  return { ...info, dataset: { ...info.dataset, name, samples } };
}

/** Devices the Trainer asks for (devices × num_nodes) and the shards a DistributedSampler splits data into. */
export function placement(tkw: Kw): { accelerator: string | null; count: number | null; shards: number } {
  const gpus = deviceCount(tkw.get("gpus"));
  const tpus = deviceCount(tkw.get("tpu_cores"));
  const nodes = asInt(tkw.get("num_nodes")) ?? 1;
  const devices = deviceCount(tkw.get("devices")) ?? gpus ?? tpus;
  const accelerator = asString(tkw.get("accelerator")) ?? (gpus ? "gpu" : tpus ? "tpu" : null);
  const count = devices !== null ? devices * Math.max(1, nodes) : null;
  const strategy = asString(tkw.get("strategy"));
  return { accelerator, count, shards: count !== null && count > 1 && strategy !== "dp" ? count : 1 };
}

const PASSES = {
  validate: { step: "validation_step", hook: "val_dataloader", limit: "limit_val_batches" },
  test: { step: "test_step", hook: "test_dataloader", limit: "limit_test_batches" },
  predict: { step: "predict_step", hook: "predict_dataloader", limit: "limit_predict_batches" },
} as const;

/**
 * trainer.validate / test / predict(model=None, dataloaders=None, ..., datamodule=None): one forward
 * pass over that loader (after its limit_*_batches), joined to the fit of this Trainer (pending when
 * called before fit). Without a model or loaders Lightning reuses fit's; validate and test need the
 * module's validation_step / test_step, predict falls back to LightningModule.predict_step (forward).
 */
export function evalPass(
  ip: Interp,
  trainer: NativeV,
  stage: keyof typeof PASSES,
  args: Value[],
  kw: Kw,
  node: Node | null,
): void {
  const pass = PASSES[stage];
  const d = trainer.data as { kw: Kw; fitModel?: Value; fitDm?: Value; fitEvent?: LightningFitEvent; pending?: number };
  const first = args[0];
  const given = kw.get("model") ?? (first && !isDataModule(first) ? first : undefined);
  const model = given && given.k !== "none" ? given : d.fitModel;
  if (model?.k !== "instance") return;
  if (stage !== "predict" && lookupClassAttr(model.cls, pass.step)?.k !== "func") return;
  let dl: Value | undefined = kw.get("dataloaders") ?? (given ? args[1] : first);
  let dm = kw.get("datamodule");
  if (!dm && isDataModule(dl)) [dm, dl] = [dl, undefined];
  const hook = (owner: Value | undefined): Value | null =>
    owner?.k === "instance" && lookupClassAttr(owner.cls, pass.hook)?.k === "func"
      ? callMethod(ip, owner, pass.hook, [], node)
      : null;
  if ((!dl || dl.k === "none") && dm?.k === "instance")
    callMethod(ip, dm, "setup", [], node, new Map([["stage", str(stage === "validate" ? "validate" : stage)]]));
  const loader = loaderOf(dl && dl.k !== "none" ? dl : (hook(dm) ?? hook(model) ?? hook(d.fitDm) ?? undefined));
  const info = loader?.loop?.loader ?? null;
  const shards = placement(d.kw).shards;
  const limited = info
    ? limitLoader(info, loader?.loop?.tripCount ?? null, d.kw.get(pass.limit), shards, pass.limit)
    : null;
  const rows = limited?.dataset?.samples ?? null;
  if (rows === null) {
    ip.note(`trainer.${stage} on a loader of unknown size: that pass is not priced`, node);
    return;
  }
  if (d.fitEvent) d.fitEvent.extraEvalSamples = (d.fitEvent.extraEvalSamples ?? 0) + rows;
  else d.pending = (d.pending ?? 0) + rows;
}

export type LightningFitEvent = Extract<TraceEvent, { kind: "lightningFit" }>;
