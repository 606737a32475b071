// Tensors computed from a model's parameters and buffers alone (`self.lora_B @ self.lora_A`, `self.weight *
// self.mask`, `torch.matmul(self.U, self.V.t())`): they do not depend on the forward's input, so a product of
// them runs once per forward call, whatever the batch, and its MACs are not a per-sample cost. Only parameters
// and registered buffers start such a chain, and only ops whose every tensor operand is one continue it; a
// tensor made inside the forward (`torch.zeros(x.size(0), …)`) is taken as per-sample, the safe side.
import type { Kw, Value } from "../../evaluate/values";

/**
 * Folds `v`'s tensors (a tuple's or list's too) into `state`: 0 none yet, 1 every one weight-only,
 * -1 one is not (or `v` is unknown). Allocation-free: this runs on every tensor op of every trace.
 */
function fold(v: Value, state: number): number {
  if (state < 0) return state;
  if (v.k === "tensor") return v.weightOnly === true ? 1 : -1;
  if (v.k === "tuple" || v.k === "list") {
    for (const x of v.items) state = fold(x, state);
    return state;
  }
  return v.k === "unknown" ? -1 : state;
}

/**
 * Ops that replicate a tensor to sizes given as numbers (`self.latents.expand(b, -1, -1)`, `w.repeat(b, 1)`,
 * `w.new_zeros(b, n)`): the sizes may be the batch, which the trace at a batch of one cannot tell from a
 * constant, so their result is per-sample, like the input it stands for.
 */
const REPLICATING = new Set([
  "expand",
  "repeat",
  "tile",
  "broadcast_to",
  "repeat_interleave",
  "new_zeros",
  "new_ones",
  "new_full",
  "new_empty",
  "new_tensor",
  "broadcast_tensors",
]);

/** Whether op `name` ("Tensor.expand", "torch.tile") can hand weight-only operands on as a weight-only result. */
export function keepsWeightOnly(name: string): boolean {
  return !REPLICATING.has(name.slice(name.lastIndexOf(".") + 1));
}

/** True when at least one operand is a tensor and every tensor operand is weight-only (nothing unknown). */
export function allWeightOnly(args: readonly Value[], kw?: Kw): boolean {
  let state = 0;
  for (const a of args) state = fold(a, state);
  if (kw && state >= 0) for (const v of kw.values()) state = fold(v, state);
  return state === 1;
}

/** Marks an op's tensor results (a tuple's too) as weight-only. */
export function markWeightOnly(v: Value): Value {
  if (v.k === "tensor") v.weightOnly = true;
  else if (v.k === "tuple" || v.k === "list") for (const x of v.items) markWeightOnly(x);
  return v;
}
