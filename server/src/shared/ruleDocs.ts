// Where each rule's docs page lives (docs/rules/FPxxx.md), shared by the LSP diagnostics' links and
// the CLI's SARIF rule metadata; one constant so forks change one line.
export const RULE_DOCS_BASE = "https://github.com/footprint-lint/footprint-lint/blob/main/docs/rules";

export function ruleDocsUrl(code: string): string {
  return `${RULE_DOCS_BASE}/${code}.md`;
}
