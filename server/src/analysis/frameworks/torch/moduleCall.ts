// Calling an nn.Module: `model(x)` runs its forward (user method, catalog layer rule or container
// chain). At top level it is a forward event and the input is remembered for the cost trace;
// during the cost trace each call adds to that module's calls, shapes and MACs.
import type { Node } from "web-tree-sitter";
import { bindAttr } from "../../evaluate/attributes";
import { callValue } from "../../evaluate/calls/call";
import { lookupClassAttr } from "../../evaluate/classes";
import type { Interp } from "../../evaluate/interp";
import { type InstanceV, type Kw, unknown, type Value } from "../../evaluate/values";
import { type ModuleState, walkModules } from "./moduleState";

/** Per-sample shape (batch dimension dropped) of the first tensor in a value. */
export function perSampleShape(v: Value | undefined): number[] | null {
  if (!v) return null;
  if (v.k === "tensor") return v.shape && v.shape.length > 0 ? v.shape.slice(1) : null;
  if (v.k === "tuple" || v.k === "list") {
    for (const it of v.items) {
      const s = perSampleShape(it);
      if (s) return s;
    }
  }
  return null;
}

function firstTensor(args: Value[]): Extract<Value, { k: "tensor" }> | null {
  for (const a of args) if (a.k === "tensor") return a;
  return null;
}

/**
 * True when the module has parameters and none requires grad (`model.requires_grad_(False)`, a
 * loop setting `p.requires_grad = False`): PyTorch then records no graph for its forward, as
 * under no_grad, unless an input requires grad.
 */
/** Whether the model has parameters and none trains (a frozen teacher or feature extractor). */
function frozen(st: ModuleState): boolean {
  let any = false;
  let trains = false;
  walkModules(st, (m) => {
    for (const p of m.params.values()) {
      if (!p) continue;
      any = true;
      trains ||= p.requiresGrad;
    }
  });
  return any && !trains;
}

/** Cache key of a top-level call: the shapes of its tensor arguments; null when other values matter. */
function callKey(args: Value[], kw: Kw): string | null {
  if (kw.size > 0) return null;
  let key = "";
  for (const a of args) {
    if (a.k !== "tensor") return null;
    key += `${a.shape ? a.shape.join("x") : "?"}:${a.dtype};`;
  }
  return key;
}

/**
 * A module without a forward of its own is used through its methods (an RL agent's
 * `get_action_and_value(obs)`, `get_value(obs)`): called from outside any module, such a method
 * is the model's forward — an event, the input the cost trace replays, the method it replays.
 * Before, the calls were invisible and the run had no sized model.
 */
const TRAINS = /\.backward\s*\(|\.step\s*\(/;

export function isMethodForward(ip: Interp, self: Value, fn: Value, name: string): self is InstanceV {
  return (
    self.k === "instance" &&
    !!self.mod &&
    fn.k === "func" &&
    ip.moduleStack.length === 0 &&
    !name.startsWith("_") &&
    lookupClassAttr(self.cls, name) === fn &&
    // nn.Module's own default forward (it raises NotImplementedError) is no forward. Checked before
    // the method's text: most modules have a forward, and reading the text is a call into wasm.
    lookupClassAttr(self.cls, "forward") === ip.torch?.moduleClass.attrs.get("forward") &&
    // A method that trains (`agent.update(batch)` calling backward) is a training step, not a forward.
    !TRAINS.test(fn.node.text)
  );
}

export function callModule(
  ip: Interp,
  inst: InstanceV,
  args: Value[],
  kw: Kw,
  node: Node | null,
  method?: { name: string; fn: Value },
): Value {
  const st = inst.mod!;
  let cacheKey: string | null = null;
  if (ip.moduleStack.length === 0 && !ip.forwardStats) {
    const t = firstTensor(args);
    const shape = t?.shape ? t.shape.slice() : null;
    // A method that is handed no tensor (`agent.reset_noise()`) is not a forward.
    // (Called unbound with self: the bound method would come back here, forever.)
    if (method && !t) return callValue(ip, method.fn, [inst, ...args], kw, node);
    ip.event(
      {
        kind: "forward",
        modelId: st.id,
        inputShape: shape,
        ...(frozen(st) ? { frozen: true } : {}),
        ...(method ? { method: method.name } : {}),
      },
      node,
    );
    const prev = ip.observedInputs.get(st);
    // Through methods, the call with grad (the training step's) is the one traced, else the first.
    const replace = !prev || (method && prev.noGrad && ip.noGrad === 0);
    if (t?.shape && replace)
      ip.observedInputs.set(st, {
        args,
        kw,
        origin: t.origin ?? null,
        ...(method ? { method: method.name, noGrad: ip.noGrad > 0 } : {}),
      });
    // Training and evaluation loops call the model on same-shaped batches: one abstract run per shape.
    cacheKey = method ? null : callKey(args, kw);
    const hit = cacheKey !== null ? ip.forwardCache.get(st)?.get(cacheKey) : undefined;
    if (hit) return hit;
  }
  const fwd = method?.fn ?? lookupClassAttr(inst.cls, "forward");
  if (!fwd) return unknown(`${st.className} has no forward`, node);
  const stats = ip.forwardStats;
  let s = stats?.get(st);
  if (stats && !s) {
    s = { calls: 0, macs: 0, inputShape: null, outputShape: null };
    stats.set(st, s);
  }
  if (s) {
    s.calls++;
    if (ip.noGrad > 0) s.noGradCalls = (s.noGradCalls ?? 0) + 1;
    if (s.calls === 1) s.inputShape = perSampleShape(args[0]);
  }
  ip.moduleStack.push(st);
  try {
    let out = callValue(ip, bindAttr(ip, inst, fwd), args, kw, node);
    if (s && s.calls === 1) s.outputShape = perSampleShape(out);
    // A copy that remembers its maker, so `self.encoder(x).detach()` can say no gradient reaches it.
    if (s && out.k === "tensor" && ip.noGrad === 0) out = { ...out, producer: st };
    if (cacheKey !== null) {
      let m = ip.forwardCache.get(st);
      if (!m) ip.forwardCache.set(st, (m = new Map()));
      m.set(cacheKey, out);
    }
    return out;
  } finally {
    ip.moduleStack.pop();
  }
}
