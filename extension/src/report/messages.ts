// The messages between the report panel (extension host) and its webview script, typed once for both.
import type { ReportViewModel } from "./reportModel";

/** Extension → webview. */
export type ToWebview = { type: "report"; model: ReportViewModel } | { type: "status"; message: string };

/** Webview → extension. */
export type FromWebview =
  /** The script loaded (first load or after the panel was hidden and shown): send the data again. */
  | { type: "ready" }
  /** A layer/model/run row was clicked: show that line of the script. */
  | { type: "reveal"; line: number };

/** Validates an untrusted message from the webview; null when it is not one we understand. */
export function parseFromWebview(raw: unknown): FromWebview | null {
  if (!raw || typeof raw !== "object") return null;
  const m = raw as Record<string, unknown>;
  if (m.type === "ready") return { type: "ready" };
  if (m.type === "reveal" && Number.isInteger(m.line) && (m.line as number) >= 0) {
    return { type: "reveal", line: m.line as number };
  }
  return null;
}
