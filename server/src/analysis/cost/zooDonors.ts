// Zoo models a script builds only to take layers from (`vgg16(weights=...).features[:16]` in a perceptual loss):
// found here so rootModules reports what the script keeps, at its own size, instead of the whole network.
import type { Interp } from "../evaluate/interp";
import type { ModuleState } from "../frameworks/torch/moduleState";

/**
 * Zoo models built only to lend their layers (`vgg16(weights=...).features[:16]`,
 * `nn.Sequential(*list(resnet50().children())[:-2])`): never called themselves, while another module tree holds
 * some of their layers. They are not reported; what the script keeps of them is, at its own size.
 */
export function zooDonors(ip: Interp): { roots: Set<ModuleState>; top: (m: ModuleState) => ModuleState } {
  const parent = new Map<ModuleState, ModuleState>();
  for (const m of ip.modules)
    for (const c of m.children.values()) if (c.mod && c.mod !== m && !parent.has(c.mod)) parent.set(c.mod, m);
  const top = (m: ModuleState) => {
    let cur = m;
    for (let i = 0; i < 64 && parent.has(cur); i++) cur = parent.get(cur)!;
    return cur;
  };
  const lent = new Set<ModuleState>();
  for (const m of ip.modules)
    for (const c of m.children.values()) {
      if (!c.mod || c.mod === m) continue;
      const owner = top(c.mod);
      if (owner !== top(m) && isZooRoot(owner) && !ip.observedInputs.has(owner)) lent.add(owner);
    }
  return { roots: lent, top };
}

/** A torchvision builder's model (timm's clears `zoo` but keeps the builder's child marks). */
const isZooRoot = (m: ModuleState) =>
  m.zoo !== undefined || Array.from(m.children.values()).some((c) => c.mod?.zooChild !== undefined);
