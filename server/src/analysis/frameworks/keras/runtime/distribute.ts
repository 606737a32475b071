// `tf.distribute` strategies: MirroredStrategy trains on every GPU the process sees unless
// `devices=` lists them, so without that list the count is decided at launch, not in the script;
// strategy.run calls the step function a custom distributed loop hands it.
import type { Node } from "web-tree-sitter";
import type { Interp } from "../../../evaluate/interp";
import { fn, nativeModule, nativeObject } from "../../../evaluate/nativeHelpers";
import { callValue } from "../../../evaluate/calls/call";
import { asString, int, type Kw, NONE, unknown, type Value } from "../../../evaluate/values";

/** `devices=["/gpu:0", "/gpu:1"]` → 2; absent or not a literal list → null (all visible GPUs). */
function listedDevices(v: Value | undefined): number | null {
  return v && (v.k === "list" || v.k === "tuple") && v.items.length > 0 ? v.items.length : null;
}

function strategy(ip: Interp, name: string, count: number | null, node: Node | null): Value {
  // The `how` names the strategy; run/runFacts.ts recognises it when the count is left to launch.
  ip.event({ kind: "device", device: "gpu", count, how: `tf.distribute.${name}()` }, node);
  return nativeObject(
    `tf.distribute.${name}`,
    {},
    {
      scope: () => {
        const ctx = nativeObject(`tf.distribute.${name}.scope`, {}, {});
        ctx.enter = () => NONE;
        ctx.exit = () => {};
        return ctx;
      },
      // The dataset is the same samples, split across replicas.
      experimental_distribute_dataset: (_ip, _me, [ds]) => ds ?? NONE,
      // strategy.run(step_fn, args=(batch,)) runs the step on every replica, each on its share of
      // the global batch: as priced, one step over the whole batch (a custom distributed loop).
      run: (ip2, _me, [f, a, k], kw, n) => {
        const fnV = kw.get("fn") ?? f;
        if (!fnV) return unknown("strategy.run without a function", n);
        const argsV = kw.get("args") ?? a;
        const kwargsV = kw.get("kwargs") ?? k;
        const callArgs = argsV && (argsV.k === "tuple" || argsV.k === "list") ? argsV.items : [];
        const callKw: Kw = new Map();
        if (kwargsV?.k === "dict")
          for (const [key, val] of kwargsV.map.values()) {
            const name = asString(key);
            if (name !== null) callKw.set(name, val);
          }
        return callValue(ip2, fnV, callArgs, callKw, n);
      },
      reduce: (_ip, _me, [, value]) => value ?? NONE,
    },
    (_me, attr) =>
      attr === "num_replicas_in_sync"
        ? count !== null
          ? int(count)
          : unknown("the number of replicas (all GPUs visible at launch)", node)
        : undefined,
  );
}

const make = (name: string, count: (kw: Kw, args: Value[]) => number | null) =>
  fn(`tf.distribute.${name}`, (ip, args, kw, node) => strategy(ip, name, count(kw, args), node));

/** `tf.distribute`: the strategies that decide how many GPUs a Keras fit uses. */
export function distributeModule(): Value {
  return nativeModule("tensorflow.distribute", {
    MirroredStrategy: make("MirroredStrategy", (kw, args) => listedDevices(kw.get("devices") ?? args[0])),
    MultiWorkerMirroredStrategy: make("MultiWorkerMirroredStrategy", () => null),
    OneDeviceStrategy: make("OneDeviceStrategy", () => 1),
  });
}
