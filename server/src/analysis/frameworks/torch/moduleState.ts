// The state torch keeps for each nn.Module instance: ordered children, parameters, buffers,
// and for catalog layers the bound constructor arguments (which `layer.in_features` reads).
import type { Node } from "web-tree-sitter";
import type { InstanceV, ParamRef, TensorV } from "../../evaluate/values";
import type { Args, LayerSpec } from "./layerSpec";

export interface ModuleState {
  /** Stable within one analysis; also the ModelCost id and the trace's modelId. */
  id: number;
  className: string;
  instance: InstanceV;
  /** The catalog entry for built-in layers (nn.Linear...), null for user classes and containers. */
  spec: LayerSpec | null;
  /** Constructor arguments bound to the catalog signature. */
  args: Args | null;
  children: ChildMap;
  /** Registered as a child at some point (a replaced head is not a model of its own). */
  wasChild: boolean;
  /** Deep copies made of this module (a template cloned into a stack is not a model of its own). */
  copies: ModuleState[];
  /** null marks a parameter slot set to None (`bias=False` leaves `bias` = None). */
  params: Map<string, ParamRef | null>;
  buffers: Map<string, TensorV>;
  /** Why the parameter count of this module is incomplete (an argument was unknown). */
  paramProblem: string | null;
  node: Node | null;
  file: string;
  /** Where in the analysed file the construction happened (the call site when built in an imported file). */
  site: import("../../types").Range | null;
  /** Variable the instance was first bound to (`model = Net()`). */
  boundName: string | null;
  /** Call depth of that binding: a shallower one wins. */
  boundDepth: number;
  training: boolean;
  /** torchvision zoo model this tree stands for (its forward uses tabulated MACs). */
  zoo?: { name: string; classes: number };
  /**
   * The zoo builder's child at `path` of the model `entry` (a ZooEntry): assigning another module there replaces
   * it; `inner` is how many children it was built with (one assigned inside it later changes it).
   */
  zooChild?: { entry: object; path: string; inner: number };
  /** A Sequential/ModuleList slice of this container (`features[:16]`): a view, reported only in a donor's place. */
  sliceOf?: ModuleState;
  /**
   * Built on one path of an undecided `if` whose other path builds another module (evaluate/undecided.ts): both
   * alternatives, and whether their parameters differ (else only parameter-free layers or arguments do).
   */
  alternatives?: Array<{ message: string; params: boolean }>;
  /** The other path's module of such an `if`, which the name no longer holds: not a model of its own. */
  alternativeOf?: ModuleState;
  /** Built while another model's forward was being traced (a throwaway `nn.ReLU()(x)`). */
  inForward: boolean;
  /**
   * Attributes set to what a call the analysis could not resolve returned (`self.ffn = make_ffn(d)`
   * from a module it cannot read): each may be a layer whose parameters are then missing. Absent = none.
   */
  unresolved?: string[];
}

/** Child modules by name; registering one marks it as part of another module. */
export class ChildMap extends Map<string, InstanceV> {
  override set(key: string, v: InstanceV): this {
    if (v.mod) v.mod.wasChild = true;
    return super.set(key, v);
  }
}

/** Depth-first (module, dotted path) pairs, each module once, in registration order (torch's named_modules). */
export function namedModules(root: ModuleState): Array<[string, ModuleState]> {
  const out: Array<[string, ModuleState]> = [];
  walkModules(root, (m, path) => out.push([path(), m]));
  return out;
}

/** The modules of `namedModules`, in the same order, without building their paths (`.train()`, `.modules()`). */
export function allModules(root: ModuleState): ModuleState[] {
  const out: ModuleState[] = [];
  walkModules(root, (m) => out.push(m));
  return out;
}

/**
 * Visits each module of a tree once, depth-first in registration order, to depth 64 (a cycle or a
 * runaway nesting stops there); `path()` builds the dotted path only for callers that read it, and
 * only while the module is being visited: model calls, `.train()` and `.parameters()` walk the tree
 * on every call, and a closure and a path per module were a tenth of a large file's allocation.
 */
export function walkModules(root: ModuleState, visit: (m: ModuleState, path: () => string) => void): void {
  const seen = new Set<ModuleState>();
  const names: string[] = [];
  const path = () => names.join(".");
  const walk = (m: ModuleState, depth: number) => {
    if (seen.has(m) || depth > 64) return;
    seen.add(m);
    visit(m, path);
    if (m.children.size === 0) return;
    for (const name of m.children.keys()) {
      const child = m.children.get(name)?.mod;
      if (!child) continue;
      names.push(name);
      walk(child, depth + 1);
      names.pop();
    }
  };
  walk(root, 0);
}

/** Parameters of a module tree, each tensor once (tied weights count once, at the first owner). */
export function namedParameters(root: ModuleState): Array<[string, ParamRef, ModuleState]> {
  const out: Array<[string, ParamRef, ModuleState]> = [];
  const seen = new Set<ParamRef>();
  walkModules(root, (m, path) => {
    if (m.params.size === 0) return;
    let prefix: string | undefined;
    for (const [name, p] of m.params) {
      if (!p || seen.has(p)) continue;
      seen.add(p);
      prefix ??= path();
      out.push([prefix ? `${prefix}.${name}` : name, p, m]);
    }
  });
  return out;
}

/** The tensors of `namedParameters`, in the same order, without their paths (`.parameters()`). */
export function parameterRefs(root: ModuleState): ParamRef[] {
  const out: ParamRef[] = [];
  const seen = new Set<ParamRef>();
  walkModules(root, (m) => {
    for (const p of m.params.values()) {
      if (!p || seen.has(p)) continue;
      seen.add(p);
      out.push(p);
    }
  });
  return out;
}

export function makeParam(shape: number[], requiresGrad = true): ParamRef {
  let numel = 1;
  for (const d of shape) numel *= d;
  return { shape, numel, requiresGrad };
}
