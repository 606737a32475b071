// Setting a parameter's requires_grad (`p.requires_grad = False`, `p.requires_grad_(False)`,
// `module.requires_grad_(False)`): the trainable count follows, and when the analysis cannot be
// sure the assignment happens as it evaluated it, the parameter says why, so the model reports its
// trainable count as uncertain instead of confidently wrong.
import type { Interp } from "../../evaluate/interp";
import { type ParamRef, truthy, type Value } from "../../evaluate/values";

export function setRequiresGrad(ip: Interp, p: ParamRef, flag: Value | undefined): void {
  // requires_grad_() with no argument means True.
  const on = flag === undefined ? true : truthy(flag);
  if (on === null) {
    p.requiresGradUnsure ??= "requires_grad is set to a value the analysis could not decide";
    return;
  }
  const cond = ip.undecided[ip.undecided.length - 1];
  // An undecided `if` runs both branches: a change made in one may not happen at run time.
  if (cond && on !== p.requiresGrad)
    p.requiresGradUnsure ??= `requires_grad is set under the condition on line ${ip.rangeOf(cond).start.line + 1}, which the analysis could not decide`;
  p.requiresGrad = on;
}
