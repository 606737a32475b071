// KerasHub / KerasNLP / KerasCV presets: `keras_hub.models.BertClassifier.from_preset("bert_base_en_uncased")`
// builds a pretrained model whose architecture lives in the preset, not the script. None is catalogued:
// each is a model of unknown size that names its preset, so a fit() on it is a run whose cost is
// explicitly unknown, with the directives that state it, instead of a script with no model at all.

import type { Node } from "web-tree-sitter";
import type { Interp } from "../../../evaluate/interp";
import { nativeModule, nativeObject, opaque } from "../../../evaluate/nativeHelpers";
import { asString, type InstanceV, type Value } from "../../../evaluate/values";
import { ensureState, kerasClasses } from "./classes";

const HINT =
  "add `# footprint: params N` and `# footprint: flops N` (the preset's published size, e.g. from its model card, and forward FLOPs per sample)";

function fromPreset(ip: Interp, pkg: string, cls: string, preset: string | null, node: Node | null): Value {
  const inst: InstanceV = { k: "instance", cls: kerasClasses(ip).Model, attrs: new Map(), mod: null };
  const st = ensureState(ip, inst, node, "zoo");
  st.className = cls;
  const what = `${pkg}.models.${cls}.from_preset(${preset === null ? "…" : `"${preset}"`})`;
  const msg = `${what}: ${pkg} presets are not catalogued, so the model's weights and FLOPs are unknown`;
  st.zoo = { name: preset ?? cls, params: null, macs: null, note: "" };
  st.problem = msg;
  st.problemHint = HINT;
  ip.note(msg, node, HINT);
  // classifier.backbone / .preprocessor: parts of the same preset, unknown in the same way.
  inst.attrs.set("backbone", opaque(`${what}.backbone`));
  inst.attrs.set("preprocessor", opaque(`${what}.preprocessor`));
  return inst;
}

/** `keras_hub.models.<Class>`: a class whose from_preset builds the preset model. */
function presetClass(pkg: string, cls: string): Value {
  return nativeObject(
    `${pkg}.models.${cls}`,
    {},
    {
      from_preset: (ip, _me, args, kw, node) =>
        fromPreset(ip, pkg, cls, asString(kw.get("preset") ?? args[0] ?? { k: "none" }), node),
    },
  );
}

/** keras_hub (and its predecessors keras_nlp / keras_cv): `models.X.from_preset`, the rest opaque. */
export function kerasHubRoot(pkg: string): Value {
  const models = nativeModule(`${pkg}.models`, {}, (attr) =>
    /^[A-Z]/.test(attr) ? presetClass(pkg, attr) : opaque(`${pkg}.models.${attr}`),
  );
  return nativeModule(pkg, { models }, (attr) => opaque(`${pkg}.${attr}`));
}
