// `footprint/report`: the full FileAnalysis of an open document, for the client's report view
// and status bar; null for a document the server does not have.
import { REPORT_REQUEST, type ReportParams, type ReportResult } from "../shared/protocol";
import type { ServerContext } from "./context";
import { throwIfCancelled } from "./requestAnalysis";

export function registerReport(ctx: ServerContext): void {
  ctx.connection.onRequest(REPORT_REQUEST, async (params: ReportParams, token): Promise<ReportResult> => {
    if (!params || typeof params.uri !== "string") return null;
    throwIfCancelled(token);
    // No positions in this request: the newest analysis is the right answer even if the text moved on.
    return ctx.documents.analysis(params.uri);
  });
}
