// The rule registry: runs every enabled rule, applies severity settings and suppressions.
import { isSuppressed } from "../directives";
import type { Finding } from "../types";
import { modelSize } from "./FP100-model-size";
import type { Rule, RuleContext } from "./rule";

export const RULES: readonly Rule[] = [modelSize];

export function runRules(ctx: RuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const rule of RULES) {
    const configured = ctx.settings.rules[rule.code];
    if (configured === "off") continue;
    for (const f of rule.check(ctx)) {
      if (isSuppressed(ctx.directives, rule.code, f.range.start.line)) continue;
      findings.push({ ...f, code: rule.code, severity: configured ?? rule.defaultSeverity });
    }
  }
  return findings.sort((a, b) => a.range.start.line - b.range.start.line || a.code.localeCompare(b.code));
}
