// Classes for the torch.nn layer catalog (layers/): constructing one binds its arguments to the
// catalog signature and creates its exact parameter tensors; calling it applies the catalog's
// shape/MAC rule. Encoder/decoder stacks deep-copy their layer argument like torch does.
import type { Node } from "web-tree-sitter";
import { BudgetExhausted } from "../../evaluate/budget";
import { callValue } from "../../evaluate/calls/call";
import { makeClass } from "../../evaluate/classes";
import type { Interp } from "../../evaluate/interp";
import {
  asInt,
  builtin,
  type ClassV,
  type InstanceV,
  type Kw,
  NONE,
  tensor,
  unknown,
  type Value,
} from "../../evaluate/values";
import { deepCopy } from "./containers";
import { ArgError, type Args, type LayerSpec } from "./layerSpec";
import { bindArgs } from "./layers/bindArgs";
import { TORCH_LAYER_STACKS, TORCH_LAYERS } from "./layers/index";
import { makeParam, type ModuleState } from "./moduleState";
import { fromPretrained } from "./pretrainedEmbedding";
import { chargeMacs, fromArg, kwToArgs, shapeUnknown, toArg } from "./tensorOps";
import { allWeightOnly, markWeightOnly } from "./weightOnly";

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function layerInit(name: string, spec: LayerSpec) {
  return (ip: Interp, [s, ...args]: Value[], kw: Kw, node: Node | null): Value => {
    if (s?.k !== "instance" || !s.mod) return NONE;
    const st = s.mod;
    st.spec = spec;
    const stack = TORCH_LAYER_STACKS[name];
    let bound: Args;
    try {
      bound = bindArgs(name, spec.signature, args.map(toArg), kwToArgs(kw));
    } catch (err) {
      if (err instanceof BudgetExhausted) throw err;
      st.paramProblem = describe(err);
      ip.note(st.paramProblem, node);
      st.args = {};
      return NONE;
    }
    st.args = bound;
    if (stack) {
      buildStack(ip, s, stack, args, kw, node);
      return NONE;
    }
    try {
      const shapes = spec.params(bound);
      for (const [pname, shape] of Object.entries(shapes)) st.params.set(pname, makeParam(shape));
      if (bound.bias === false && !("bias" in shapes)) st.params.set("bias", null);
    } catch (err) {
      if (err instanceof BudgetExhausted) throw err;
      st.paramProblem = err instanceof ArgError ? withCause(err.message, spec, args, kw) : `${name}: ${describe(err)}`;
      ip.note(st.paramProblem, node);
    }
    return NONE;
  };
}

/** "Linear: out_features is unknown" gains why the script's value is unknown, when the value says. */
function withCause(message: string, spec: LayerSpec, args: Value[], kw: Kw): string {
  const m = /: (\w+) is unknown$/.exec(message);
  if (!m) return message;
  const index = spec.signature.findIndex(([n]) => n === m[1]);
  const v = kw.get(m[1]) ?? (index >= 0 ? args[index] : undefined);
  return v?.k === "unknown" && v.reason ? `${message} (${v.reason})` : message;
}

/** TransformerEncoder(encoder_layer, num_layers, norm): layers.0..n-1 are deep copies, then norm. */
function buildStack(
  ip: Interp,
  inst: InstanceV,
  stack: { layerArg: string; countArg: string; normArg: string },
  args: Value[],
  kw: Kw,
  node: Node | null,
): void {
  const layer = kw.get(stack.layerArg) ?? args[0];
  const n = asInt(kw.get(stack.countArg) ?? args[1]);
  const norm = kw.get(stack.normArg) ?? args[2];
  if (layer?.k !== "instance" || !layer.mod || n === null) {
    inst.mod!.paramProblem = `${inst.mod!.className}: the layer or num_layers is unknown`;
    ip.note(inst.mod!.paramProblem, node);
    return;
  }
  const reg = ip.torch!;
  const layers = callValue(ip, reg.containers.ModuleList, [], new Map(), node) as InstanceV;
  layers.mod!.inForward = true;
  for (let i = 0; i < n; i++) {
    const copy = deepCopy(ip, layer) as InstanceV;
    layers.mod!.children.set(String(i), copy);
  }
  inst.mod!.children.set("layers", layers);
  if (norm?.k === "instance" && norm.mod) inst.mod!.children.set("norm", norm);
}

/**
 * Layers with weights multiply their input, except norms, embeddings (lookups) and PReLU: when one of
 * those that multiplies runs on a tensor of unknown shape, the trace's MAC total is incomplete. A
 * layer whose sizes are unknown (paramProblem) has no weights to show but multiplies all the same.
 */
function multiplies(st: ModuleState): boolean {
  return (st.params.size > 0 || Boolean(st.paramProblem)) && !/Norm|Embedding|PReLU/.test(st.className);
}

/** Layers that read (sequence, batch, features) unless built with batch_first=True. */
const SEQUENCE_FIRST = new Set([
  "RNN",
  "LSTM",
  "GRU",
  "MultiheadAttention",
  "TransformerEncoderLayer",
  "TransformerDecoderLayer",
  "Transformer",
]);

/**
 * The cost trace runs the model on the script's input with dimension 0 set to 1. A sequence-first
 * layer that then sees a sequence of 1 over a batch of several got the script's sequence dimension
 * as its batch: the input was (sequence, batch, …), not (batch, …). A layer whose input was
 * transposed first sees (sequence, 1, …) and raises nothing.
 */
function noteSequenceFirst(ip: Interp, name: string, inputs: Value[]): void {
  const x = inputs[0];
  if (x?.k !== "tensor" || !x.shape || x.shape.length < 3) return;
  if (x.shape[0] === 1 && x.shape[1]! > 1) ip.forwardSequenceFirst ??= name;
}

function layerForward(name: string) {
  return (ip: Interp, [s, ...inputs]: Value[], kw: Kw, node: Node | null): Value => {
    if (s?.k !== "instance" || !s.mod) return unknown(`${name} forward without a module`, node);
    const st = s.mod;
    if (TORCH_LAYER_STACKS[name]) {
      const layers = st.children.get("layers");
      let x: Value = inputs[0] ?? NONE;
      const rest = inputs.slice(1);
      for (const l of layers?.mod?.children.values() ?? []) x = callValue(ip, l, [x, ...rest], kw, node);
      const norm = st.children.get("norm");
      return norm ? callValue(ip, norm, [x], new Map(), node) : x;
    }
    const spec = st.spec;
    if (!spec?.forward || !st.args) return unknown(`${name} forward is not modelled`, node);
    if (ip.forwardStats && SEQUENCE_FIRST.has(name) && st.args.batch_first !== true)
      noteSequenceFirst(ip, name, inputs);
    try {
      const args = inputs.map(toArg);
      if (st.paramProblem && spec.materialize) materialize(st, spec.materialize(st.args, args));
      const r = spec.forward(st.args, args, kwToArgs(kw));
      if (ip.forwardStats && r.macs === 0 && !ip.forwardShapeLost && multiplies(st) && shapeUnknown(args[0]))
        ip.forwardShapeLost = { mod: st, op: name, cause: inputs[0]?.k === "unknown" ? inputs[0].reason : undefined };
      // A layer applied to a parameter (a Perceiver's latents through a projection) runs once per call.
      const weightOnly = allWeightOnly(inputs);
      chargeMacs(ip, r.macs, r.conv ? r.macs : 0, st, weightOnly);
      const out = fromArg(r.output);
      return weightOnly ? markWeightOnly(out) : out;
    } catch (err) {
      if (err instanceof BudgetExhausted) throw err;
      ip.note(describe(err), node);
      if (ip.forwardStats && !ip.forwardShapeLost && multiplies(st)) ip.forwardShapeLost = { mod: st, op: name };
      return tensor(null);
    }
  };
}

/** A lazy layer's first call creates its parameters: from then on it counts like its eager form. */
function materialize(st: ModuleState, shapes: Record<string, number[]> | null): void {
  if (!shapes) return;
  for (const [pname, shape] of Object.entries(shapes)) st.params.set(pname, makeParam(shape));
  if (st.args?.bias === false && !("bias" in shapes)) st.params.set("bias", null);
  st.paramProblem = null;
}

/** One class per catalog entry, created on first use (per analysis, so user code may subclass it). */
export function catalogClass(ip: Interp, name: string, moduleClass: ClassV): ClassV | undefined {
  const spec = TORCH_LAYERS[name];
  if (!spec) return undefined;
  const attrs = new Map<string, Value>([["forward", builtin(`${name}.forward`, layerForward(name))]]);
  void ip;
  const cls = makeClass(name, [moduleClass], attrs, {
    qualname: `torch.nn.${name}`,
    native: { init: layerInit(name, spec) },
  });
  if (name === "Embedding" || name === "EmbeddingBag")
    cls.attrs.set(
      "from_pretrained",
      builtin(`${name}.from_pretrained`, (ip2, args, kw, node) => fromPretrained(ip2, cls, args, kw, node)),
    );
  // DDP scripts write `model = nn.SyncBatchNorm.convert_sync_batchnorm(model)`: the same module with
  // its BatchNorms synchronised, the same parameters and MACs; unknown, it lost the training's model.
  if (name === "SyncBatchNorm")
    cls.attrs.set(
      "convert_sync_batchnorm",
      builtin("SyncBatchNorm.convert_sync_batchnorm", (_ip, [m]) => m ?? NONE),
    );
  return cls;
}
