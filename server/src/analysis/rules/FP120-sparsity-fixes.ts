// FP120's quick-fixes, inserted right after the statement that binds the model: 2:4 magnitude masks
// kept through training by masked gradients for a model that is trained here, or semi-structured sparse weights
// (torch.sparse.to_sparse_semi_structured, torch >= 2.1, Ampere+) for an fp16/bf16 GPU inference model.
import type { Node } from "web-tree-sitter";
import { ensureFromImport, ensureModuleImport } from "../fixes/imports";
import { insertLinesAfter } from "../fixes/insertLines";
import { detectStyle, type PythonStyle, quoted } from "../fixes/pythonStyle";
import type { Fix, LayerCost, ModelCost, TextEdit } from "../types";
import { enclosingStatement, nodeAt } from "./astLookup";
import type { RuleContext } from "./rule";

const NONE: Fix = { title: "", edits: [] };

/** The buffer the training fix keeps each layer's 2:4 mask in (FP120 recognises it as answered). */
export const MASK_BUFFER = "weight_mask_2to4";

/** `name = ...` binding the model, or null: after a `return` inserted code would never run. */
function bindingStatement(ctx: RuleContext, model: ModelCost): Node | null {
  const stmt = enclosingStatement(nodeAt(ctx.tree, model.range));
  const assign = stmt?.type === "expression_statement" ? stmt.firstNamedChild : null;
  if (!stmt || assign?.type !== "assignment" || assign.childForFieldName("left")?.text !== model.name) return null;
  return stmt;
}

/** Loop header and the magnitude 2:4 mask: the 2 largest of every 4 weights along the input dimension. */
function maskLines(style: PythonStyle, model: ModelCost, paths: string[], t: string): string[] {
  const tuple = `(${paths.map((p) => quoted(style, p)).join(", ")}${paths.length === 1 ? "," : ""})`;
  return [
    `for name in ${tuple}:`,
    `    layer = ${model.name}.get_submodule(name)`,
    "    groups = layer.weight.detach().abs().reshape(-1, 4)",
    `    mask = ${t}.zeros_like(groups, dtype=${t}.bool).scatter_(1, groups.topk(2, dim=1).indices, True)`,
  ];
}

/** Imports that land on the same line go in one edit, so their order is fixed. */
function withImports(edit: TextEdit, imports: Array<TextEdit | null>): TextEdit[] {
  const present = imports.filter((e): e is TextEdit => e !== null);
  if (present.length === 2)
    return [edit, { range: present[0].range, newText: present[0].newText + present[1].newText }];
  return [edit, ...present];
}

/**
 * The 2:4 masks applied to the weights, and the weights' gradients masked, so training keeps the
 * pattern. Not torch.nn.utils.prune: its `weight` becomes a computed tensor (weight_orig × mask), on
 * which `copy.deepcopy(model)` and `quantize_dynamic` raise, and its state_dict keys change (no longer
 * loadable into the unpruned model). The mask is a non-persistent buffer: it follows `.to(device)`,
 * stays out of checkpoints. Input sizes must be multiples of 4.
 */
export function pruneFix(ctx: RuleContext, model: ModelCost, large: LayerCost[]): Fix {
  const paths = large.filter((l) => (l.inputShape?.at(-1) ?? 0) % 4 === 0).map((l) => l.path);
  const stmt = bindingStatement(ctx, model);
  if (paths.length === 0 || !stmt) return NONE;
  const style = detectStyle(ctx.text);
  const torch = ensureModuleImport(ctx.tree, style, "torch");
  const buffer = quoted(style, MASK_BUFFER);
  const lines = [
    "# 2:4 sparsity: keep the 2 largest of every 4 weights and train with the pattern (gradients masked),",
    "# then convert with torch.sparse.to_sparse_semi_structured (torch >= 2.1, Ampere+ GPU) for sparse tensor cores",
    ...maskLines(style, model, paths, torch.name),
    `    layer.register_buffer(${buffer}, mask.reshape(layer.weight.shape), persistent=False)`,
    `    with ${torch.name}.no_grad():`,
    `        layer.weight.mul_(layer.${MASK_BUFFER})`,
    `    layer.weight.register_hook(lambda grad, layer=layer: grad * layer.${MASK_BUFFER})`,
  ];
  return {
    title: `Prune ${paths.join(", ")} to the 2:4 pattern and train with it (sparse speed-up needs torch ≥ 2.1 and an Ampere+ GPU)`,
    edits: withImports(insertLinesAfter(ctx.text, style, stmt, lines), [torch.edit]),
    isPreferred: true,
  };
}

/** The model statement puts it on a GPU in half precision: what semi-structured kernels take. */
const HALF_ON_GPU = /\.half\(\)|float16|bfloat16/;
const ON_GPU = /\.cuda\(|["']cuda/;

/** The first `name = ....half().cuda()`-style statement: where the model's weights are fp16/bf16 on the GPU. */
function halfGpuBinding(ctx: RuleContext, name: string): Node | null {
  for (const a of ctx.tree.rootNode.descendantsOfType("assignment")) {
    const stmt = a?.parent;
    if (!a || stmt?.type !== "expression_statement" || a.childForFieldName("left")?.text !== name) continue;
    const right = a.childForFieldName("right")?.text ?? "";
    if (HALF_ON_GPU.test(right) && ON_GPU.test(right)) return stmt;
  }
  return null;
}

/**
 * Inference only: the masked weights stored as SparseSemiStructuredTensor. torch 2.1's kernels take
 * fp16/bf16 CUDA matrices whose sizes are multiples of 64, so layers of other shapes are left out.
 */
export function semiStructuredFix(ctx: RuleContext, model: ModelCost, large: LayerCost[]): Fix {
  const fits = (l: LayerCost) => (l.inputShape?.at(-1) ?? 1) % 64 === 0 && (l.outputShape?.at(-1) ?? 1) % 64 === 0;
  const paths = large.filter(fits).map((l) => l.path);
  const stmt = halfGpuBinding(ctx, model.name);
  if (paths.length === 0 || !stmt) return NONE;
  const style = detectStyle(ctx.text);
  const torch = ensureModuleImport(ctx.tree, style, "torch");
  const sparse = ensureFromImport(ctx.tree, style, "torch.sparse", "to_sparse_semi_structured");
  const t = torch.name;
  const lines = [
    "# 2:4 semi-structured weights for sparse tensor cores (torch >= 2.1, GPU compute capability >= 8.0);",
    "# magnitude pruning without a 2:4 fine-tune can cost accuracy: check it on your validation set",
    ...maskLines(style, model, paths, t),
    `    dense = layer.weight.detach() * mask.reshape(layer.weight.shape)`,
    `    layer.weight = ${t}.nn.Parameter(${sparse.name}(dense), requires_grad=False)`,
  ];
  return {
    title: `Store ${paths.join(", ")} as 2:4 semi-structured sparse weights (to_sparse_semi_structured: torch ≥ 2.1, Ampere+ GPU, fp16/bf16)`,
    edits: withImports(insertLinesAfter(ctx.text, style, stmt, lines), [torch.edit, sparse.edit]),
    isPreferred: true,
  };
}
