// torch.nn.utils weight_norm / spectral_norm (and their parametrizations forms, and remove_weight_norm):
// they return the module they are given with its weight re-expressed as other parameters, which
// changes the count (weight_norm adds a magnitude per output channel). GAN and vocoder code wraps
// every conv this way; unknown here made each wrapped layer a model of its own.
import type { Node } from "web-tree-sitter";
import type { Interp } from "../../evaluate/interp";
import { asInt, asString, type Kw, NONE, tensor, type Value } from "../../evaluate/values";
import { makeParam, type ModuleState } from "./moduleState";

type Wrap = "weight_norm" | "spectral_norm" | "param_weight_norm" | "param_spectral_norm";

/** The module's parameter slot `name`, or a note saying why the wrapper cannot be applied. */
function target(ip: Interp, m: Value | undefined, nameArg: Value | undefined, owner: string, node: Node | null) {
  if (m?.k !== "instance" || !m.mod) return null;
  const name = asString(nameArg ?? NONE) ?? "weight";
  const p = m.mod.params.get(name);
  if (!p) {
    ip.note(`${owner}: ${m.mod.className} has no parameter '${name}' of known shape`, node);
    return null;
  }
  return { inst: m, st: m.mod, name, p };
}

/** Replaces parameter `name` with `parts` (same order as torch registers them). */
function replace(st: ModuleState, name: string, parts: Array<[string, number[]]>, requiresGrad: boolean): void {
  st.params.delete(name);
  for (const [n, shape] of parts) st.params.set(n, makeParam(shape, requiresGrad));
}

/** weight_norm's magnitude: one value per slice along `dim` (dim=None: a single scalar). */
function magnitudeShape(shape: number[], dimArg: Value | undefined): number[] {
  if (dimArg?.k === "none") return [];
  const d = asInt(dimArg ?? NONE) ?? 0;
  const dim = d < 0 ? d + shape.length : d;
  return shape.map((s, i) => (i === dim ? s : 1));
}

export function normWrapper(kind: Wrap) {
  return (ip: Interp, [m, nameArg, third]: Value[], kw: Kw, node: Node | null): Value => {
    const t = target(ip, m, kw.get("name") ?? nameArg, `torch.nn.utils.${kind}`, node);
    if (!t) return m ?? NONE;
    const { st, name, p } = t;
    const shape = p.shape;
    switch (kind) {
      case "weight_norm":
        replace(
          st,
          name,
          [
            [`${name}_g`, magnitudeShape(shape, kw.get("dim") ?? third)],
            [`${name}_v`, shape],
          ],
          p.requiresGrad,
        );
        break;
      case "param_weight_norm":
        replace(
          st,
          name,
          [
            [`parametrizations.${name}.original0`, magnitudeShape(shape, kw.get("dim") ?? third)],
            [`parametrizations.${name}.original1`, shape],
          ],
          p.requiresGrad,
        );
        break;
      case "spectral_norm":
        // The power-iteration vectors u, v are buffers: the count stays that of the weight.
        replace(st, name, [[`${name}_orig`, shape]], p.requiresGrad);
        break;
      case "param_spectral_norm":
        replace(st, name, [[`parametrizations.${name}.original`, shape]], p.requiresGrad);
        break;
    }
    // The module still reads `module.weight`: a plain tensor computed from the new parameters.
    t.inst.attrs.set(name, tensor([...shape]));
    return m ?? NONE;
  };
}

/** remove_weight_norm(module, name): weight_g and weight_v fold back into one weight. */
export function removeWeightNorm(ip: Interp, [m, nameArg]: Value[], kw: Kw, node: Node | null): Value {
  if (m?.k !== "instance" || !m.mod) return m ?? NONE;
  const name = asString(kw.get("name") ?? nameArg ?? NONE) ?? "weight";
  const v = m.mod.params.get(`${name}_v`);
  if (!v) {
    ip.note(`torch.nn.utils.remove_weight_norm: weight_norm was not applied to ${m.mod.className}`, node);
    return m;
  }
  m.mod.params.delete(`${name}_g`);
  m.mod.params.delete(`${name}_v`);
  m.mod.params.set(name, makeParam(v.shape, v.requiresGrad));
  m.attrs.delete(name);
  return m;
}
