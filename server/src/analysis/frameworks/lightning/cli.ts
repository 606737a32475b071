// Lightning's LightningCLI(model_class, datamodule_class, trainer_defaults=..., run=True): the
// classes are built with their defaults and fit runs on a Trainer whose other arguments come from
// the command line or a config file at launch, so what the script leaves out is an Unknown.
import type { Node } from "web-tree-sitter";
import { callMethod, callValue } from "../../evaluate/calls/call";
import type { Interp } from "../../evaluate/interp";
import { fn, nativeObject } from "../../evaluate/nativeHelpers";
import { type Kw, markOpenKw, NONE, type Value } from "../../evaluate/values";
import { lightningTrainer } from "./trainer";

const AT_LAUNCH = "--trainer.* / --config arguments given to LightningCLI";

/**
 * LightningCLI parses `fit|validate|test|predict` and `--model.*`, `--data.*`, `--trainer.*` at
 * launch (Lightning docs, "Configure hyperparameters from the CLI"); with run=True (the default) it
 * runs that subcommand, nearly always `fit`. Here: fit with the classes' defaults and
 * trainer_defaults, the Trainer's keywords marked open so their library defaults are not priced
 * as if given. run=False hands back cli.model / cli.datamodule / cli.trainer for the script's own fit.
 */
function lightningCli(ip: Interp, args: Value[], kw: Kw, node: Node | null): Value {
  const build = (cls: Value | undefined) => (cls && cls.k !== "none" ? callValue(ip, cls, [], new Map(), node) : NONE);
  const model = build(kw.get("model_class") ?? args[0]);
  const datamodule = build(kw.get("datamodule_class") ?? args[1]);
  const tkw: Kw = new Map();
  const defaults = kw.get("trainer_defaults");
  if (defaults?.k === "dict") for (const [k, v] of defaults.map.values()) if (k.k === "str") tkw.set(k.v, v);
  markOpenKw(tkw, AT_LAUNCH);
  const trainer = callValue(ip, lightningTrainer, [], tkw, node);
  const run = kw.get("run");
  ip.note(
    "LightningCLI: the subcommand and the --model.* / --data.* / --trainer.* values come from the command line or a config at launch; the classes' defaults and trainer_defaults are used here",
    node,
    "add `# footprint: epochs N` (and `# footprint: device ...`) for the launch you price",
  );
  if (!(run?.k === "bool" && !run.v) && model.k === "instance")
    callMethod(
      ip,
      trainer,
      "fit",
      [model],
      node,
      datamodule.k === "none" ? new Map() : new Map([["datamodule", datamodule]]),
    );
  return nativeObject("LightningCLI", {}, {}, (_me, name) =>
    name === "model" ? model : name === "datamodule" ? datamodule : name === "trainer" ? trainer : undefined,
  );
}

export const lightningCliClass = fn("lightning.pytorch.cli.LightningCLI", lightningCli);
