// The analysis a request is answered from, with LSP's rules for stale requests: a request the
// client cancelled gets RequestCancelled, and one whose document changed while it waited gets
// ContentModified (its positions belong to a text that is gone), so no editor shows a stale answer.
import type { CancellationToken } from "vscode-languageserver";
import { LSPErrorCodes, ResponseError } from "./lspValues";
import type { FileAnalysis } from "../analysis/types";
import type { DocumentStore } from "./documents";

export async function analysisForRequest(
  documents: DocumentStore,
  uri: string,
  token?: CancellationToken,
): Promise<FileAnalysis | null> {
  throwIfCancelled(token);
  const version = documents.document(uri)?.version;
  const analysis = await documents.analysis(uri);
  throwIfCancelled(token);
  if (version !== undefined && documents.document(uri)?.version !== version) {
    throw new ResponseError(LSPErrorCodes.ContentModified, "The document changed while the request waited.");
  }
  return analysis;
}

export function throwIfCancelled(token?: CancellationToken): void {
  if (token?.isCancellationRequested) {
    throw new ResponseError(LSPErrorCodes.RequestCancelled, "The request was cancelled.");
  }
}
