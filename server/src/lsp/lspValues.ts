// The one module that imports vscode-languageserver's runtime values (enums, request types, error
// classes); the other LSP files import them from here and types from the package directly. The
// package is CommonJS, so esbuild wraps it once per importing module (`__toESM`, copying its ~300
// exports each time): seven copies were ~7% of running the bundle's top level at start-up.
export {
  CodeActionKind,
  CodeLensRefreshRequest,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  InlayHintKind,
  LSPErrorCodes,
  ResponseError,
  TextDocumentEdit,
  TextDocumentSyncKind,
} from "vscode-languageserver";
