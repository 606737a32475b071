// DeepSpeed: `deepspeed.initialize(model=..., config=...)` returns an engine that runs the model,
// whose `backward(loss)` / `step()` are the training step, plus the DataLoader it builds over
// `training_data=` at the config's micro batch. The config (dsConfig.ts) sets precision and, when it
// gives the whole batch triple, the GPU count; otherwise the `deepspeed` launcher decides that.
import type { Node } from "web-tree-sitter";
import { callMethod, callValue } from "../../evaluate/calls/call";
import { getAttr } from "../../evaluate/attributes";
import type { Interp } from "../../evaluate/interp";
import { fn, nativeModule, nativeObject, opaque } from "../../evaluate/nativeHelpers";
import { bool, int, type Kw, NONE, str, tuple, unknown, type Value } from "../../evaluate/values";
import { dataLoader } from "../torch/data";
import { makeDevice } from "../torch/training";
import { type DsConfig, dsBatch, dsConfigOf, dsPrecision, num, zeroLine } from "./dsConfig";

type Methods = Parameters<typeof nativeObject>[2];

/** The `how` of the device event: runFacts.ts reads it as a launcher-started run. */
const DEEPSPEED_HOW = "deepspeed.initialize";

/** Config facts every DeepSpeed run reports: precision, GPU count (when the triple fixes it), ZeRO. */
export function applyDsConfig(ip: Interp, c: DsConfig, node: Node | null, how: string, hfArgs = false): void {
  const precision = dsPrecision(c);
  const name = c.bf16 === true ? "bf16" : "fp16";
  if (precision)
    ip.event({ kind: "precision", precision, how: `DeepSpeed ${c.source} ${name}.enabled`, modelId: null }, node);
  const b = dsBatch(num(c.trainBatch), num(c.microBatch), num(c.accumulation));
  ip.event(
    {
      kind: "device",
      device: "gpu",
      count: b.gpus,
      how:
        b.gpus !== null
          ? `${how}: train_batch_size ${c.trainBatch} = ${c.microBatch} per GPU × ${c.accumulation} accumulated × ${b.gpus} GPUs (${c.source})`
          : how,
    },
    node,
  );
  const zero = zeroLine(c);
  if (zero && c.offload.length > 0)
    ip.note(zero, node, "price the host's share with `# footprint: device ...` or leave it out knowingly");
  if (!hfArgs && [c.trainBatch, c.microBatch, c.accumulation, c.fp16, c.bf16].includes("auto"))
    ip.note(
      `${c.source} leaves values "auto", which only the transformers Trainer fills in: deepspeed.initialize rejects them`,
      node,
    );
}

function makeEngine(ip: Interp, model: Value, c: DsConfig | null, node: Node | null): Value {
  const pass = (name: string) => (ip2: Interp, _me: unknown, args: Value[], kw: Kw, n: Node | null) =>
    callMethod(ip2, model, name, args, n ?? node, kw);
  const methods: Methods = {
    backward(ip2, _me, _a, _kw, n) {
      ip2.event({ kind: "backward" }, n);
      return NONE;
    },
    // step() applies the optimizer at each accumulation boundary; each backward is a micro batch.
    step(ip2, _me, _a, _kw, n) {
      ip2.event({ kind: "optimizerStep" }, n);
      return NONE;
    },
    zero_grad: () => NONE,
    train: pass("train"),
    eval: pass("eval"),
    parameters: pass("parameters"),
    named_parameters: pass("named_parameters"),
    state_dict: pass("state_dict"),
    fp16_enabled: () => bool(c?.fp16 === true),
    bfloat16_enabled: () => bool(c?.bf16 === true),
    train_micro_batch_size_per_gpu: (_ip, _me, _a, _kw, n) =>
      typeof c?.microBatch === "number" ? int(c.microBatch) : unknown("micro batch set at launch", n),
    gradient_accumulation_steps: (_ip, _me, _a, _kw, n) =>
      typeof c?.accumulation === "number" ? int(c.accumulation) : unknown("accumulation set at launch", n),
    save_checkpoint(ip2, _me, _a, _kw, n) {
      ip2.event(
        {
          kind: "save",
          modelId: model.k === "instance" && model.mod ? model.mod.id : null,
          how: "DeepSpeedEngine.save_checkpoint",
        },
        n,
      );
      return NONE;
    },
    load_checkpoint: (_ip, _me, _a, _kw, n) => tuple([unknown("checkpoint path", n), unknown("client state", n)]),
    is_gradient_accumulation_boundary: () => bool(true),
  };
  const engine = nativeObject("deepspeed.DeepSpeedEngine", { model }, methods, (_me, name) => {
    if (name in methods) return undefined;
    if (name === "module") return model;
    if (name === "local_rank" || name === "global_rank") return int(0);
    if (name === "world_size") return unknown("the GPU count the deepspeed launcher starts");
    if (name === "device") return makeDevice(ip, [str("cuda")], new Map(), node);
    // Anything else the engine forwards to the wrapped module (DeepSpeedEngine.__getattr__).
    return getAttr(ip, model, name, node);
  });
  engine.call = (ip2, args, kw, n) => callValue(ip2, model, args, kw, n ?? node);
  return engine;
}

/**
 * deepspeed.initialize(args=None, model=None, optimizer=None, model_parameters=None, training_data=None,
 * lr_scheduler=None, ..., config=None, config_params=None) → (engine, optimizer, training_dataloader,
 * lr_scheduler). Without config/config_params the config is args.deepspeed_config, a launch flag.
 */
function initialize(ip: Interp, args: Value[], kw: Kw, node: Node | null): Value {
  const model = kw.get("model") ?? args[1] ?? NONE;
  const cmd = kw.get("args") ?? args[0];
  let given = kw.get("config") ?? kw.get("config_params");
  if ((!given || given.k === "none") && cmd && cmd.k !== "none") given = getAttr(ip, cmd, "deepspeed_config", node);
  const c = dsConfigOf(ip, given, node, "deepspeed.initialize");
  if (c) applyDsConfig(ip, c, node, DEEPSPEED_HOW);
  else ip.event({ kind: "device", device: "gpu", count: null, how: DEEPSPEED_HOW }, node);
  const engine = makeEngine(ip, model, c, node);
  const data = kw.get("training_data");
  let loader: Value = NONE;
  if (data && data.k !== "none") {
    // deepspeed_io: a DataLoader at train_micro_batch_size_per_gpu over a DistributedSampler, with
    // pinned memory and 2 × the local GPU count of workers (DeepSpeedDataLoader's defaults; 2 on one GPU).
    const micro = c ? dsBatch(num(c.trainBatch), num(c.microBatch), num(c.accumulation)).micro : null;
    if (micro === null)
      ip.note(
        "deepspeed.initialize(training_data=...): the loader's micro batch per GPU is not in the config (train_batch_size alone is divided by the launched GPU count)",
        node,
        "set train_micro_batch_size_per_gpu in the DeepSpeed config",
      );
    const lkw: Kw = new Map([
      ["batch_size", micro !== null ? int(micro) : unknown("micro batch per GPU")],
      ["num_workers", int(2)],
      ["pin_memory", bool(true)],
    ]);
    const collate = kw.get("collate_fn");
    if (collate) lkw.set("collate_fn", collate);
    loader = dataLoader(ip, [data], lkw, node);
  }
  const optimizer = kw.get("optimizer") ?? unknown("the DeepSpeed optimizer", node);
  return tuple([engine, optimizer, loader, kw.get("lr_scheduler") ?? NONE]);
}

/** `import deepspeed`: initialize, the launcher's argument helpers and distributed set-up. */
export function deepspeedRoot(): Value {
  return nativeModule(
    "deepspeed",
    {
      initialize: fn("deepspeed.initialize", initialize),
      init_distributed: fn("deepspeed.init_distributed", () => NONE),
      // Adds --deepspeed and --deepspeed_config (default None): the config file is a launch flag.
      add_config_arguments: fn("deepspeed.add_config_arguments", (ip, [parser], _kw, node) => {
        if (!parser) return NONE;
        callMethod(ip, parser, "add_argument", [str("--deepspeed")], node, new Map([["action", str("store_true")]]));
        callMethod(ip, parser, "add_argument", [str("--deepspeed_config")], node, new Map([["default", NONE]]));
        return parser;
      }),
    },
    (attr) => opaque(`deepspeed.${attr}`),
  );
}
