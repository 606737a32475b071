// FP150: training in float64 (`.double()`, `dtype=torch.float64`): GPUs run fp64 at a fraction of
// fp32 speed (1/2 on A100/H100, 1/32–1/64 on consumer cards) for no accuracy a network needs.
import type { Rule } from "./rule";
import { describeSaving, whatIf } from "./savings";
import { float32Edits } from "./FP150-float64-fixes";
import { validated } from "./validatedFix";

export const float64Training: Rule = {
  code: "FP150",
  title: "float64 training",
  defaultSeverity: "warning",
  check(ctx) {
    const out = [];
    for (const e of ctx.facts.trace) {
      if (e.kind !== "precision" || e.precision !== "fp64") continue;
      const fixes = () => {
        const edits = float32Edits(ctx, e);
        return edits ? [validated(ctx, { title: "Use float32", edits, isPreferred: true })] : [];
      };
      // The footprint model prices mixed precision from the fp64 baseline; there is no float32 what-if.
      const run = ctx.runs.find((r) => r.spec.precision === "fp64" && whatIf(r, "mixed-precision"));
      const saving = run ? describeSaving(run, whatIf(run, "mixed-precision")) : null;
      out.push({
        message: `float64 (${e.how}): GPUs run float64 at 1/2 (A100, H100) to 1/64 (RTX, T4) of float32 speed and double the memory; float32 or mixed precision trains the same network${saving ? ` (mixed precision from here: ${saving} on ${run!.deviceName})` : ""}`,
        range: e.range,
        fixes,
      });
    }
    return out;
  },
};
