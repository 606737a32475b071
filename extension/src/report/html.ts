// The report webview's static HTML shell: a strict Content-Security-Policy, one nonce'd stylesheet
// and one nonce'd script (dist/webview.js). The data arrives later by postMessage, never in the HTML.
import { randomBytes } from "node:crypto";

/** 128 bits of randomness, base64: a fresh one per render so a stale page cannot run scripts. */
export function makeNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * Nothing loads unless listed: images and styles only from the extension (cspSource) or nonce'd,
 * scripts only nonce'd, no inline handlers, no remote hosts, no eval.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
  ].join("; ");
}

const escapeAttr = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

// Theme colours come from VS Code's CSS variables, so the report follows light, dark and high contrast.
const STYLE = `
body { color: var(--vscode-editor-foreground); background: var(--vscode-editor-background);
  font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 16px 24px; }
h1 { font-size: 1.4em; } h2 { font-size: 1.2em; margin-top: 1.6em; } h3 { font-size: 1.05em; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0; }
.card { border: 1px solid var(--vscode-panel-border); border-radius: 4px; padding: 8px 12px; min-width: 160px;
  background: var(--vscode-editorWidget-background); }
.card .label { opacity: 0.8; font-size: 0.9em; } .card .value { font-size: 1.3em; font-weight: 600; }
.card .detail { opacity: 0.8; font-size: 0.85em; max-width: 320px; }
table { border-collapse: collapse; margin: 8px 0; width: 100%; }
th, td { border-bottom: 1px solid var(--vscode-panel-border); padding: 3px 8px; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
th.sortable { cursor: pointer; user-select: none; } th.sortable:hover { color: var(--vscode-textLink-foreground); }
tr.link { cursor: pointer; } tr.link:hover { background: var(--vscode-list-hoverBackground); }
.chart { position: relative; max-width: 900px; }
.muted { opacity: 0.75; } .notice { border-left: 3px solid var(--vscode-editorWarning-foreground); padding-left: 8px; }
code { font-family: var(--vscode-editor-font-family); }
`;

export interface ShellOptions {
  cspSource: string;
  nonce: string;
  /** webview URI of dist/webview.js */
  scriptUri: string;
  title: string;
}

export function reportShellHtml(o: ShellOptions): string {
  const nonce = escapeAttr(o.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeAttr(o.title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<main id="app"><p class="muted">Loading the Footprint report…</p></main>
<script nonce="${nonce}" src="${escapeAttr(o.scriptUri)}"></script>
</body>
</html>
`;
}
