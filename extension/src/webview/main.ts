/// <reference lib="dom" />
// The report webview's script (bundled to dist/webview.js): waits for the panel's data and draws
// it: cards, the sortable layer table, the charts, assumptions, unknowns and equivalents.
import { compact, sig } from "../../../server/src/analysis/format";
import type { FromWebview, ToWebview } from "../report/messages";
import type { LayerRow, ModelView, ReportViewModel, RunView } from "../report/reportModel";
import { costChart, destroyCharts, whatIfChart } from "./charts";
import { cards, el, sortableTable } from "./dom";

interface VsCodeApi {
  postMessage(message: FromWebview): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById("app") as HTMLElement;

const reveal = (line: number | null) => {
  if (line !== null) vscode.postMessage({ type: "reveal", line });
};

const pct = (share: number | null) => (share === null ? "?" : `${(share * 100).toFixed(share < 0.001 ? 2 : 1)}%`);

function modelSection(m: ModelView, index: number): HTMLElement {
  const heading = el("h2", { text: `Model: ${m.title}` });
  const layerTable = sortableTable<LayerRow>(
    `layers-${index}`,
    m.layers,
    [
      { title: "Layer", text: (r) => r.path, key: (r) => r.path },
      { title: "Type", text: (r) => r.type, key: (r) => r.type },
      { title: "Params", numeric: true, text: (r) => compact(r.params), key: (r) => r.params },
      { title: "Output", text: (r) => r.outputShape },
      { title: "MACs", numeric: true, text: (r) => (r.macs === null ? "?" : compact(r.macs)), key: (r) => r.macs },
      { title: "FLOPs", numeric: true, text: (r) => (r.flops === null ? "?" : compact(r.flops)), key: (r) => r.flops },
      { title: "Share", numeric: true, text: (r) => pct(r.share), key: (r) => r.share },
    ],
    (r) => reveal(r.line),
  );
  const chart =
    m.costByLayer.values.length > 0
      ? el("div", {}, el("h3", { text: "Forward FLOPs by layer" }), costChart(m.costByLayer))
      : el("p", { cls: "muted", text: "No layer FLOPs to chart (no input shape reached the model)." });
  return el(
    "section",
    {},
    heading,
    cards(m.cards),
    chart,
    el("h3", { text: `Layers (${m.layers.length}) — click a header to sort, a row to see it in the script` }),
    layerTable,
  );
}

function runSection(r: RunView, index: number): HTMLElement {
  const parts: Array<HTMLElement | null> = [el("h2", { text: r.title }), cards(r.cards)];
  if (r.whatIfs.length > 1) {
    parts.push(el("h3", { text: "What-ifs: kg CO2e, low–high, against the baseline" }), whatIfChart(r.whatIfs));
  }
  if (r.equivalents.length > 0) {
    parts.push(
      el("h3", { text: "In everyday terms" }),
      el(
        "ul",
        {},
        ...r.equivalents.map((e) =>
          el(
            "li",
            {},
            el("span", { text: `${sig(e.amount.low)}–${sig(e.amount.high)} ${e.unit} ` }),
            el("span", { cls: "muted", text: `(${e.citation})` }),
          ),
        ),
      ),
    );
  }
  parts.push(
    el("h3", { text: "Assumptions" }),
    sortableTable(`assumptions-${index}`, r.assumptions, [
      { title: "Assumption", text: (a) => a.name, key: (a) => a.name },
      { title: "Value", text: (a) => a.value },
      { title: "From", text: (a) => a.source, key: (a) => a.source },
      { title: "Source / citation", text: (a) => a.citation },
    ]),
  );
  const section = el("section", {}, ...parts);
  section.querySelector("h2")?.addEventListener("click", () => reveal(r.line));
  return section;
}

function render(model: ReportViewModel): void {
  destroyCharts();
  const parts: Array<HTMLElement | null> = [el("h1", { text: `Footprint report — ${model.path}` })];
  for (const n of model.notices) parts.push(el("p", { cls: "notice", text: n }));
  if (model.models.length === 0 && model.runs.length === 0) {
    parts.push(el("p", { cls: "muted", text: "No models or training runs found in this file." }));
  }
  parts.push(...model.models.map(modelSection), ...model.runs.map(runSection));
  if (model.unknowns.length > 0) {
    parts.push(
      el("h2", { text: "What the analysis does not know" }),
      sortableTable("unknowns", model.unknowns, [
        { title: "Where", text: (u) => u.where, key: (u) => u.where },
        { title: "Unknown", text: (u) => u.message },
        { title: "How to resolve it", text: (u) => u.hint },
      ]),
    );
  }
  // Re-renders follow edits in the script: keep the reader where they were.
  const scroll = window.scrollY;
  app.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
  window.scrollTo(0, scroll);
}

window.addEventListener("message", (event: MessageEvent<ToWebview>) => {
  const msg = event.data;
  if (msg?.type === "report") render(msg.model);
  else if (msg?.type === "status") app.replaceChildren(el("p", { cls: "muted", text: msg.message }));
});
vscode.postMessage({ type: "ready" });
