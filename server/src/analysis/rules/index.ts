// The rule registry: runs every enabled rule, applies severity settings and suppressions.
import { isSuppressed } from "../directives";
import type { Finding, Fix } from "../types";
import { modelSize } from "./FP100-model-size";
import { runEstimate } from "./FP101-run-estimate";
import { frameworkNotModelled } from "./FP102-framework-not-modelled";
import { mixedPrecision } from "./FP110-mixed-precision";
import { denseSparsity } from "./FP120-dense-sparsity";
import { smallerModel } from "./FP130-smaller-model";
import { evalWithoutNoGrad } from "./FP140-eval-without-no-grad";
import { float64Training } from "./FP150-float64";
import { noEarlyStopping } from "./FP160-early-stopping";
import { starvedLoader } from "./FP170-starved-loader";
import { int8Export } from "./FP180-int8-export";
import { dirtyRegion } from "./FP190-grid-region";
import type { DeferredFixes } from "./deferredFixes";
import { mergeSameRange } from "./mergeFindings";
import type { Rule, RuleContext } from "./rule";
import { fileSuppressionFix, suppressionFix } from "./suppression";

export const RULES: readonly Rule[] = [
  modelSize,
  runEstimate,
  frameworkNotModelled,
  mixedPrecision,
  denseSparsity,
  smallerModel,
  evalWithoutNoGrad,
  float64Training,
  noEarlyStopping,
  starvedLoader,
  int8Export,
  dirtyRegion,
];

/**
 * Runs the rules; a rule that throws is reported in `failures` and the others still run, so one
 * broken rule never hides the rest. With `deferred`, each finding's fixes are built when first read
 * (the language server); without, they are built here, and a fix that throws drops its rule's
 * findings like any other failure of the rule (the CLI and tests).
 */
export function runRules(ctx: RuleContext, failures: string[] = [], deferred?: DeferredFixes): Finding[] {
  const findings: Finding[] = [];
  for (const rule of RULES) {
    const configured = ctx.settings.rules[rule.code];
    if (configured === "off") continue;
    const severity = configured ?? rule.defaultSeverity;
    try {
      // Runs priced pass by pass at one loop get one finding, not one per pass.
      const found = mergeSameRange(rule, rule.check(ctx));
      let fileSuppress: Fix | null | undefined;
      const built: Array<[Finding, () => Fix[]]> = [];
      for (const f of found) {
        const line = f.range.start.line;
        if (isSuppressed(ctx.directives, rule.code, line)) continue;
        const finding: Finding = { message: f.message, range: f.range, fixes: [], code: rule.code, severity };
        const build = () => {
          fileSuppress ??= fileSuppressionFix(ctx, rule.code);
          const own = f.fixes?.() ?? [];
          return [...own, suppressionFix(ctx, rule.code, line), fileSuppress].filter((x): x is Fix => !!x);
        };
        if (deferred) deferred.attach(finding, rule.code, build);
        else built.push([finding, build]);
        findings.push(finding);
      }
      for (const [finding, build] of built) finding.fixes = build();
    } catch (err) {
      // Drop whatever this rule had added before it threw.
      while (findings.length && findings[findings.length - 1].code === rule.code) findings.pop();
      failures.push(`${rule.code} stopped: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  // Codes are all "FP" + three digits, so code-unit order is localeCompare's order, without ICU's
  // collator (its first use loads ICU data: ~10–25 ms on the server's first analysis).
  return findings.sort(
    (a, b) => a.range.start.line - b.range.start.line || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}
