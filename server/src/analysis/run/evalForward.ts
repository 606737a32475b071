// Forward FLOPs of what an evaluation pass calls: a costed model at its own forward, or a part of
// the trained model (`model.student(x)`) at that part's layers as the training forward traced them.
import type { Tree } from "web-tree-sitter";
import type { ProgramFacts } from "../evaluate";
import type { TraceEvent } from "../evaluate/trace";
import type { ModelCost } from "../types";
import { costedModel, line } from "./runFacts";
import { nodeAtRange } from "./sourceLookup";

type Forward = Extract<TraceEvent, { kind: "forward" }>;

/**
 * FLOPs per sample of the forward event `e` of an evaluation loop, with the evidence to say; null
 * flops when unknown. `trained` are the run's trained models, `whole` their summed forward.
 */
export function evalCallFlops(
  facts: ProgramFacts,
  tree: Tree | null | undefined,
  e: Forward,
  trained: ModelCost[],
  whole: number | null,
): { flops: number | null; how: string | null } {
  const called = costedModel(facts, e.modelId);
  if (called) return { flops: called.forwardFlops, how: null };
  const part = partCalled(tree, e, trained);
  if (part)
    return {
      flops: part.flops,
      how: `the evaluation at line ${line(e.range)} calls ${part.text}: priced at its layers' forward (${part.flops.toExponential(3)} FLOPs/sample)`,
    };
  return {
    flops: whole,
    how: `the evaluation at line ${line(e.range)} calls a part of the trained model: priced at the whole model's forward (an upper bound)`,
  };
}

/**
 * `model.student(x)` where `model` is a trained model's name: the FLOPs its layers under `student`
 * ran in the training forward (the same part on the same per-sample input). Null when the call is
 * not of that form or the part ran no layer there.
 */
function partCalled(
  tree: Tree | null | undefined,
  e: Forward,
  trained: ModelCost[],
): { flops: number; text: string } | null {
  if (!tree) return null;
  let n = nodeAtRange(tree, e.range);
  while (n && n.type !== "call") n = n.parent;
  const callee = n?.childForFieldName("function")?.text ?? "";
  const m = /^(\w+)\.([\w.]+)$/.exec(callee);
  if (!m) return null;
  const owner = trained.find((t) => t.name === m[1]);
  if (!owner) return null;
  const prefix = m[2];
  let macs = 0;
  let any = false;
  for (const l of owner.layers) {
    if (l.path !== prefix && !l.path.startsWith(`${prefix}.`)) continue;
    if (l.macs === null) return null;
    any = true;
    macs += l.macs;
  }
  return any && macs > 0 ? { flops: 2 * macs, text: callee } : null;
}
