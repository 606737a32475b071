// Hugging Face `accelerate`: an `Accelerator` wraps a plain PyTorch loop. `prepare(...)` hands its
// arguments back (so the loop still sees the model, loader and optimizer), `backward(loss)` is
// autograd, `mixed_precision=` sets the run's precision and the accelerator puts work on the GPU.
// The process count comes from `accelerate launch`, which the script does not show: one is assumed
// unless the script's own device facts or a directive say otherwise.
import type { Node } from "web-tree-sitter";
import type { Interp } from "../../evaluate/interp";
import { fn, nativeModule, nativeObject } from "../../evaluate/nativeHelpers";
import { callValue } from "../../evaluate/calls/call";
import { asInt, asString, bool, int, type Kw, NONE, str, tuple, type Value } from "../../evaluate/values";
import type { Precision } from "../../types";
import { ACCELERATOR_HOW } from "../loopWrappers";
import { makeDevice } from "../torch/training";
import { dsConfigOf, dsPrecision, zeroLine } from "../deepspeed/dsConfig";

const PRECISIONS: Record<string, Precision> = { bf16: "bf16-mixed", fp16: "fp16-mixed", fp8: "fp16-mixed" };

/** The torch.device an Accelerator hands out: the script runs on the accelerator it finds. */
function acceleratorDevice(ip: Interp, onCpu: boolean, node: Node | null): Value {
  return makeDevice(ip, [str(onCpu ? "cpu" : "cuda")], new Map(), node);
}

/** Interpreters inside notebook_launcher(...), whose mixed_precision= (default "no") fixes the precision. */
const underNotebookLauncher = new WeakSet<Interp>();

/**
 * accelerate's prepare() wraps a DataLoader in a BatchSamplerShard: on W processes whole batches are
 * dealt round-robin (split_batches=False, even_batches=True by default). Other settings (or a
 * dataloader_config the analysis does not read) keep the loader as one process sees it.
 */
function markSharded(v: Value | undefined, kw: Kw): void {
  if (v?.k !== "native" || !v.loop?.loader || v.loop.loader.shard) return;
  const off = (name: string, dflt: boolean) => {
    const x = kw.get(name);
    return x !== undefined && !(x.k === "bool" && x.v === dflt);
  };
  if (off("split_batches", false) || off("even_batches", true) || kw.has("dataloader_config")) return;
  v.loop.loader.accelerate = true;
}

function makeAccelerator(ip: Interp, kw: Kw, node: Node | null): Value {
  const given = kw.get("mixed_precision");
  const mixed = asString(given ?? NONE);
  const precision = mixed ? PRECISIONS[mixed] : undefined;
  // A DeepSpeedPlugin(hf_ds_config=...) whose config enables fp16/bf16 decides the precision itself.
  const dsDecides = deepSpeedPluginConfig(ip, kw.get("deepspeed_plugin"), node);
  // Accelerator(mixed_precision=None) reads ACCELERATE_MIXED_PRECISION, which `accelerate launch`
  // sets from --mixed_precision or the config file (--config_file, else the saved default config):
  // a launch-time value the script does not show.
  if ((!given || given.k === "none") && !underNotebookLauncher.has(ip) && !dsDecides)
    ip.note(
      "Accelerator() without mixed_precision=: accelerate launch sets it (--mixed_precision or the --config_file YAML), so the run is priced at the script's own precision (fp32 unless set elsewhere)",
      node,
      'pass mixed_precision="bf16" (or "no") to Accelerator() so the script states what the launch config does',
    );
  if (precision)
    ip.event({ kind: "precision", precision, how: `Accelerator(mixed_precision="${mixed}")`, modelId: null }, node);
  const cpu = kw.get("cpu");
  const onCpu = cpu?.k === "bool" && cpu.v;
  ip.event({ kind: "device", device: onCpu ? "cpu" : "gpu", count: null, how: ACCELERATOR_HOW }, node);
  const passThrough = (value: Value | undefined) => value ?? NONE;
  const noOp = () => NONE;
  const context = () => {
    const ctx = nativeObject("accelerate.context", {}, {});
    ctx.enter = () => NONE;
    ctx.exit = () => {};
    return ctx;
  };
  return nativeObject(
    "Accelerator",
    { kw },
    {
      // The same objects come back, in order; a DataLoader is marked as sharded by batches.
      prepare: (_ip, _self, args) => {
        for (const a of args) markSharded(a, kw);
        return args.length === 1 ? args[0] : tuple(args);
      },
      prepare_model: (_ip, _self, [m]) => passThrough(m),
      prepare_data_loader: (_ip, _self, [d]) => {
        markSharded(d, kw);
        return passThrough(d);
      },
      prepare_optimizer: (_ip, _self, [o]) => passThrough(o),
      prepare_scheduler: (_ip, _self, [s]) => passThrough(s),
      unwrap_model: (_ip, _self, [m]) => passThrough(m),
      backward(ip2, _self, _args, _kw, n) {
        ip2.event({ kind: "backward" }, n);
        return NONE;
      },
      gather: (_ip, _self, [t]) => passThrough(t),
      gather_for_metrics: (_ip, _self, [t]) => passThrough(t),
      reduce: (_ip, _self, [t]) => passThrough(t),
      pad_across_processes: (_ip, _self, [t]) => passThrough(t),
      accumulate: context,
      autocast: context,
      no_sync: context,
      main_process_first: context,
      local_main_process_first: context,
      clip_grad_norm_: noOp,
      clip_grad_value_: noOp,
      print: noOp,
      log: noOp,
      init_trackers: noOp,
      end_training: noOp,
      wait_for_everyone: noOp,
      save: noOp,
      save_model: noOp,
      save_state: noOp,
      load_state: noOp,
      register_for_checkpointing: noOp,
    },
    (_self, name) => {
      if (name === "device") return acceleratorDevice(ip, onCpu, node);
      if (name === "is_main_process" || name === "is_local_main_process") return bool(true);
      if (name === "num_processes") return int(1);
      if (name === "process_index" || name === "local_process_index") return int(0);
      if (name === "mixed_precision") return str(mixed ?? "no");
      if (name === "sync_gradients") return bool(true);
      return undefined;
    },
  );
}

/**
 * Accelerator(deepspeed_plugin=DeepSpeedPlugin(hf_ds_config=...)): the DeepSpeed config's fp16/bf16
 * and ZeRO offload, as deepspeed.initialize reads them; true when the config enables a precision.
 * Batch values left "auto" are filled by accelerate from the prepared DataLoader.
 */
function deepSpeedPluginConfig(ip: Interp, plugin: Value | undefined, node: Node | null): boolean {
  if (plugin?.k !== "native" || plugin.type !== "accelerate.DeepSpeedPlugin") return false;
  const pkw = plugin.data.kw as Kw;
  const src = pkw.get("hf_ds_config");
  const c = src && src.k !== "none" ? dsConfigOf(ip, src, node, "DeepSpeedPlugin(hf_ds_config=...)") : null;
  if (!c) {
    // zero_stage / offload_*_device keywords: offload runs on the host, which is not priced.
    const off = ["offload_optimizer_device", "offload_param_device"].filter((k) => {
      const d = asString(pkw.get(k) ?? NONE);
      return d !== null && d !== "none";
    });
    if (off.length > 0)
      ip.note(
        `DeepSpeedPlugin(${off.join(", ")}): the offloaded work runs on the host, whose time the estimate does not price`,
        node,
      );
    return false;
  }
  const precision = dsPrecision(c);
  if (precision)
    ip.event({ kind: "precision", precision, how: `DeepSpeed ${c.source} (DeepSpeedPlugin)`, modelId: null }, node);
  const zero = zeroLine(c);
  if (zero && c.offload.length > 0) ip.note(zero, node);
  return precision !== null;
}

/** `import accelerate` / `from accelerate import Accelerator`. */
export function accelerateRoot(): Value {
  const deepSpeedPlugin = fn("accelerate.DeepSpeedPlugin", (_ip, _a, kw) =>
    nativeObject("accelerate.DeepSpeedPlugin", { kw }, {}),
  );
  return nativeModule("accelerate", {
    Accelerator: fn("accelerate.Accelerator", (ip, _args, kw, node) => makeAccelerator(ip, kw, node)),
    notebook_launcher: fn("accelerate.notebook_launcher", notebookLauncher),
    DeepSpeedPlugin: deepSpeedPlugin,
    // accelerate.utils re-exports the plugin classes.
    utils: nativeModule("accelerate.utils", { DeepSpeedPlugin: deepSpeedPlugin }),
  });
}

/**
 * notebook_launcher(function, args=(), num_processes=None, mixed_precision="no", ..., num_nodes=1):
 * accelerate starts `function(*args)` in num_processes processes per node (elastic_launch with
 * nproc_per_node=num_processes, nnodes=num_nodes; accelerate docs, launchers.notebook_launcher), so
 * the training is the function's, run here once as one rank does it. Without num_processes the
 * count is every visible GPU, known only at launch: the Accelerator's own unknown then applies.
 */
function notebookLauncher(ip: Interp, [fnValue, args, procs, mixed]: Value[], kw: Kw, node: Node | null): Value {
  const a = kw.get("args") ?? args;
  const n = asInt(kw.get("num_processes") ?? procs ?? NONE);
  const nodes = asInt(kw.get("num_nodes") ?? NONE) ?? 1;
  // mixed_precision= reaches the Accelerator as ACCELERATE_MIXED_PRECISION; the event comes first so
  // an Accelerator(mixed_precision=...) inside the function, traced later, wins as it does at run time.
  const m = asString(kw.get("mixed_precision") ?? mixed ?? NONE);
  const precision = m ? PRECISIONS[m] : undefined;
  if (precision)
    ip.event({ kind: "precision", precision, how: `notebook_launcher(mixed_precision="${m}")`, modelId: null }, node);
  const before = ip.trace.length;
  const outer = underNotebookLauncher.has(ip);
  underNotebookLauncher.add(ip);
  try {
    if (fnValue) callValue(ip, fnValue, a?.k === "tuple" || a?.k === "list" ? a.items : [], new Map(), node);
  } finally {
    if (!outer) underNotebookLauncher.delete(ip);
  }
  const onGpu = ip.trace.slice(before).some((e) => e.kind === "device" && e.device === "gpu");
  if (onGpu && n !== null && n >= 1)
    ip.event(
      { kind: "device", device: "gpu", count: n * Math.max(1, nodes), how: `notebook_launcher(num_processes=${n})` },
      node,
    );
  return NONE;
}
