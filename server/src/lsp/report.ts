// `footprint/report`: the full FileAnalysis of an open document, for the client's report view
// and status bar; null for a document the server does not have.
import { REPORT_REQUEST, type ReportParams, type ReportResult } from "../shared/protocol";
import type { ServerContext } from "./context";

export function registerReport(ctx: ServerContext): void {
  ctx.connection.onRequest(REPORT_REQUEST, async (params: ReportParams): Promise<ReportResult> => {
    if (!params || typeof params.uri !== "string") return null;
    return ctx.documents.analysis(params.uri);
  });
}
