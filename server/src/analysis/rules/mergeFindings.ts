// One finding per rule and range: a list loop around a whole training (`for arch in ARCHS`,
// curriculum phases) is priced pass by pass as separate runs sharing the loop's range, and a rule
// that reports per run would otherwise show the same warning, and the same quick fixes, once per pass.
import { rangeKey } from "../parse/nodes";
import type { RunEstimate } from "../types";
import type { Rule, RuleFinding } from "./rule";

/**
 * Merges a rule's findings that share a range, in the order of their first appearance. The merged
 * finding keeps the first finding's fixes (the passes' fixes edit the same code) and gets the rule's
 * `mergedMessage` over all their runs when every finding names its run, else the distinct messages
 * joined.
 */
export function mergeSameRange(rule: Rule, found: RuleFinding[]): RuleFinding[] {
  if (found.length < 2) return found;
  const groups = new Map<string, RuleFinding[]>();
  for (const f of found) {
    const k = rangeKey(f.range);
    const g = groups.get(k);
    if (g) g.push(f);
    else groups.set(k, [f]);
  }
  if (groups.size === found.length) return found;
  const out: RuleFinding[] = [];
  for (const g of groups.values()) {
    if (g.length === 1) {
      out.push(g[0]);
      continue;
    }
    const runs = g.map((f) => f.run).filter((r): r is RunEstimate => !!r);
    const message =
      rule.mergedMessage && runs.length === g.length
        ? rule.mergedMessage(runs)
        : [...new Set(g.map((f) => f.message))].join("; ");
    out.push({ ...g[0], message, run: undefined });
  }
  return out;
}

/**
 * How a merged message names its runs: the list loop's items when the runs are its passes
 * (`"resnet18", "resnet50"`), else the models, else a count.
 */
export function runsLabel(runs: RunEstimate[]): string {
  const names = runs.map((r) => r.spec.pass ?? r.spec.model);
  if (names.every((n): n is string => !!n) && new Set(names).size === names.length) {
    return `${runs.length} runs: ${names.join(", ")}`;
  }
  return `${runs.length} runs`;
}
