// Builds a zoo block's plan (zooBlocks.ts) as real catalog layers, and remembers the module tree it was built
// with, so the zoo forward can tell an untouched block (tabulated MACs still apply) from one the script changed
// inside (`model.features[0] = nn.Conv2d(1, 64, 3, padding=1)`: the same number of children, other layers).
import type { Node } from "web-tree-sitter";
import { callValue } from "../../evaluate/calls/call";
import { makeClass } from "../../evaluate/classes";
import type { Interp } from "../../evaluate/interp";
import { builtin, type ClassV, type InstanceV, type Kw, NONE, type Value } from "../../evaluate/values";
import { attachModuleState } from "./moduleAttrs";
import { type ModuleState, namedModules } from "./moduleState";
import type { Plan } from "./zooBlocks";

/** The modules, in named_modules order, each expanded block had when the builder made it. */
const builtWith = new WeakMap<ModuleState, ModuleState[]>();

/** Whether `mod` is an expanded block (built from real layers by the zoo builder). */
export function isExpandedBlock(mod: ModuleState | null | undefined): boolean {
  return !!mod && builtWith.has(mod);
}

/** An expanded block still holds exactly the layers it was built with (none replaced, added or removed). */
export function expandedIntact(mod: ModuleState): boolean {
  const was = builtWith.get(mod);
  if (!was) return false;
  const now = namedModules(mod).map(([, m]) => m);
  return now.length === was.length && now.every((m, i) => m === was[i]);
}

/** Builds `plan` under torchvision's class names (`qual`), at `node`; the block's layer tree is recorded. */
export function buildPlan(ip: Interp, plan: Plan, qual: string, node: Node | null): InstanceV | null {
  const classes = new Map<string, ClassV>();
  const built = instantiate(ip, plan, qual, node, classes);
  if (built?.k !== "instance" || !built.mod) return null;
  builtWith.set(
    built.mod,
    namedModules(built.mod).map(([, m]) => m),
  );
  return built;
}

function instantiate(ip: Interp, plan: Plan, qual: string, node: Node | null, classes: Map<string, ClassV>): Value {
  const reg = ip.torch!;
  if ("layer" in plan) {
    const cls = reg.classes.get(`torch.nn.${plan.layer}`);
    if (!cls) return NONE;
    const kw: Kw = new Map();
    for (const [k, v] of Object.entries(plan.kw ?? {}))
      kw.set(k, typeof v === "boolean" ? { k: "bool", v } : { k: "num", v, int: true });
    return callValue(
      ip,
      cls,
      plan.args.map((v) => ({ k: "num", v, int: true })),
      kw,
      node,
    );
  }
  if ("seq" in plan) {
    const items = plan.seq.map((p) => instantiate(ip, p, qual, node, classes));
    const cls = plan.type ? subclass(plan.type, reg.containers.Sequential, qual, classes) : reg.containers.Sequential;
    return callValue(ip, cls, items, new Map(), node);
  }
  const inner = instantiate(ip, plan.residual, qual, node, classes);
  const cls = classes.get(plan.type) ?? residualClass(ip, plan.type, qual);
  classes.set(plan.type, cls);
  const inst: InstanceV = { k: "instance", cls, attrs: new Map(), mod: null };
  attachModuleState(ip, inst, node);
  if (inner.k === "instance" && inner.mod) inst.mod!.children.set("conv", inner);
  return inst;
}

/** A Sequential subclass (Conv2dNormActivation): Sequential's constructor and forward under torchvision's name. */
function subclass(type: string, base: ClassV, qual: string, classes: Map<string, ClassV>): ClassV {
  const hit = classes.get(type);
  if (hit) return hit;
  const cls = makeClass(type, [base], new Map(), { qualname: `${qual}.${type}` });
  classes.set(type, cls);
  return cls;
}

/**
 * torchvision's InvertedResidual: `x + self.conv(x)` when the shapes allow, else `self.conv(x)`. The sum is
 * element-wise, which the MAC convention (matmul and convolution only) does not count, so both are `conv(x)`.
 */
function residualClass(ip: Interp, type: string, qual: string): ClassV {
  const forward = builtin(`${type}.forward`, (ip2, [self, x], _kw, node) => {
    const conv = self?.k === "instance" ? self.mod?.children.get("conv") : undefined;
    return conv ? callValue(ip2, conv, [x ?? NONE], new Map(), node) : NONE;
  });
  return makeClass(type, [ip.torch!.moduleClass], new Map<string, Value>([["forward", forward]]), {
    qualname: `${qual}.${type}`,
  });
}
