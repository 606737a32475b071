// How many times per step a trained model runs: the distinct places the batch loop calls it with
// grad (a GAN's discriminator on real, fake and again for the generator's loss; a shared encoder
// on source and target batches). Calls in the two arms of one if/else are one call, not two.
import type { Node, Tree } from "web-tree-sitter";
import type { TraceEvent } from "../evaluate/trace";
import type { Range } from "../types";
import { nodeAtRange } from "./sourceLookup";

type Forward = Extract<TraceEvent, { kind: "forward" }>;

/** Model id → call sites per step (≥ 2 only) with their lines; models called once are left out. */
export function callsPerStep(tree: Tree | null | undefined, forwards: Forward[]): Map<number, number[]> {
  const sites = new Map<number, Range[]>();
  for (const f of forwards) {
    if (f.noGrad) continue;
    const list = sites.get(f.modelId) ?? [];
    if (!list.some((r) => sameRange(r, f.range))) list.push(f.range);
    sites.set(f.modelId, list);
  }
  const out = new Map<number, number[]>();
  for (const [id, ranges] of sites) {
    if (ranges.length < 2) continue;
    const nodes = tree ? ranges.map((r) => nodeAtRange(tree, r)) : [];
    const kept: number[] = [];
    ranges.forEach((_r, i) => {
      const n = nodes[i];
      if (n && kept.some((j) => exclusive(n, nodes[j] ?? null))) return;
      kept.push(i);
    });
    if (kept.length >= 2)
      out.set(
        id,
        kept.map((i) => ranges[i].start.line + 1),
      );
  }
  return out;
}

const sameRange = (a: Range, b: Range) =>
  a.start.line === b.start.line &&
  a.start.character === b.start.character &&
  a.end.line === b.end.line &&
  a.end.character === b.end.character;

/** True when a and b sit in different arms (if / elif / else) of one if_statement. */
function exclusive(a: Node, b: Node | null): boolean {
  if (!b) return false;
  for (let p = a.parent; p; p = p.parent) {
    if (!(p.startIndex <= b.startIndex && b.endIndex <= p.endIndex)) continue;
    // p is the lowest common ancestor: exclusive when it is an if whose arms hold them apart.
    if (p.type !== "if_statement") return false;
    return armOf(p, a) !== armOf(p, b);
  }
  return false;
}

/** Which arm of an if_statement holds n: -1 for the condition, else the arm's child index. */
function armOf(ifNode: Node, n: Node): number {
  for (let i = 0; i < ifNode.namedChildCount; i++) {
    const c = ifNode.namedChild(i);
    if (c && c.startIndex <= n.startIndex && n.endIndex <= c.endIndex)
      return c.id === ifNode.childForFieldName("condition")?.id ? -1 : i;
  }
  return -1;
}
