// FP120: large dense (Linear / Dense) layers that 2:4 semi-structured sparsity could run on sparse
// tensor cores. Priced with the footprint model's 2:4 what-if; says plainly that masks alone
// (unstructured pruning) save no time on dense GPU kernels. PyTorch gets a torch.nn.utils.prune fix.
import { ensureFromImport, ensureModuleImport } from "../fixes/imports";
import { insertLinesAfter } from "../fixes/insertLines";
import { detectStyle, quoted } from "../fixes/pythonStyle";
import { compact } from "../format";
import type { Fix, LayerCost, ModelCost } from "../types";
import { enclosingStatement, nodeAt } from "./astLookup";
import type { Rule, RuleContext } from "./rule";
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
const ALREADY_SPARSE = /\bto_sparse_semi_structured\b|\bprune\.\w+\(|\bprune_low_magnitude\b|\bASP\.\w+\(/;

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
      const fix = model.framework === "pytorch" ? validated(ctx, pruneFix(ctx, model, large)) : null;
      out.push({
        message: `${model.name}: ${large.length} large dense layer${large.length > 1 ? "s" : ""} (${names}) ${large.length > 1 ? "hold" : "holds"} ${compact(denseParams)} of ${compact(model.params)} parameters: ${priced}. Unstructured pruning saves no time on dense GPUs — zeros are still multiplied`,
        range: large[0].range && !large[0].file ? large[0].range : model.range,
        fixes: fix ? [fix] : [],
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

/**
 * After the model is built: a magnitude 2:4 mask (the 2 largest of every 4 weights along the
 * input dimension) on each large Linear, applied with prune.custom_from_mask so training keeps
 * the pattern. Layers whose input size is not a multiple of 4 cannot take the pattern.
 */
function pruneFix(ctx: RuleContext, model: ModelCost, large: LayerCost[]): Fix {
  const none: Fix = { title: "", edits: [] };
  const paths = large.filter((l) => (l.inputShape?.at(-1) ?? 0) % 4 === 0).map((l) => l.path);
  const stmt = enclosingStatement(nodeAt(ctx.tree, model.range));
  // Only right after `name = ...` binds the model: after a `return` the code would never run.
  const assign = stmt?.type === "expression_statement" ? stmt.firstNamedChild : null;
  if (paths.length === 0 || !stmt || assign?.type !== "assignment") return none;
  if (assign.childForFieldName("left")?.text !== model.name) return none;
  const style = detectStyle(ctx.text);
  const torch = ensureModuleImport(ctx.tree, style, "torch");
  const prune = ensureFromImport(ctx.tree, style, "torch.nn.utils", "prune");
  const t = torch.name;
  const q = (s: string) => quoted(style, s);
  const tuple = `(${paths.map(q).join(", ")}${paths.length === 1 ? "," : ""})`;
  const lines = [
    "# 2:4 sparsity: keep the 2 largest of every 4 weights; fine-tune with the masks, then convert",
    "# with torch.sparse.to_sparse_semi_structured (torch >= 2.1, Ampere+ GPU) to run on sparse tensor cores",
    `for name in ${tuple}:`,
    `    layer = ${model.name}.get_submodule(name)`,
    "    groups = layer.weight.detach().abs().reshape(-1, 4)",
    `    mask = ${t}.zeros_like(groups, dtype=${t}.bool).scatter_(1, groups.topk(2, dim=1).indices, True)`,
    `    ${prune.name}.custom_from_mask(layer, ${q("weight")}, mask.reshape(layer.weight.shape))`,
  ];
  const edits = [insertLinesAfter(ctx.text, style, stmt, lines)];
  // Both imports land on the same line: one edit, so their order is fixed.
  const imports = [torch.edit, prune.edit].filter((e) => e !== null);
  if (imports.length === 2) edits.push({ range: imports[0].range, newText: imports[0].newText + imports[1].newText });
  else edits.push(...imports);
  return {
    title: `Prune ${paths.join(", ")} to the 2:4 pattern with torch.nn.utils.prune (sparse speed-up needs torch ≥ 2.1 and an Ampere+ GPU)`,
    edits,
    isPreferred: true,
  };
}
