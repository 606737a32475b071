// FP120: large dense (Linear / Dense) layers that 2:4 semi-structured sparsity could run on sparse
// tensor cores. Priced with the footprint model's 2:4 what-if; says plainly that masks alone
// (unstructured pruning) save no time on dense GPU kernels. PyTorch gets a fix that masks the
// weights to 2:4 and keeps the pattern through training.
import { compact } from "../format";
import type { LayerCost, ModelCost } from "../types";
import { MASK_BUFFER, pruneFix, semiStructuredFix } from "./FP120-sparsity-fixes";
import type { Rule } from "./rule";
import { describeSaving, whatIf } from "./savings";
import { validated } from "./validatedFix";

/**
 * Weights per layer from which a dense layer counts as large: 1M (4 MB in fp32). Sparse GEMM
 * speed-ups are reported on transformer-sized layers (BERT-base's 768×3072 = 2.4M weights in the
 * PyTorch semi-structured sparsity tutorial); below ~1M weights a matmul is too short for the
 * saving to show over kernel launch and the 2:4 metadata.
 */
export const LARGE_DENSE_WEIGHTS = 1_000_000;

const DENSE = new Set(["Linear", "Dense"]);

/**
 * The 2:4 what-if scales all of the run's compute; when the large dense layers are under half of
 * the forward pass it would mostly price layers the fix does not touch (a ResNet's 2M-weight
 * classifier is 0.05% of its MACs), so the rule stays quiet there.
 */
export const MIN_DENSE_MAC_SHARE = 0.5;

/** Code that already prunes or sparsifies: the finding is answered. */
const ALREADY_SPARSE = new RegExp(
  String.raw`\bto_sparse_semi_structured\b|\bprune\.\w+\(|\bprune_low_magnitude\b|\bASP\.\w+\(|\b${MASK_BUFFER}\b`,
);

export const denseSparsity: Rule = {
  code: "FP120",
  title: "Large dense layers could use 2:4 sparsity",
  defaultSeverity: "information",
  check(ctx) {
    if (ALREADY_SPARSE.test(ctx.text)) return [];
    const out = [];
    for (const model of ctx.models) {
      const large = model.layers.filter((l) => DENSE.has(l.type) && l.params >= LARGE_DENSE_WEIGHTS);
      if (large.length === 0) continue;
      const share = denseMacShare(model, large);
      if (share !== null && share < MIN_DENSE_MAC_SHARE) continue;
      const run = ctx.runs.find((r) => r.spec.model === model.name) ?? (ctx.runs.length === 1 ? ctx.runs[0] : null);
      const w = run ? whatIf(run, "sparsity-2of4") : null;
      // A priced run on a device without sparse tensor cores has nothing to gain: no finding.
      if (run?.timeHours && !w) continue;
      const saving = run && w ? describeSaving(run, w) : null;
      const denseParams = large.reduce((s, l) => s + l.params, 0);
      const names =
        large
          .slice(0, 4)
          .map((l) => `${l.path} ${compact(l.params)}`)
          .join(", ") + (large.length > 4 ? `, +${large.length - 4} more` : "");
      const macShare = share === null ? "" : `; these layers are ${Math.round(share * 100)}% of forward MACs`;
      const priced = saving
        ? `${w!.title} ${saving} on ${run!.deviceName}, if every matmul ran sparse${macShare}`
        : "2:4 semi-structured sparsity can run them up to 2× faster on Ampere+ sparse tensor cores (not priced: no priced training run)";
      // A trained model gets masks to fine-tune with; an inference-only fp16/bf16 GPU model can go
      // straight to semi-structured weights (the masks alone would run dense kernels).
      const build = run ? pruneFix : semiStructuredFix;
      out.push({
        message: `${model.name}: ${large.length} large dense layer${large.length > 1 ? "s" : ""} (${names}) ${large.length > 1 ? "hold" : "holds"} ${compact(denseParams)} of ${compact(model.params)} parameters: ${priced}. Unstructured pruning saves no time on dense GPUs — zeros are still multiplied`,
        range: large[0].range && !large[0].file ? large[0].range : model.range,
        fixes: () => (model.framework === "pytorch" ? [validated(ctx, build(ctx, model, large))] : []),
      });
    }
    return out;
  },
};

/** The large dense layers' share of the forward MACs — how much of the what-if's assumption holds; null when untraced. */
function denseMacShare(model: ModelCost, large: LayerCost[]): number | null {
  if (!model.forwardMacs || large.some((l) => l.macs === null)) return null;
  return large.reduce((s, l) => s + (l.macs ?? 0), 0) / model.forwardMacs;
}
