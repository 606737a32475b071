// The `lightning` / `lightning.pytorch` / `pytorch_lightning` namespaces: LightningModule and
// LightningDataModule (subclassable), Trainer, seed_everything, callbacks and loggers (objects
// with no cost of their own), and Fabric (fabric.ts) for hand-written loops.
import { makeClass } from "../../evaluate/classes";
import type { Interp } from "../../evaluate/interp";
import { fn, nativeModule, nativeObject } from "../../evaluate/nativeHelpers";
import { NONE, type Value } from "../../evaluate/values";
import { lightningCliClass } from "./cli";
import { lightningFabric } from "./fabric";
import { lightningClasses } from "./module";
import { lightningTrainer } from "./trainer";

/** Objects configured by keywords and handed to the Trainer (callbacks, loggers, strategies). */
const configObject = (qual: string) =>
  fn(qual, (_ip, _a, kw) => nativeObject(qual, { kw }, {}, (_me, name) => kw.get(name)));

function submodule(ip: Interp, qual: string, names: string): Value | undefined {
  if (
    names === "callbacks" ||
    names === "loggers" ||
    names === "strategies" ||
    names === "plugins" ||
    names === "profilers"
  )
    return nativeModule(`${qual}.${names}`, {}, (attr) => configObject(`${qual}.${names}.${attr}`));
  if (names === "pytorch") return lightningNamespace(ip, `${qual}.pytorch`);
  if (names === "cli") return nativeModule(`${qual}.cli`, { LightningCLI: lightningCliClass });
  if (names === "fabric") return fabricNamespace(`${qual}.fabric`);
  return undefined;
}

function lightningNamespace(ip: Interp, qual: string): Value {
  const { module, dataModule } = lightningClasses(ip);
  return nativeModule(
    qual,
    {
      LightningModule: module,
      LightningDataModule: dataModule,
      Trainer: lightningTrainer,
      Fabric: lightningFabric,
      seed_everything: fn(`${qual}.seed_everything`, () => NONE),
      // Subclassed by user callbacks; a callback has no cost of its own.
      Callback: makeClass("Callback", [], new Map(), { qualname: "lightning.pytorch.Callback" }),
    },
    (attr) => submodule(ip, qual, attr),
  );
}

/** `lightning.fabric` / `lightning_fabric`: Fabric and seed_everything. */
export function fabricNamespace(qual: string): Value {
  return nativeModule(qual, {
    Fabric: lightningFabric,
    seed_everything: fn(`${qual}.seed_everything`, () => NONE),
  });
}

/** `import lightning as L` (with `L.pytorch`), `import lightning.pytorch as pl`, `import pytorch_lightning as pl`. */
export function lightningRoot(ip: Interp, name: "lightning" | "pytorch_lightning"): Value {
  return lightningNamespace(ip, name);
}
