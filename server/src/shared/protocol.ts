// Custom requests between the Footprint client and server; both sides import this module so
// the method names and payload types cannot drift apart.
import type { FileAnalysis } from "../analysis/types";

/** `footprint/report`: the full analysis of one open document, or null when the server does not have it. */
export const REPORT_REQUEST = "footprint/report";

export interface ReportParams {
  uri: string;
}

export type ReportResult = FileAnalysis | null;

/**
 * `footprint/visibleDocuments` (client → server notification): the URIs shown in editors now.
 * Documents open but not shown are analysed only when the editor is idle or a request needs them;
 * a client that never sends it gets every document analysed at once.
 */
export const VISIBLE_DOCUMENTS_NOTIFICATION = "footprint/visibleDocuments";

export interface VisibleDocumentsParams {
  uris: string[];
}

/** Client commands the server refers to in CodeLens and code actions. */
export const SHOW_REPORT_COMMAND = "footprint.showReport";
