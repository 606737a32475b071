// FP150's fix: a float64 model becomes float32, and so does every float64 tensor the script makes.
// Converting the model alone writes a script that crashes: in PyTorch 1.13 a float64 batch into a
// float32 nn.Linear raises "mat1 and mat2 must have the same dtype" (Conv2d: "Input type (double)
// and bias type (float) should be the same"), and nn.MSELoss with a float64 target raises "Found
// dtype Double but expected Float" in backward (checked with /usr/bin/python3).
import type { Node } from "web-tree-sitter";
import type { TraceEvent } from "../evaluate/trace";
import type { TextEdit } from "../types";
import { nodeAt } from "./astLookup";
import type { RuleContext } from "./rule";

/** Explicit float64 spellings a fix rewrites in place. */
export const FLOAT64 = /\bdouble\(\)|\bfloat64\b|\btorch\.double\b/;

function rewrite(text: string): string {
  return text
    .replace(/\bdouble\(\)/g, "float()")
    .replace(/\btorch\.double\b/g, "torch.float32")
    .replace(/\bfloat64\b/g, "float32");
}

function rangeOf(node: Node): TextEdit["range"] {
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column },
    end: { line: node.endPosition.row, character: node.endPosition.column },
  };
}

function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/**
 * The calls that make float64 tensors, as nodes of this file; null when one cannot be edited here
 * (it ran in an imported file, so its recorded range is the call site of a function here) or its
 * dtype is unknown.
 */
function tensorSites(ctx: RuleContext): Node[] | null {
  const sites: Node[] = [];
  for (const e of ctx.facts.trace) {
    if (e.kind !== "tensorFloat64") continue;
    // An array of unknown dtype: `.float()` would break integer labels, leaving it may crash.
    if (e.maybe) return null;
    const node = nodeAt(ctx.tree, e.range);
    if (!node || node.type !== "call" || node.text !== e.how) return null;
    if (!sites.some((s) => s.id === node.id)) sites.push(node);
  }
  return sites;
}

/**
 * Edits turning the flagged site and every float64 tensor into float32: explicit spellings are
 * rewritten (`.double()` → `.float()`, `dtype=torch.float64` → `torch.float32`); a float64 array
 * that became a tensor (`torch.from_numpy(a)`) gets `.float()`. A site inside another is left to
 * the outer one, whose result is what flows on. Null when a site cannot be converted.
 */
export function float32Edits(ctx: RuleContext, e: Extract<TraceEvent, { kind: "precision" }>): TextEdit[] | null {
  const site = nodeAt(ctx.tree, e.range);
  if (!site) return null;
  // `model.to(device, dtype=DTYPE)`: the dtype is a name; `.float()` after the call converts the module.
  const spelled = FLOAT64.test(site.text);
  if (!spelled && !(e.how.startsWith(".to(") && site.type === "call")) return null;
  // Keras policies and Lightning's precision= are the model's dtype only; tensors are PyTorch's.
  const torchSite = e.how === ".double()" || e.how.startsWith(".to(") || e.how === "torch.set_default_dtype";
  const tensors = torchSite ? tensorSites(ctx) : [];
  if (tensors === null) return null;
  const nodes = [site, ...tensors.filter((t) => !contains(t, site) && !contains(site, t))];
  const outer = nodes.filter((n) => !nodes.some((o) => o.id !== n.id && contains(o, n)));
  return outer.map((n) => ({
    range: rangeOf(n),
    newText: (n === site ? spelled : FLOAT64.test(n.text)) ? rewrite(n.text) : `${n.text}.float()`,
  }));
}
