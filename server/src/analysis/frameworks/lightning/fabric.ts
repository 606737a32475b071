// Lightning Fabric: a plain PyTorch loop with Fabric doing placement and precision. `setup(...)`
// and `setup_dataloaders(...)` hand their arguments back, `backward(loss)` is the training step,
// `precision=` / `accelerator=` / `devices=` × `num_nodes=` say how the run is priced, and
// `launch(fn)` runs the user's function with the fabric as its first argument.
import type { Node } from "web-tree-sitter";
import { callValue } from "../../evaluate/calls/call";
import type { Interp } from "../../evaluate/interp";
import { fn, nativeObject } from "../../evaluate/nativeHelpers";
import { asInt, asString, bool, int, type Kw, NONE, type NativeV, tuple, type Value } from "../../evaluate/values";
import { FABRIC_HOW } from "../loopWrappers";
import { makeDevice } from "../torch/training";
import { deviceCount, lightningPrecision } from "./trainer";

const DEVICE_KINDS: Record<string, "gpu" | "cpu" | "tpu" | "mps"> = {
  cpu: "cpu",
  tpu: "tpu",
  mps: "mps",
  gpu: "gpu",
  cuda: "gpu",
};

/** One value back as itself, several as a tuple: what `setup(model, opt)` unpacks into. */
const handBack = (args: Value[]): Value => (args.length === 1 ? args[0] : args.length === 0 ? NONE : tuple(args));

function context(): NativeV {
  const ctx = nativeObject("lightning.fabric.context", {}, {});
  ctx.enter = () => NONE;
  ctx.exit = () => {};
  return ctx;
}

function makeFabric(ip: Interp, kw: Kw, node: Node | null): Value {
  const precision = lightningPrecision(kw.get("precision"));
  if (precision && precision !== "fp32")
    ip.event({ kind: "precision", precision, how: "Fabric(precision=…)", modelId: null }, node);
  // "auto" picks the accelerator it finds; a training script run with Fabric expects one.
  const kind = DEVICE_KINDS[asString(kw.get("accelerator") ?? NONE) ?? "auto"] ?? "gpu";
  const devices = deviceCount(kw.get("devices"));
  const nodes = asInt(kw.get("num_nodes") ?? NONE) ?? 1;
  const world = devices !== null ? devices * Math.max(1, nodes) : null;
  ip.event({ kind: "device", device: kind, count: world, how: FABRIC_HOW }, node);
  const noOp = () => NONE;
  const fabric: NativeV = nativeObject(
    "Fabric",
    { kw },
    {
      setup: (_ip, _self, args) => handBack(args),
      setup_module: (_ip, _self, [m]) => m ?? NONE,
      setup_optimizers: (_ip, _self, args) => handBack(args),
      setup_dataloaders: (_ip, _self, args) => handBack(args),
      backward(ip2, _self, _args, _kw, n) {
        ip2.event({ kind: "backward" }, n);
        return NONE;
      },
      launch(ip2, self, [fnValue, ...rest], _kw, n) {
        if (!fnValue || fnValue.k === "none") return NONE;
        return callValue(ip2, fnValue, [self, ...rest], new Map(), n);
      },
      to_device: (_ip, _self, [x]) => x ?? NONE,
      all_gather: (_ip, _self, [x]) => x ?? NONE,
      all_reduce: (_ip, _self, [x]) => x ?? NONE,
      broadcast: (_ip, _self, [x]) => x ?? NONE,
      autocast: context,
      no_backward_sync: context,
      rank_zero_first: context,
      init_module: context,
      init_tensor: context,
      clip_gradients: noOp,
      print: noOp,
      log: noOp,
      log_dict: noOp,
      save: noOp,
      load: noOp,
      barrier: noOp,
      seed_everything: noOp,
    },
    (_self, name) => {
      if (name === "device") return makeDevice(ip, [{ k: "str", v: kind === "gpu" ? "cuda" : kind }], new Map(), node);
      if (name === "global_rank" || name === "local_rank" || name === "node_rank") return int(0);
      if (name === "world_size") return int(world ?? 1);
      if (name === "is_global_zero") return bool(true);
      return undefined;
    },
  );
  return fabric;
}

/** `L.Fabric`, `lightning.fabric.Fabric`, `lightning_fabric.Fabric`. */
export const lightningFabric = fn("lightning.Fabric", (ip, _args, kw, node) => makeFabric(ip, kw, node));
