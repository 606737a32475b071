// The report webview's shell: a strict CSP (no unsafe-inline/eval, no remote hosts), every script
// and style carries the nonce, no inline handlers, and untrusted webview messages are validated.
import assert from "node:assert/strict";
import { test } from "node:test";
import { contentSecurityPolicy, makeNonce, reportShellHtml } from "../../extension/src/report/html";
import { parseFromWebview } from "../../extension/src/report/messages";

const CSP_SOURCE = "https://file+.vscode-resource.vscode-cdn.net";

function shell(nonce = makeNonce()) {
  const html = reportShellHtml({
    cspSource: CSP_SOURCE,
    nonce,
    scriptUri: `${CSP_SOURCE}/ext/dist/webview.js`,
    title: 'Footprint: <train>.py "x"',
  });
  return { html, nonce };
}

function cspOf(html: string): string {
  const m = html.match(/http-equiv="Content-Security-Policy" content="([^"]*)"/);
  assert.ok(m, "the shell declares a CSP meta tag");
  return m[1].replace(/&#39;/g, "'").replace(/&amp;/g, "&");
}

test("the CSP denies by default and allows scripts only by nonce", () => {
  const nonce = makeNonce();
  const csp = contentSecurityPolicy(CSP_SOURCE, nonce);
  const directives = Object.fromEntries(
    csp.split(";").map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values];
    }),
  );
  assert.deepEqual(directives["default-src"], ["'none'"]);
  assert.deepEqual(directives["script-src"], [`'nonce-${nonce}'`]);
  assert.deepEqual(directives["style-src"], [CSP_SOURCE, `'nonce-${nonce}'`]);
  assert.deepEqual(directives["img-src"], [CSP_SOURCE, "data:"]);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
});

test("no source in the CSP is a remote http(s) host other than the webview's own resource origin", () => {
  const { html } = shell();
  const csp = cspOf(html);
  const sources = csp
    .split(";")
    .flatMap((d) => d.trim().split(/\s+/).slice(1))
    .filter((s) => s !== CSP_SOURCE);
  for (const s of sources) assert.doesNotMatch(s, /^https?:/, `remote source ${s}`);
  assert.equal(csp, contentSecurityPolicy(CSP_SOURCE, cspOf(html).match(/'nonce-([^']+)'/)?.[1] ?? ""));
});

test("every script and style tag carries the nonce, and there are no inline handlers or inline scripts", () => {
  const { html, nonce } = shell();
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  for (const [, attrs, body] of scripts) {
    assert.ok(attrs.includes(`nonce="${nonce}"`));
    assert.match(attrs, /src="[^"]*dist\/webview\.js"/);
    assert.equal(body.trim(), "", "no inline script body");
  }
  const styles = [...html.matchAll(/<style\b([^>]*)>/g)];
  assert.ok(styles.length >= 1);
  for (const [, attrs] of styles) assert.ok(attrs.includes(`nonce="${nonce}"`));
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, "no inline event handlers");
  assert.doesNotMatch(html, /\sstyle\s*=/i, "no style attributes (they would need unsafe-inline)");
});

test("the title is escaped and nonces are fresh and long", () => {
  const { html } = shell();
  assert.ok(html.includes("Footprint: &lt;train&gt;.py &quot;x&quot;"));
  const a = makeNonce();
  const b = makeNonce();
  assert.notEqual(a, b);
  assert.ok(Buffer.from(a, "base64").length >= 16);
});

test("messages from the webview are validated before use", () => {
  assert.deepEqual(parseFromWebview({ type: "ready" }), { type: "ready" });
  assert.deepEqual(parseFromWebview({ type: "reveal", line: 12 }), { type: "reveal", line: 12 });
  assert.equal(parseFromWebview({ type: "reveal", line: -1 }), null);
  assert.equal(parseFromWebview({ type: "reveal", line: "3" }), null);
  assert.equal(parseFromWebview({ type: "runCommand", id: "workbench.action.terminal.new" }), null);
  assert.equal(parseFromWebview(null), null);
});
