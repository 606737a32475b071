// Custom requests between the Footprint client and server; both sides import this module so
// the method names and payload types cannot drift apart.
import type { FileAnalysis } from "../analysis/types";

/** `footprint/report`: the full analysis of one open document, or null when the server does not have it. */
export const REPORT_REQUEST = "footprint/report";

export interface ReportParams {
  uri: string;
}

export type ReportResult = FileAnalysis | null;

/** Client commands the server refers to in CodeLens and code actions. */
export const SHOW_REPORT_COMMAND = "footprint.showReport";
