// The `lightning` / `lightning.pytorch` / `pytorch_lightning` namespaces: LightningModule and
// LightningDataModule (subclassable), Trainer, seed_everything, callbacks and loggers (objects
// with no cost of their own). Lightning Fabric is not modelled: a Fabric loop's
// `fabric.backward(loss)` still reaches run detection as a backward on an unknown value.
import { makeClass } from "../../evaluate/classes";
import type { Interp } from "../../evaluate/interp";
import { fn, nativeModule, nativeObject } from "../../evaluate/nativeHelpers";
import { NONE, type Value } from "../../evaluate/values";
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
      seed_everything: fn(`${qual}.seed_everything`, () => NONE),
      // Subclassed by user callbacks; a callback has no cost of its own.
      Callback: makeClass("Callback", [], new Map(), { qualname: "lightning.pytorch.Callback" }),
    },
    (attr) => submodule(ip, qual, attr),
  );
}

/** `import lightning as L` (with `L.pytorch`), `import lightning.pytorch as pl`, `import pytorch_lightning as pl`. */
export function lightningRoot(ip: Interp, name: "lightning" | "pytorch_lightning"): Value {
  return lightningNamespace(ip, name);
}
