// The Unknown a model's FLOPs get when a multiplying layer ran on a tensor whose shape was lost:
// which layer, what lost the shape, how much was counted before it, and the directive that fixes it.
import type { Interp } from "../evaluate/interp";
import { type ModuleState, namedModules } from "../frameworks/torch/moduleState";
import { nodeRange } from "../parse/nodes";
import type { Unknown } from "../types";

/**
 * A layer that multiplies ran on a tensor of unknown shape: the counted MACs are only a lower bound,
 * and a number that low would understate the run, so FLOPs are unknown; the trace's first note
 * (listed before this one) names the operation that lost the shape.
 */
export function shapeLostUnknown(
  ip: Interp,
  m: ModuleState,
  lost: NonNullable<Interp["forwardShapeLost"]>,
  macs: number,
): Unknown {
  const path = lost.mod ? namedModules(m).find(([, mod]) => mod === lost.mod)?.[0] : undefined;
  const where = path ? `layer ${path} (${lost.op})` : path === "" ? `${m.className} (${lost.op})` : lost.op;
  const cause = lost.cause ? ` (${lost.cause})` : " earlier in the forward";
  const counted = macs > 0 ? `; ${(2 * macs).toExponential(2)} FLOPs were counted before it` : "";
  const range = lost.mod?.node && lost.mod.file === ip.ctx.path ? nodeRange(lost.mod.node) : null;
  const flopsDirective =
    "if you know the forward cost, add `# footprint: flops <FLOPs per sample>` (e.g. `# footprint: flops 4.1G`)";
  // A layer whose own sizes are unknown: the input's shape may be fine, the layer's weights are not.
  if (lost.mod?.paramProblem)
    return {
      message: `forward FLOPs unknown: ${where} has sizes the analysis could not resolve (${lost.mod.paramProblem})${counted}`,
      range,
      hint: `${where} has sizes the analysis could not resolve; ${flopsDirective}`,
    };
  return {
    message: `forward FLOPs unknown: ${where} ran on a tensor whose shape was lost${cause}${counted}`,
    range,
    // Read after "FLOPs unknown: " in FP100 and beside this note in the report: one clause, lower case.
    hint: `${where} ran on a tensor of unknown shape (the model's first note names the operation that lost it); ${flopsDirective}`,
  };
}
