// Turns the nn.Module instances the interpreter built into ModelCost: picks the root models
// (not part of another model, not a parameter-free loss/activation), counts parameters exactly
// (tied weights once, frozen ones apart), and traces each forward once at batch size 1 for
// per-layer shapes and MACs.
import type { Interp, LayerStats } from "../evaluate/interp";
import { BudgetExhausted } from "../evaluate/budget";
import { instantiate, lookupClassAttr } from "../evaluate/classes";
import type { Scope } from "../evaluate/scope";
import { isModuleClass } from "../frameworks/torch/moduleAttrs";
import { callModule } from "../frameworks/torch/moduleCall";
import { type ModuleState, namedModules } from "../frameworks/torch/moduleState";
import { nodeRange } from "../parse/nodes";
import type { LayerCost, ModelCost, Range, Unknown } from "../types";
import { type Kw, tensor, type Value } from "../evaluate/values";
import { pretrainedRefOf } from "../frameworks/zoo/alternatives";
import { thousands } from "../format";
import { inputHint } from "./inputHint";
import { shapeLostUnknown } from "./shapeLost";
import { zooDonors } from "./zooDonors";

/** Modules worth reporting: not inside another module, built outside a forward, with something to count. */
export function rootModules(ip: Interp, same?: Map<number, number>): ModuleState[] {
  const inner = new Set<ModuleState>();
  for (const m of ip.modules) for (const c of m.children.values()) if (c.mod && c.mod !== m) inner.add(c.mod);
  const donors = zooDonors(ip);
  // Per site: the architectures reported there (computed only when a site builds a second model).
  const seenSites = new Map<string, { first: ModuleState; shapes: Map<string, ModuleState> | null }>();
  const out: ModuleState[] = [];
  for (const m of ip.modules) {
    if (inner.has(m) || m.wasChild || m.inForward || !m.site || donors.roots.has(m) || m.alternativeOf) continue;
    // A slice is a view of modules another model owns, unless that model is a donor and the slice is what is kept.
    if (m.sliceOf && !(m.boundName && donors.roots.has(donors.top(m.sliceOf)))) continue;
    if (m.copies.some((c) => c.wasChild)) continue;
    const hasContent = m.children.size > 0 || Array.from(m.params.values()).some((p) => p);
    if (!hasContent && !m.paramProblem) continue;
    // A model built in a loop (or deep-copied) at one place is reported once; a factory function's
    // one construction site builds several models when its results get names of their own, and a
    // loop over architectures (`getattr(models, arch)(…)`) builds a different one per item.
    const key = siteKey(m);
    const site = seenSites.get(key);
    if (site) {
      site.shapes ??= new Map([[architecture(site.first), site.first]]);
      const shape = architecture(m);
      const twin = site.shapes.get(shape);
      if (twin) {
        same?.set(m.id, twin.id);
        continue;
      }
      site.shapes.set(shape, m);
    } else seenSites.set(key, { first: m, shapes: null });
    out.push(m);
  }
  return out;
}

const siteKey = (m: ModuleState) =>
  `${m.className}@${m.site?.start.line}:${m.site?.start.character}#${m.boundName ?? ""}`;

/** A module tree's layer classes and parameter shapes: equal for two builds of one architecture. */
function architecture(m: ModuleState): string {
  const parts: string[] = [];
  for (const [path, mod] of namedModules(m)) {
    parts.push(`${path}:${mod.className}`);
    for (const [name, p] of mod.params) if (p) parts.push(`${name}=${p.shape.join("x")}`);
  }
  return parts.join(" ");
}

function batchOne(v: Value): Value {
  if (v.k === "tensor") return v.shape && v.shape.length > 0 ? { ...tensor([1, ...v.shape.slice(1)], v.dtype) } : v;
  if (v.k === "tuple" || v.k === "list") return { k: v.k, items: v.items.map(batchOne) };
  // A dict batch (Hugging Face `{"input_ids": …, "attention_mask": …}`): every column at batch one.
  if (v.k === "dict") return { k: "dict", map: new Map([...v.map].map(([key, [k, x]]) => [key, [k, batchOne(x)]])) };
  return v;
}

/** The first shaped tensor of the inputs, looking inside a dict batch: its shape is the one shown. */
function firstTensor(args: Value[]): Value | undefined {
  for (const a of args) {
    if (a.k === "tensor") return a;
    if (a.k === "dict") for (const [, x] of a.map.values()) if (x.k === "tensor" && x.shape) return x;
  }
  return undefined;
}

interface TraceInput {
  args: Value[];
  kw: Kw;
  source: string;
  shape: number[] | null;
}

function inputFor(ip: Interp, m: ModuleState): TraceInput | null {
  const d = ip.ctx.directives.input;
  if (d) return { args: [tensor([1, ...d.shape])], kw: new Map(), source: "directive", shape: d.shape.slice() };
  const seen = ip.observedInputs.get(m);
  if (!seen) return null;
  const args = seen.args.map(batchOne);
  const first = firstTensor(seen.args);
  const shape = first?.k === "tensor" && first.shape ? first.shape.slice(1) : null;
  return { args, kw: seen.kw, source: seen.origin ?? "input the script passes to the model", shape };
}

/** The batch at dimension 1 of each tensor: `(sequence, batch, …)` traced with a batch of one. */
function batchAtOne(v: Value): Value {
  if (v.k === "tensor")
    return v.shape && v.shape.length > 1 ? { ...tensor([v.shape[0]!, 1, ...v.shape.slice(2)], v.dtype) } : v;
  if (v.k === "tuple" || v.k === "list") return { k: v.k, items: v.items.map(batchAtOne) };
  return v;
}

/** The input again, read as `(sequence, batch, …)` the way `layer` (batch_first=False) reads it. */
function sequenceFirstInput(ip: Interp, m: ModuleState, input: TraceInput, layer: string): TraceInput | null {
  const why = `(sequence, batch, …): nn.${layer} reads dimension 1 as the batch (batch_first=False)`;
  const d = ip.ctx.directives.input;
  if (d) {
    if (d.shape.length < 1) return null;
    const args = [tensor([d.shape[0]!, 1, ...d.shape.slice(1)])];
    return { args, kw: new Map(), source: `directive, ${why}`, shape: d.shape.slice() };
  }
  const seen = ip.observedInputs.get(m);
  const first = seen?.args.find((a) => a.k === "tensor");
  if (!seen || first?.k !== "tensor" || !first.shape || first.shape.length < 2) return null;
  const shape = [first.shape[0]!, ...first.shape.slice(2)];
  return { args: seen.args.map(batchAtOne), kw: seen.kw, source: `${input.source}, ${why}`, shape };
}

interface TracedForward {
  macs: number | null;
  /** MACs of the forward that ran under activation checkpointing (run again in backward). */
  recomputeMacs: number;
  /** MACs of weight-only products: once per forward call, not per sample. */
  perCallMacs: number;
  stats: Map<ModuleState, LayerStats>;
  unknowns: Unknown[];
  /** A sequence-first layer read the traced batch of one as its sequence (Interp.forwardSequenceFirst). */
  sequenceFirst: string | null;
}

function traceForward(ip: Interp, m: ModuleState, input: TraceInput, stepsPerModel: number): TracedForward {
  const stats = new Map<ModuleState, LayerStats>();
  ip.forwardStats = stats;
  ip.forwardMacs = 0;
  ip.perCallMacs = 0;
  ip.recomputeMacs = 0;
  ip.checkpointDepth = 0;
  // The forward is traced as training runs it: with grad, unless its own code turns grad off.
  const savedNoGrad = ip.noGrad;
  ip.noGrad = 0;
  ip.forwardUnknowns = [];
  ip.forwardShapeLost = null;
  ip.forwardSequenceFirst = null;
  ip.forwardCostUnknown = null;
  ip.maxSteps = ip.steps + stepsPerModel;
  let complete = true;
  try {
    // A model used through its methods replays the method the script called (moduleCall.ts).
    const method = ip.observedInputs.get(m)?.method;
    const fn = method ? lookupClassAttr(m.instance.cls, method) : undefined;
    callModule(ip, m.instance, input.args, input.kw, null, method && fn ? { name: method, fn } : undefined);
  } catch (err) {
    if (!(err instanceof BudgetExhausted)) throw err;
    complete = false;
    ip.forwardUnknowns.push({ message: "forward trace stopped: step budget spent", range: null });
  } finally {
    ip.forwardStats = null;
    ip.moduleStack.length = 0;
    ip.noGrad = savedNoGrad;
  }
  const lost = ip.forwardShapeLost;
  const unmodelled = ip.forwardCostUnknown;
  ip.forwardShapeLost = null;
  ip.forwardCostUnknown = null;
  if (complete && unmodelled) ip.forwardUnknowns.push(unmodelled);
  if (complete && lost) ip.forwardUnknowns.push(shapeLostUnknown(ip, m, lost, ip.forwardMacs));
  const macs = complete && !lost && !unmodelled ? ip.forwardMacs : null;
  const sequenceFirst = ip.forwardSequenceFirst;
  ip.forwardSequenceFirst = null;
  return {
    macs,
    recomputeMacs: macs === null ? 0 : ip.recomputeMacs,
    perCallMacs: macs === null ? 0 : ip.perCallMacs,
    stats,
    unknowns: ip.forwardUnknowns,
    sequenceFirst,
  };
}

/** Required positional inputs of the model's forward (`x, t, context` for a diffusion UNet). */
function forwardInputs(m: ModuleState): string[] {
  const fwd = lookupClassAttr(m.instance.cls, "forward");
  if (fwd?.k !== "func") return [];
  return fwd.params
    .filter((p) => p.kind === "pos" && p.default === null)
    .map((p) => p.name)
    .slice(1);
}

function rangeOf(ip: Interp, m: ModuleState): { range: Range | null; file?: string } {
  if (!m.node) return { range: null };
  if (m.file === ip.ctx.path) return { range: nodeRange(m.node) };
  return { range: nodeRange(m.node), file: m.file };
}

/**
 * A file that defines nn.Module classes but builds none (a models.py) still gets its models:
 * each class constructible with its defaults is built once, at its definition, unless another
 * such model already contains it.
 */
export function buildDefinedModels(ip: Interp, globals: Scope): void {
  if (rootModules(ip).length > 0) return;
  const built: ModuleState[] = [];
  for (const v of globals.vars.values()) {
    if (v.k !== "class" || v.file !== ip.ctx.path || !v.node || !isModuleClass(v)) continue;
    const init = lookupClassAttr(v, "__init__");
    if (init?.k === "func" && init.params.slice(1).some((p) => (p.kind === "pos" || p.kind === "kwonly") && !p.default))
      continue;
    const inst = instantiate(ip, v, [], new Map(), v.node.childForFieldName("name") ?? v.node);
    if (inst.k === "instance" && inst.mod) built.push(inst.mod);
  }
  const contained = new Set<string>();
  for (const m of built) for (const [path, sub] of namedModules(m)) if (path) contained.add(sub.instance.cls.qualname);
  for (const m of built) if (contained.has(m.instance.cls.qualname)) m.inForward = true;
}

/** What the no-input-shape message says of the parameter count beside it. */
const PARAMS_ARE = {
  exact: "parameters are exact",
  lowerBound: "parameters are a lower bound",
  approximate: "parameters are approximate",
} as const;

export function buildModelCosts(ip: Interp, stepsForTracing: number): ModelCost[] {
  // A loop that builds one architecture per pass (k-fold, seeds) reports it once; the passes'
  // events name the reported one, so each pass's run finds its model (evaluate/loops.ts).
  const same = new Map<number, number>();
  const roots = rootModules(ip, same);
  if (same.size > 0)
    for (const e of ip.trace) {
      const id = "modelId" in e && e.modelId !== null ? same.get(e.modelId) : undefined;
      if (id !== undefined) (e as { modelId: number }).modelId = id;
    }
  const perModel = Math.floor(stepsForTracing / Math.max(1, roots.length));
  return roots.map((m) => modelCost(ip, m, perModel));
}

/** The first module in registration order that owns parameters: what reads the input in most models. */
function firstParameterised(m: ModuleState): { className: string; args: ModuleState["args"] } | null {
  for (const [, mod] of namedModules(m)) if (mod.children.size === 0 && mod.params.size > 0) return mod;
  return null;
}

function modelCost(ip: Interp, m: ModuleState, steps: number): ModelCost {
  const unknowns: Unknown[] = [];
  let input = inputFor(ip, m);
  let traced = input ? traceForward(ip, m, input, steps) : null;
  if (input && traced?.sequenceFirst) {
    const again = sequenceFirstInput(ip, m, input, traced.sequenceFirst);
    if (again) {
      input = again;
      traced = traceForward(ip, m, again, steps);
    }
  }
  const seenParams = new Set<object>();
  const layers: LayerCost[] = [];
  let params = 0;
  let trainable = 0;
  let inexact: ModelCost["paramsInexact"];
  let gradUnsure: string | null = null;
  let noGradTrainable = 0;
  let noGradParams = 0;
  let noGradMacs = 0;
  // Paths of modules every call of which ran under no_grad: their whole subtree gets no gradient
  // (a torchvision backbone's children are costed as a table, so only the backbone itself has stats).
  const named = namedModules(m);
  const noGradPaths = named
    .filter(([, mod]) => {
      const st = traced?.stats.get(mod);
      return !!st && st.calls > 0 && st.noGradCalls === st.calls;
    })
    .map(([path]) => path);
  const underNoGrad = (path: string) => noGradPaths.some((p) => path === p || path.startsWith(`${p}.`));
  for (const [path, mod] of named) {
    let own = 0;
    let ownTrainable = 0;
    for (const p of mod.params.values()) {
      if (!p || seenParams.has(p)) continue;
      seenParams.add(p);
      own += p.numel;
      if (p.requiresGrad) ownTrainable += p.numel;
      if (p.requiresGradUnsure) gradUnsure ??= `${path ? `layer ${path}` : m.className}: ${p.requiresGradUnsure}`;
      if (p.unknownShape) {
        inexact ??= "lowerBound";
        unknowns.push({ message: `${path || m.className}: ${p.unknownShape}`, range: rangeOf(ip, mod).range });
      }
    }
    if (mod.paramProblem) {
      // A layer that could not be sized counts 0 (a lower bound); one counted as built by default
      // but changed by the script (a zoo model's keyword or replaced inner layer) is approximate.
      const counted = own > 0 || mod.children.size > 0;
      inexact = counted || inexact === "approximate" ? "approximate" : "lowerBound";
      unknowns.push({ message: mod.paramProblem, range: rangeOf(ip, mod).range });
    }
    for (const what of mod.unresolved ?? []) {
      // An attribute set from a call the analysis could not resolve may be a layer it cannot count.
      inexact ??= "lowerBound";
      unknowns.push({
        message: `${path ? `layer ${path}` : m.className}: \`${what}\` could not be resolved; if it is a layer, its parameters are not counted`,
        range: rangeOf(ip, mod).range,
      });
    }
    for (const alt of mod.alternatives ?? []) {
      // The module counted is one of two an undecided condition chooses between: the count is one alternative's.
      if (alt.params) inexact = "approximate";
      unknowns.push({ message: alt.message, range: rangeOf(ip, mod).range });
    }
    params += own;
    trainable += ownTrainable;
    const s = traced?.stats.get(mod);
    if (noGradPaths.length > 0 && underNoGrad(path)) {
      // Layers run only under no_grad (or detached): forward-only in training, whatever requires_grad says.
      noGradTrainable += ownTrainable;
      noGradParams += own;
      noGradMacs += s?.macs ?? 0;
    }
    const { range, file } = rangeOf(ip, mod);
    const layer: LayerCost = {
      path,
      type: mod.className,
      range,
      params: own,
      trainableParams: ownTrainable,
      inputShape: s?.inputShape ?? null,
      outputShape: s?.outputShape ?? null,
      macs: traced && traced.macs !== null ? (s?.macs ?? 0) : null,
      calls: s?.calls ?? 0,
    };
    if (file) layer.file = file;
    if (s?.convMacs && layer.macs !== null) layer.convMacs = s.convMacs;
    if (s?.perCallMacs && layer.macs !== null) layer.perCallMacs = s.perCallMacs;
    // Containers and blocks appear only when they own something: parameters or MACs of their own ops.
    if (mod.children.size > 0 && own === 0 && !(layer.macs && layer.macs > 0)) continue;
    layers.push(layer);
  }
  if (gradUnsure)
    unknowns.push({
      message: `trainable parameters may differ from ${thousands(trainable)} (${gradUnsure})`,
      range: m.site,
    });
  if (!input) {
    unknowns.push({
      message: `${m.boundName ?? m.className}: no input shape, so FLOPs are unknown (${PARAMS_ARE[inexact ?? "exact"]})`,
      range: m.site,
      hint: inputHint(firstParameterised(m), forwardInputs(m)),
    });
  } else if (traced) {
    for (const u of traced.unknowns) if (unknowns.length < 50) unknowns.push(u);
  }
  const cls = m.instance.cls;
  const macs = traced?.macs ?? null;
  const pretrained = pretrainedRefOf(m);
  return {
    ...(pretrained ? { pretrained } : {}),
    id: m.id,
    name: m.boundName ?? m.className,
    className: m.className,
    range: m.site ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    definition: cls.node && cls.file ? { file: cls.file, range: nodeRange(cls.node) } : null,
    framework: "pytorch",
    params,
    trainableParams: trainable,
    ...(inexact ? { paramsInexact: inexact } : {}),
    forwardMacs: macs,
    forwardFlops: macs === null ? null : 2 * macs,
    ...(traced?.recomputeMacs ? { recomputedFlops: 2 * traced.recomputeMacs } : {}),
    ...(traced?.perCallMacs ? { perCallFlops: 2 * traced.perCallMacs } : {}),
    ...(noGradTrainable > 0 ? { noGradTrainableParams: noGradTrainable } : {}),
    ...(macs !== null && noGradMacs > 0 ? { noGradFlops: 2 * noGradMacs, noGradParams } : {}),
    inputShape: input?.shape ?? null,
    inputShapeSource: input?.source ?? null,
    layers,
    unknowns,
  };
}
