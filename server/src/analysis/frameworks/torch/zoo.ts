// torchvision.models.* builders from the zoo data (zooData.ts, a projection of the oracle-generated
// frameworks/zoo/data/torchvision.json): the model is a module tree whose top-level children carry their exact
// parameter counts, and whose classifier heads are real catalog layers (Linear/Conv2d) so
// `model.fc.in_features`, replaced heads, num_classes and frozen backbones all work. The forward
// charges the tabulated body MACs at the input resolution and runs the (possibly replaced) head; a replaced body
// child is priced child by child where the forward is a chain (zooChain.ts), else makes the FLOPs unknown.
import type { Node } from "web-tree-sitter";
import { callValue } from "../../evaluate/calls/call";
import { makeClass } from "../../evaluate/classes";
import type { Interp } from "../../evaluate/interp";
import {
  asInt,
  builtin,
  type ClassV,
  type InstanceV,
  int,
  type Kw,
  type NativeFn,
  NONE,
  tensor,
  unknown,
  type Value,
} from "../../evaluate/values";
import { torchvisionZoo } from "./zooData";
import { attachModuleState } from "./moduleAttrs";
import { chargeMacs } from "./tensorOps";
import { makeParam } from "./moduleState";
import {
  chainForward,
  changedInside,
  childAt,
  expandedForward,
  markZooChild,
  tabulatedForward,
  tabulatedIndex,
  replacedChild,
  zooCostUnknown,
} from "./zooChain";
import { architectureKwargs, withAux } from "./zooKwargs";
import { zooBlockPlans } from "./zooBlocks";
import { buildPlan } from "./zooExpand";

export { childAt };

export interface ZooHead {
  path: string;
  type: string;
  inFeatures: number;
  outFeatures: number;
  bias: boolean;
  kernelSize?: number[];
}

export interface ZooEntry {
  kind: string;
  builder: string;
  defaultNumClasses: number;
  heads: ZooHead[];
  rootParams: number;
  /** Top-level children; `macs` and `convMacs` (the part in convolutions) at the default resolution. */
  children: Array<{ path: string; type: string; params: number; macs?: number; convMacs?: number }>;
  defaultResolution: number;
  fixedResolution: boolean;
  /** Per input side; `convMacs` (the part in convolutions) where no child has MACs (dense models). */
  macs: Record<string, { macs: number; headMacsPerClass?: number; convMacs?: number }>;
  /**
   * Present when the forward is a chain of the top-level children (checked by the oracle): per input side, per
   * child [MACs without class-count heads, input shape, output shape] (no batch); `flatten` names the children
   * the forward feeds the previous output flattened.
   */
  chain?: { flatten: string[]; sides: Record<string, Array<[number, number[], number[]]>> };
}

export function hasZooModel(name: string): boolean {
  return Object.hasOwn(torchvisionZoo(), name);
}

/** A head's parameters as tabulated (at the default class count). */
function headParams(h: ZooHead): number {
  const k = h.kernelSize ? h.kernelSize.reduce((a, b) => a * b, 1) : 1;
  return h.inFeatures * h.outFeatures * k + (h.bias ? h.outFeatures : 0);
}

function newModule(ip: Interp, cls: ClassV, node: Node | null): InstanceV {
  const inst: InstanceV = { k: "instance", cls, attrs: new Map(), mod: null };
  attachModuleState(ip, inst, node);
  return inst;
}

export function zooFactory(name: string): NativeFn {
  return zooModelFactory(torchvisionZoo()[name], name, "torchvision.models");
}

/** A builder for any zoo entry (torchvision here, timm in frameworks/timm); `qual` prefixes class names and notes. */
export function zooModelFactory(entry: ZooEntry, name: string, qual: string): NativeFn {
  return (ip, _args, kw, node) => {
    const reg = ip.torch!;
    const ncArg = kw.get("num_classes");
    const classes = ncArg ? (asInt(ncArg) ?? entry.defaultNumClasses) : entry.defaultNumClasses;
    const qualName = `${qual}.${name}`;
    const arch = architectureKwargs(entry, qualName, kw);
    const blockClass = (type: string) => makeClass(type, [reg.moduleClass], new Map(), { qualname: `${qual}.${type}` });
    const rootCls = makeClass(
      entry.builder,
      [reg.moduleClass],
      new Map<string, Value>([
        ["forward", builtin(`${entry.builder}.forward`, zooForward(entry, qualName, arch.flops))],
      ]),
      { qualname: `${qual}.${entry.builder}` },
    );
    const root = newModule(ip, rootCls, node);
    if (arch.params) {
      root.mod!.paramProblem = arch.params;
      ip.note(arch.params, node);
    }
    if (entry.rootParams > 0) root.mod!.params.set("class_token", makeParam([entry.rootParams]));
    const isHead = (p: string) => entry.heads.some((h) => h.path === p);
    const aux = withAux(entry, kw);
    // Blocks with a known inner structure are real layers (only as torchvision builds them by default).
    const plans = qual === "torchvision.models" && !arch.params && !arch.flops ? zooBlockPlans(name) : {};
    for (const c of entry.children) {
      if (!aux && AUX.test(c.path)) continue;
      const headsBelow = entry.heads.filter((h) => h.path === c.path || h.path.startsWith(`${c.path}.`));
      let child: InstanceV;
      const plan = plans[c.path];
      const expanded = plan ? buildPlan(ip, plan, qual, node) : null;
      if (expanded) child = expanded;
      else if (isHead(c.path))
        child = makeHead(ip, entry.heads.find((h) => h.path === c.path)!, classes, node, entry.defaultNumClasses);
      else if (headsBelow.length === 0) {
        // A tabulated block with the table as its forward, so calling it on its own is priced (or flagged).
        const methods = new Map<string, Value>([
          ["forward", builtin(`${c.type}.forward`, tabulatedForward(entry, qualName, c.path))],
          ["__getitem__", builtin(`${c.type}.__getitem__`, tabulatedIndex(qualName, c.path))],
        ]);
        child = newModule(ip, makeClass(c.type, [reg.moduleClass], methods, { qualname: `${qual}.${c.type}` }), node);
        if (c.params > 0) child.mod!.params.set("weight", makeParam([c.params]));
      } else {
        const own = c.params - headsBelow.reduce((a, h) => a + headParams(h), 0);
        child = buildPath(ip, c.path, c.type, headsBelow, classes, node, blockClass, entry.defaultNumClasses);
        if (own > 0) child.mod!.params.set("weight", makeParam([own]));
      }
      markZooChild(child, entry, c.path);
      root.mod!.children.set(c.path, child);
    }
    root.mod!.zoo = { name, classes };
    return root;
  };
}

/**
 * The head at `classes` classes. A head with several outputs per class keeps that ratio: Faster R-CNN's
 * bbox_pred has 4 box deltas per class (364 = 4 × 91 by default), so it gets 4 × classes outputs.
 */
export function makeHead(
  ip: Interp,
  h: ZooHead,
  classes: number,
  node: Node | null,
  defaultClasses = h.outFeatures,
): InstanceV {
  const outputs = Math.max(1, Math.round(h.outFeatures / defaultClasses)) * classes;
  const reg = ip.torch!;
  const kind = h.type === "Conv2d" ? "Conv2d" : "Linear";
  const cls = reg.classes.get(`torch.nn.${kind}`);
  const args: Value[] =
    kind === "Conv2d"
      ? [int(h.inFeatures), int(outputs), int(h.kernelSize?.[0] ?? 1)]
      : [int(h.inFeatures), int(outputs)];
  const kw: Kw = new Map([["bias", { k: "bool", v: h.bias }]]);
  if (!cls) return unknown("head class", node) as unknown as InstanceV;
  return callValue(ip, cls, args, kw, node) as InstanceV;
}

/** A top-level child with heads somewhere below it: intermediate modules are built along the head paths. */
function buildPath(
  ip: Interp,
  prefix: string,
  type: string,
  heads: ZooHead[],
  classes: number,
  node: Node | null,
  blockClass: (type: string) => ClassV,
  defaultClasses: number,
): InstanceV {
  const reg = ip.torch!;
  const nextSegs = new Map<string, ZooHead[]>();
  for (const h of heads) {
    const seg = h.path.slice(prefix.length + 1).split(".")[0];
    nextSegs.set(seg, [...(nextSegs.get(seg) ?? []), h]);
  }
  const numeric = [...nextSegs.keys()].some((s) => /^\d+$/.test(s));
  const inst = newModule(ip, numeric ? reg.containers.Sequential : blockClass(type), node);
  if (numeric) {
    // Sequential indices before the head are parameter-free entries so `classifier[6]` finds the head.
    const max = Math.max(...[...nextSegs.keys()].map(Number).filter((n) => !Number.isNaN(n)));
    for (let i = 0; i <= max; i++)
      if (!nextSegs.has(String(i))) inst.mod!.children.set(String(i), newModule(ip, blockClass("Module"), node));
  }
  for (const [seg, hs] of [...nextSegs].sort(([a], [b]) => (numeric ? Number(a) - Number(b) : 0))) {
    const path = `${prefix}.${seg}`;
    const exact = hs.find((h) => h.path === path);
    inst.mod!.children.set(
      seg,
      exact
        ? makeHead(ip, exact, classes, node, defaultClasses)
        : buildPath(ip, path, "Module", hs, classes, node, blockClass, defaultClasses),
    );
  }
  if (numeric) {
    const sorted = [...inst.mod!.children].sort(([a], [b]) => Number(a) - Number(b));
    inst.mod!.children = new Map(sorted);
  }
  return inst;
}

/** Auxiliary classifiers (Inception v3's AuxLogits, GoogLeNet's aux1/aux2): built by default, not run in eval. */
const AUX = /^AuxLogits|^aux/;

/** Window-attention models: their MACs jump with window padding, so no side between grid points is estimated. */
const WINDOWED = new Set(["SwinTransformer", "MaxVit"]);

/**
 * A convnet at a square side between two tabulated ones: body MACs per input pixel are interpolated linearly
 * between the bracketing sides (convolution MACs follow the output positions, which follow the area up to
 * stride rounding), and noted as approximate. Leaving one grid side out and predicting it from its neighbours
 * (twice the real gap) errs by at most 9% (regnet_x_400mf at 299 px: 8.2%) over torchvision's convnets from 128 px up
 * (test/unit/zooFixtures.test.ts).
 * Fixed-size and window-attention models, and sides outside the grid, get no estimate.
 */
export function interpolatedRow(entry: ZooEntry, side: number): ZooEntry["macs"][string] | undefined {
  if (entry.fixedResolution || entry.kind !== "classification" || WINDOWED.has(entry.builder)) return undefined;
  const sides = Object.keys(entry.macs)
    .map(Number)
    .sort((a, b) => a - b);
  const lo = sides.filter((s) => s < side).pop();
  const hi = sides.find((s) => s > side);
  if (lo === undefined || hi === undefined) return undefined;
  const head = (entry.macs[String(lo)].headMacsPerClass ?? 0) * entry.defaultNumClasses;
  const density = (s: number) => (entry.macs[String(s)].macs - head) / (s * s);
  const d = density(lo) + ((density(hi) - density(lo)) * (side - lo)) / (hi - lo);
  return { macs: Math.round(d * side * side) + head, headMacsPerClass: entry.macs[String(lo)].headMacsPerClass };
}

function zooForward(entry: ZooEntry, qualName: string, archProblem: string | null): NativeFn {
  return (ip, [self, x], _kw, node) => {
    if (self?.k !== "instance" || !self.mod) return NONE;
    if (archProblem) zooCostUnknown(ip, archProblem, node);
    const change = replacedChild(entry, self, AUX);
    const viaLayers = expandedForward(ip, entry, qualName, self, x ?? NONE, change, node);
    if (viaLayers) return viaLayers;
    if (change?.inside) {
      changedInside(ip, qualName, self, change.path, node);
      return tensor(null);
    }
    const replaced = change?.path ?? null;
    if (replaced !== null && entry.chain) return chainForward(ip, entry, qualName, self, x ?? NONE, node);
    if (replaced !== null && !headOnly(entry, replaced)) {
      zooCostUnknown(
        ip,
        `${qualName}: ${replaced} replaced, so torchvision's tabulated MACs no longer apply (its forward is not a plain chain of children to price one by one)`,
        node,
      );
      return tensor(null);
    }
    const shape = x?.k === "tensor" ? x.shape : null;
    const res = shape && shape.length === 4 && shape[2] === shape[3] ? shape[2] : null;
    let row = res !== null ? entry.macs[String(res)] : undefined;
    if (!row && res !== null) {
      row = interpolatedRow(entry, res);
      if (row)
        ip.note(`${qualName}: MACs at ${res}×${res} px interpolated between tabulated sides (approximate)`, node);
    }
    const batch = shape?.[0] ?? 1;
    if (!row) {
      ip.note(
        `${qualName}: MACs are tabulated for square inputs at ${Object.keys(entry.macs).join(", ")} px; got ${shape ? `[${shape.join(", ")}]` : "an unknown shape"}`,
        node,
      );
      zooCostUnknown(
        ip,
        `${qualName}: no MACs tabulated at input ${shape ? `[${shape.slice(1).join(", ")}]` : "of unknown shape"}`,
        node,
      );
      return tensor(null);
    }
    const mainHeads = entry.heads.filter((h) => !/^AuxLogits|^aux/.test(h.path));
    const classification = entry.kind === "classification" && row.headMacsPerClass !== undefined;
    const body = classification ? row.macs - row.headMacsPerClass! * entry.defaultNumClasses : row.macs;
    // Body MACs go to the non-head children in proportion to their share at the default resolution.
    const bodyChildren = entry.children.filter((c) => !mainHeads.some((h) => h.path === c.path));
    const total = bodyChildren.reduce((a, c) => a + (c.macs ?? 0), 0);
    for (const c of bodyChildren) {
      const m = childAt(self, c.path);
      if (m?.k !== "instance" || !m.mod || !ip.forwardStats) continue;
      const share = total > 0 ? Math.round((body * (c.macs ?? 0)) / total) : 0;
      // The child's convolution share at the default resolution holds at others (same layers, scaled maps).
      const conv = c.macs ? Math.round((share * (c.convMacs ?? 0)) / c.macs) : 0;
      ip.forwardStats.set(m.mod, { calls: 1, macs: 0, inputShape: null, outputShape: null });
      chargeMacs(ip, share * batch, conv * batch, m.mod);
    }
    if (total === 0) {
      const defaultRow = entry.macs[String(entry.defaultResolution)];
      const convShare = defaultRow?.convMacs !== undefined ? defaultRow.convMacs / defaultRow.macs : 0;
      chargeMacs(ip, body * batch, Math.round(body * batch * convShare));
    }
    if (!classification) return tensor(null);
    let out: Value = tensor(null);
    for (const h of mainHeads) {
      const replacedHolder = entry.children.find((c) => h.path.startsWith(`${c.path}.`) && c.path === replaced);
      const head = childAt(self, replacedHolder ? replacedHolder.path : h.path);
      if (!head) continue;
      if (h.type === "Conv2d") {
        const classes = self.mod.zoo?.classes ?? entry.defaultNumClasses;
        const macs = row.headMacsPerClass! * classes * batch;
        chargeMacs(ip, macs, macs);
        out = tensor([batch, classes]);
      } else out = callValue(ip, head, [tensor([batch, h.inFeatures])], new Map(), node);
    }
    return out;
  };
}

/**
 * A replaced child that held only a Linear head and no MACs of its own (ViT's `heads`): the replacement reads the
 * head's input features, so it runs on those as the head would.
 */
function headOnly(entry: ZooEntry, path: string): boolean {
  const heads = entry.heads.filter((h) => h.path.startsWith(`${path}.`));
  const c = entry.children.find((ch) => ch.path === path);
  const row = entry.macs[String(entry.defaultResolution)];
  const headMacs = (row?.headMacsPerClass ?? 0) * entry.defaultNumClasses;
  return heads.length === 1 && heads[0].type === "Linear" && c?.macs !== undefined && c.macs === headMacs;
}
