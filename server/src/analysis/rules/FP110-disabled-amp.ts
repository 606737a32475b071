// FP110's explanation for a PyTorch loop that has autocast in it and still trains in fp32: the
// script's defaults switch it off (`enabled=args.amp`, `if args.amp:`), as in the torchvision and
// timm reference scripts. Without it the warning reads as if the user had never written AMP.
import type { TraceEvent } from "../evaluate/trace";
import { keywordArgument } from "../fixes/codeShapes";
import { nodeRange } from "../parse/nodes";
import type { Range, RunEstimate } from "../types";
import { contains } from "./astLookup";
import type { RuleContext } from "./rule";

const AUTOCAST = /(^|\.)autocast$/;

/**
 * " — autocast at line 31 is off with the script's defaults (enabled=scaler is not None)" for the
 * first autocast inside the run's loop or inside the function its backward runs in (a
 * `train_one_epoch` called from the loop), or "" when there is none. The interpreter ran the loop
 * with the defaults and recorded no mixed precision, so an autocast there was disabled or not reached.
 * `backwards`: the run's backward events, read only when the file mentions autocast at all.
 */
export function disabledAutocastNote(
  ctx: RuleContext,
  run: RunEstimate,
  backwards: () => readonly TraceEvent[],
): string {
  if (run.spec.framework !== "pytorch" || !ctx.text.includes("autocast")) return "";
  // The innermost function frame of each backward: not the outer ones, whose bodies hold evaluation too.
  const scopes = [run.spec.range, ...backwards().flatMap((e) => e.frames.slice(-1).map((f) => f.range))];
  // Most fp32 loops have no autocast at all: a text check of the scopes' lines keeps this from
  // walking the tree (listing every call of a 1,000-line file cost ~4 ms an analysis).
  const withAutocast = scopes.filter((r) => hasAutocast(ctx.lines, r));
  for (const scope of withAutocast) {
    const calls = ctx.tree.rootNode.descendantsOfType(
      "call",
      { row: scope.start.line, column: 0 },
      { row: scope.end.line + 1, column: 0 },
    );
    for (const node of calls) {
      if (!node || !AUTOCAST.test(node.childForFieldName("function")?.text ?? "")) continue;
      const range = nodeRange(node);
      if (!contains(scope, range)) continue;
      const enabled = keywordArgument(node, "enabled")?.childForFieldName("value")?.text;
      const why = enabled && enabled !== "True" ? `(enabled=${shorten(enabled)})` : "(on a branch they do not take)";
      return ` — autocast at line ${range.start.line + 1} is off with the script's defaults ${why}: turn it on by default or at launch`;
    }
  }
  return "";
}

function hasAutocast(lines: readonly string[], r: Range): boolean {
  for (let i = r.start.line; i <= r.end.line && i < lines.length; i++) if (lines[i].includes("autocast")) return true;
  return false;
}

const shorten = (s: string) => {
  const one = s.replace(/\s+/g, " ");
  return one.length > 40 ? `${one.slice(0, 39)}…` : one;
};
