// `tf.distribute` strategies: MirroredStrategy trains on every GPU the process sees unless
// `devices=` lists them, so without that list the count is decided at launch, not in the script.
import type { Node } from "web-tree-sitter";
import type { Interp } from "../../../evaluate/interp";
import { fn, nativeModule, nativeObject } from "../../../evaluate/nativeHelpers";
import { int, type Kw, NONE, unknown, type Value } from "../../../evaluate/values";

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
