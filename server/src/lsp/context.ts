// What every LSP feature handler receives: the connection, the document store and settings.
import type { Connection } from "vscode-languageserver";
import type { DocumentStore } from "./documents";
import type { SettingsProvider } from "./settings";

export interface ServerContext {
  connection: Connection;
  documents: DocumentStore;
  settings: SettingsProvider;
}
