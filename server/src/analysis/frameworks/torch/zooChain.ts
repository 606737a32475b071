// A torchvision model whose forward is a chain of its top-level children (ResNet, VGG, MobileNet, EfficientNet,
// ConvNeXt, RegNet, Swin; the oracle checks which), priced child by child from the zoo table's per-child MACs and
// shapes at each tabulated side. This is what prices a replaced stem (CIFAR's 3×3 conv1 and no maxpool) and a
// child called on its own (`nn.Sequential(*list(resnet.children())[:-1])`); anything the table cannot describe
// makes the forward's FLOPs unknown rather than a tabulated number that no longer applies.
import type { Node } from "web-tree-sitter";
import { callValue } from "../../evaluate/calls/call";
import type { Interp } from "../../evaluate/interp";
import { makeClass } from "../../evaluate/classes";
import { builtin, type InstanceV, type NativeFn, NONE, tensor, type Value } from "../../evaluate/values";
import { attachModuleState } from "./moduleAttrs";
import { callModule } from "./moduleCall";
import { chargeMacs } from "./tensorOps";
import type { ZooEntry } from "./zoo";
import { expandedIntact, isExpandedBlock } from "./zooExpand";

/**
 * Marks a module as the one the zoo builder put at `path` (a later assignment there replaces it), with the inner
 * modules it was built with (one assigned inside it later changes it).
 */
export function markZooChild(v: Value | undefined, entry: ZooEntry, path: string): void {
  if (v?.k === "instance" && v.mod) v.mod.zooChild = { entry, path, inner: v.mod.children.size };
}

/** `to` stands for the builder's child `from` (timm's block stacks): it is neither a replacement nor a change. */
export function adoptZooChild(from: Value | undefined, to: InstanceV): void {
  const mark = from?.k === "instance" ? from.mod?.zooChild : undefined;
  if (mark && to.mod) to.mod.zooChild = { ...mark, inner: to.mod.children.size };
}

/** Whether the module at `path` is still the one the builder made (not replaced by the script). */
export function isOriginalChild(v: Value | undefined, entry: ZooEntry, path: string): boolean {
  return v?.k === "instance" && v.mod?.zooChild?.entry === entry && v.mod.zooChild.path === path;
}

/** The cost trace's FLOPs become unknown, for this reason (the first reason wins; parameters stay exact). */
export function zooCostUnknown(ip: Interp, message: string, node: Node | null): void {
  if (!ip.forwardStats || ip.forwardCostUnknown) return;
  ip.forwardCostUnknown = {
    message: `forward FLOPs unknown: ${message}`,
    range: ip.range(node),
    hint: `${message}; if you know the forward cost, add \`# footprint: flops <FLOPs per sample>\` (e.g. \`# footprint: flops 1.1G\`)`,
  };
}

const shapeText = (s: number[]) => `[${s.join(", ")}]`;

/** Flattens all but the batch dimension, as the model's forward does before the children named in chain.flatten. */
function flattenIfChained(entry: ZooEntry, path: string, x: Value): Value {
  if (!entry.chain?.flatten.includes(path) || x.k !== "tensor" || !x.shape || x.shape.length <= 2) return x;
  return tensor([x.shape[0], x.shape.slice(1).reduce((a, b) => a * b, 1)], x.dtype);
}

/**
 * The MACs (without class-count heads) and output of the unreplaced child at `path` on input `x`: the table's row
 * at the side whose forward gives this child exactly this input. Null (and FLOPs unknown) when no side does.
 */
export function priceChild(
  ip: Interp,
  entry: ZooEntry,
  qualName: string,
  path: string,
  x: Value | undefined,
  node: Node | null,
): { macs: number; out: number[]; batch: number } | null {
  const index = entry.children.findIndex((c) => c.path === path);
  const chain = entry.chain;
  if (!chain || index < 0) {
    zooCostUnknown(
      ip,
      `${qualName}: its child ${path} ran outside the model's own forward, and its cost is tabulated only as part of the whole model`,
      node,
    );
    return null;
  }
  const shape = x?.k === "tensor" ? x.shape : null;
  if (!shape || shape.length < 2) {
    zooCostUnknown(ip, `${qualName}: its child ${path} ran on an input of unknown shape`, node);
    return null;
  }
  const key = shapeText(shape.slice(1));
  for (const rows of Object.values(chain.sides)) {
    const [macs, input, out] = rows[index];
    if (shapeText(input) === key) return { macs, out, batch: shape[0] };
  }
  const seen = [...new Set(Object.values(chain.sides).map((rows) => shapeText(rows[index][1])))];
  zooCostUnknown(
    ip,
    `${qualName}: its child ${path} got input ${key}, which no tabulated input side gives it (it is tabulated at ${seen.slice(0, 6).join(", ")}${seen.length > 6 ? ", …" : ""})`,
    node,
  );
  return null;
}

/** Charges a priced child's MACs to its module, with its convolution share at the default resolution. */
function charge(ip: Interp, entry: ZooEntry, path: string, macs: number, mod: InstanceV["mod"]): void {
  const c = entry.children.find((ch) => ch.path === path);
  const conv = c?.macs ? Math.round((macs * (c.convMacs ?? 0)) / c.macs) : 0;
  chargeMacs(ip, macs, conv, mod ?? undefined);
}

/**
 * `model.layer1[0]`, `features[:5]` on a tabulated block: it has no inner layers, so whatever the script does with
 * the item (replace it, freeze it, run it) is lost; the block's parameters may differ. The item is a module standing
 * for the unknown part: counted as nothing with the reason (a lower bound), its forward's FLOPs unknown, so a model
 * built from it says so instead of vanishing or borrowing the whole network's numbers.
 */
export function tabulatedIndex(qualName: string, path: string): NativeFn {
  return (ip, [self, key], _kw, node) => {
    const message = `${qualName}: ${path}[…] reaches inside ${path}, which the zoo models as one block with its tabulated totals, so what the script does with its layers is not counted: the parameter count may differ`;
    if (self?.k === "instance" && self.mod && !self.mod.paramProblem) self.mod.paramProblem = message;
    const what = key?.k === "slice" ? "slice" : "item";
    const forward = builtin(`${path}[…].forward`, (ip2, _args, _kw2, node2) => {
      zooCostUnknown(ip2, `${qualName}: a ${what} of ${path} ran, whose layers the zoo does not model`, node2);
      return tensor(null);
    });
    const cls = makeClass(`${path}[…]`, [ip.torch!.moduleClass], new Map([["forward", forward]]), {
      qualname: `${qualName}.${path}[…]`,
    });
    const part: InstanceV = { k: "instance", cls, attrs: new Map(), mod: null };
    attachModuleState(ip, part, node);
    part.mod!.paramProblem = `${qualName}: a ${what} of ${path}, which the zoo models as one block: its layers are not counted`;
    // Like a Sequential slice, a view of modules the zoo model owns, not a model of its own.
    part.mod!.wasChild = true;
    return part;
  };
}

/** forward of a builder's tabulated child (one without a class-count head): priced from the table. */
export function tabulatedForward(entry: ZooEntry, qualName: string, path: string): NativeFn {
  return (ip, [self, x], _kw, node) => {
    if (self?.k !== "instance" || !self.mod) return NONE;
    const priced = priceChild(ip, entry, qualName, path, flattenIfChained(entry, path, x ?? NONE), node);
    if (!priced) return tensor(null);
    charge(ip, entry, path, priced.macs * priced.batch, self.mod);
    return tensor([priced.batch, ...priced.out]);
  };
}

/**
 * The whole forward, child by child: tabulated blocks priced from the table by their input, replaced children run
 * for real, a head-holding child priced for its fixed layers with its (possibly replaced) heads run on their
 * input width.
 */
export function chainForward(
  ip: Interp,
  entry: ZooEntry,
  qualName: string,
  self: InstanceV,
  x: Value,
  node: Node | null,
): Value {
  let cur = x;
  for (const c of entry.children) {
    const m = childAt(self, c.path);
    cur = flattenIfChained(entry, c.path, cur);
    if (m?.k !== "instance") {
      zooCostUnknown(ip, `${qualName}: its child ${c.path} is no longer a module`, node);
      return tensor(null);
    }
    const heads = entry.heads.filter((h) => h.path.startsWith(`${c.path}.`));
    if (!isOriginalChild(m, entry, c.path) || heads.length === 0) {
      cur = callModule(ip, m, [cur], new Map(), node);
      continue;
    }
    const priced = priceChild(ip, entry, qualName, c.path, cur, node);
    if (!priced) return tensor(null);
    if (ip.forwardStats && m.mod)
      ip.forwardStats.set(m.mod, { calls: 1, macs: 0, inputShape: null, outputShape: null });
    charge(ip, entry, c.path, priced.macs * priced.batch, m.mod);
    for (const h of heads) {
      const head = childAt(self, h.path);
      if (head) cur = callValue(ip, head, [tensor([priced.batch, h.inFeatures])], new Map(), node);
    }
  }
  return cur;
}

export function childAt(root: InstanceV, path: string): Value | undefined {
  let cur: Value | undefined = root;
  for (const seg of path.split(".")) cur = cur?.k === "instance" && cur.mod ? cur.mod.children.get(seg) : undefined;
  return cur;
}

/**
 * The first body child the script replaced (heads and children matching `skip` are not body children), or one it
 * changed inside (`model.features.conv0 = ...`: the tabulated block, built without inner layers, gained a child), or null.
 */
export function replacedChild(
  entry: ZooEntry,
  self: InstanceV,
  skip: RegExp,
): { path: string; inside: boolean } | null {
  for (const c of entry.children) {
    if (skip.test(c.path) || entry.heads.some((h) => h.path === c.path)) continue;
    const m = childAt(self, c.path);
    if (!isOriginalChild(m, entry, c.path)) return { path: c.path, inside: false };
    const holdsHead = entry.heads.some((h) => h.path.startsWith(`${c.path}.`));
    const mod = m?.k === "instance" ? m.mod : null;
    if (mod && isExpandedBlock(mod)) {
      if (!expandedIntact(mod)) return { path: c.path, inside: true };
    } else if (!holdsHead && mod && (mod.children.size !== mod.zooChild?.inner || mod.paramProblem))
      return { path: c.path, inside: true };
  }
  return null;
}

/**
 * A tabulated block changed inside: its new layers count on top of its tabulated parameters (which still include the
 * ones they replaced) and its MACs are the table's, so neither is known.
 */
export function changedInside(ip: Interp, qualName: string, self: InstanceV, path: string, node: Node | null): void {
  const m = childAt(self, path);
  const message = `${qualName}: the script changes or reaches inside ${path} (an assignment to or an index into it), which the zoo models as one block with its tabulated totals`;
  if (m?.k === "instance" && m.mod && !m.mod.paramProblem)
    m.mod.paramProblem = `${message}, so the parameter count is unknown (the new layer is counted on top of the one it replaced)`;
  zooCostUnknown(ip, message, node);
}

/**
 * The forward of a model holding blocks built as real layers (zooExpand.ts), or null where the table's path
 * applies. Where the forward is a chain of children it runs them in turn, so the real layers are exact at any side
 * and however the script changed them; otherwise (MobileNetV2) a block changed inside makes the FLOPs unknown,
 * while its parameters, counted layer by layer, stay exact.
 */
export function expandedForward(
  ip: Interp,
  entry: ZooEntry,
  qualName: string,
  self: InstanceV,
  x: Value,
  change: { path: string; inside: boolean } | null,
  node: Node | null,
): Value | null {
  const expanded = entry.children.filter((c) => {
    const m = childAt(self, c.path);
    return m?.k === "instance" && isExpandedBlock(m.mod);
  });
  if (expanded.length === 0) return null;
  if (entry.chain) return chainForward(ip, entry, qualName, self, x, node);
  if (!change?.inside || !expanded.some((c) => c.path === change.path)) return null;
  zooCostUnknown(
    ip,
    `${qualName}: the script changes layers inside ${change.path}, so torchvision's tabulated MACs no longer apply (its forward is not a plain chain of children to run one by one)`,
    node,
  );
  return tensor(null);
}
