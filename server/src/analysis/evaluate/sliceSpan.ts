// A window of a 1-D array at an unknown offset: `data[i : i + block_size]` has block_size elements
// whatever i is. nanoGPT-style loaders draw every sample this way from an np.memmap token file
// (`ix = torch.randint(len(data) - block_size, (batch_size,))`, then one window per index), so the
// batch is (batch_size, block_size) although neither i nor the file's length is known.
import type { Expr } from "./ast";
import { evalExpr } from "./expressions";
import type { Interp } from "./interp";
import type { Scope } from "./scope";
import { asInt, type TensorV, tensor, type Value } from "./values";

type SliceExpr = Extract<Expr, { t: "slice" }>;

/**
 * The slice's length when its stop is written as its start plus k (`i : i + k`, `i + 1 : i + 1 + k`)
 * and k is a known int; null otherwise.
 */
function spanOf(ip: Interp, sl: SliceExpr, s: Scope): number | null {
  const { lo, hi, step } = sl;
  if (!lo || !hi || step || hi.t !== "bin" || hi.op !== "+") return null;
  if (hi.l.node?.text.replace(/\s+/g, "") !== lo.node?.text.replace(/\s+/g, "")) return null;
  const k = asInt(evalExpr(ip, hi.r, s));
  return k !== null && k >= 0 ? k : null;
}

/**
 * `x[i : i + k]` of a 1-D array (or a flat memmap): k elements whatever i is (fewer only past the
 * end, which a sampler that draws i below len - k never reaches). Any other slice keeps what
 * ordinary indexing gave.
 */
export function spanSlice(ip: Interp, obj: TensorV, sl: SliceExpr, out: Value, s: Scope): Value {
  if (!obj.flat && obj.shape?.length !== 1) return out;
  const k = spanOf(ip, sl, s);
  if (k === null) return out;
  const n = obj.shape?.[0];
  return tensor([n === undefined ? k : Math.min(k, n)], obj.dtype);
}
