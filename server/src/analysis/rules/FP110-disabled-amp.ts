// FP110's explanation for a PyTorch loop that has autocast in it and still trains in fp32: the
// script's defaults switch it off (`enabled=args.amp`, `if args.amp:`), as in the torchvision and
// timm reference scripts. Without it the warning reads as if the user had never written AMP.
import type { TraceEvent } from "../evaluate/trace";
import { nodeRange } from "../parse/nodes";
import { callSites } from "../run/sourceIndex";
import type { RunEstimate } from "../types";
import { contains } from "./astLookup";
import type { RuleContext } from "./rule";

const AUTOCAST = /(^|\.)autocast$/;

/**
 * " — autocast at line 31 is off with the script's defaults (enabled=scaler is not None)" for the
 * first autocast inside the run's loop or inside the function its backward runs in (a
 * `train_one_epoch` called from the loop), or "" when there is none. The interpreter ran the loop
 * with the defaults and recorded no mixed precision, so an autocast there was disabled or not reached.
 * `backwards`: the run's backward events.
 */
export function disabledAutocastNote(ctx: RuleContext, run: RunEstimate, backwards: readonly TraceEvent[]): string {
  if (run.spec.framework !== "pytorch") return "";
  // The innermost function frame of each backward: not the outer ones, whose bodies hold evaluation too.
  const scopes = [run.spec.range, ...backwards.flatMap((e) => e.frames.slice(-1).map((f) => f.range))];
  for (const { node, callee } of callSites(ctx.tree.rootNode)) {
    if (!AUTOCAST.test(callee)) continue;
    const range = nodeRange(node);
    if (!scopes.some((s) => contains(s, range))) continue;
    const enabled = node
      .childForFieldName("arguments")
      ?.namedChildren.find((a) => a?.type === "keyword_argument" && a.childForFieldName("name")?.text === "enabled")
      ?.childForFieldName("value")?.text;
    const why = enabled && enabled !== "True" ? `(enabled=${shorten(enabled)})` : "(on a branch they do not take)";
    return ` — autocast at line ${range.start.line + 1} is off with the script's defaults ${why}: turn it on by default or at launch`;
  }
  return "";
}

const shorten = (s: string) => {
  const one = s.replace(/\s+/g, " ");
  return one.length > 40 ? `${one.slice(0, 39)}…` : one;
};
