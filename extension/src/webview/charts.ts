/// <reference lib="dom" />
// Chart.js charts of the report: forward FLOPs by layer (horizontal bars) and CO2e low–high per
// what-if (floating bars). Only the pieces used are registered, which keeps dist/webview.js small.
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from "chart.js";
import { compact, sig } from "../../../server/src/analysis/format";
import type { BarSeries, RangeBar } from "../report/reportModel";
import { el } from "./dom";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

/** A VS Code theme colour (CSS variable) with a fallback for hosts that do not define it. */
function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function canvasFor(rows: number): { box: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = el("canvas");
  // Height grows with the bar count so long labels stay readable.
  const box = el("div", { cls: "chart" }, canvas);
  box.style.height = `${Math.max(120, 28 * rows + 60)}px`;
  return { box, canvas };
}

function axisColors() {
  const fg = themeColor("--vscode-editor-foreground", "#888");
  const grid = themeColor("--vscode-panel-border", "rgba(128,128,128,0.3)");
  return { ticks: { color: fg }, grid: { color: grid } };
}

/** Chart.js instances of the current render, destroyed before the next one so nothing leaks. */
const live: Chart[] = [];

export function destroyCharts(): void {
  for (const c of live.splice(0)) c.destroy();
}

export function costChart(series: BarSeries): HTMLElement {
  const { box, canvas } = canvasFor(series.labels.length);
  live.push(
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: series.labels,
        datasets: [
          {
            label: "forward FLOPs",
            data: series.values,
            backgroundColor: themeColor("--vscode-charts-blue", "#3794ff"),
          },
        ],
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: false,
        plugins: { tooltip: { callbacks: { label: (c) => `${compact(c.parsed.x)} FLOPs` } } },
        scales: {
          x: { ...axisColors(), ticks: { ...axisColors().ticks, callback: (v) => compact(Number(v)) } },
          y: axisColors(),
        },
      },
    }),
  );
  return box;
}

export function whatIfChart(bars: RangeBar[]): HTMLElement {
  const { box, canvas } = canvasFor(bars.length);
  const base = themeColor("--vscode-charts-orange", "#d18616");
  const other = themeColor("--vscode-charts-green", "#89d185");
  live.push(
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: bars.map((b) => b.label),
        datasets: [
          {
            label: "kg CO2e (low–high)",
            // Floating bars: each value is [low, high], so the bar spans the estimate's range.
            data: bars.map((b) => [b.low, b.high] as [number, number]),
            backgroundColor: bars.map((b) => (b.baseline ? base : other)),
          },
        ],
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          tooltip: {
            callbacks: { label: (c) => `${sig(bars[c.dataIndex].low)}–${sig(bars[c.dataIndex].high)} kg CO2e` },
          },
        },
        scales: {
          x: { ...axisColors(), ticks: { ...axisColors().ticks, callback: (v) => sig(Number(v)) } },
          y: axisColors(),
        },
      },
    }),
  );
  return box;
}
