// Open documents: text, the last syntax tree (edited in place so reparsing is incremental), and
// the analysis of one version, recomputed after a short pause in typing or on demand.
import { TextDocument, type TextDocumentContentChangeEvent } from "vscode-languageserver-textdocument";
import type { Tree } from "web-tree-sitter";
import type { Analyzer } from "../analysis/analyze";
import type { FileAnalysis } from "../analysis/types";
import type { WorkspaceReader } from "../analysis/workspace";
import type { Settings } from "../shared/settings";
import { treeEditFor } from "./treeEdits";
import { uriToPath } from "./workspaceReader";

/** What the store needs from the server around it (injected: the store holds no globals). */
export interface AnalysisHost {
  analyzer(): Promise<Analyzer>;
  settingsFor(uri: string): Promise<Settings>;
  workspaceFor(uri: string): WorkspaceReader;
  log(message: string): void;
}

interface DocumentState {
  doc: TextDocument;
  tree: Tree | null;
  analysis: FileAnalysis | null;
  /** Version the analysis belongs to; -1 when it must be recomputed (settings changed). */
  analyzedVersion: number;
  timer: ReturnType<typeof setTimeout> | null;
  running: Promise<FileAnalysis | null> | null;
}

export type AnalysedListener = (uri: string, version: number, analysis: FileAnalysis) => void;

export class DocumentStore {
  private readonly states = new Map<string, DocumentState>();

  constructor(
    private readonly host: AnalysisHost,
    private readonly onAnalysed: AnalysedListener,
    /** Pause after a keystroke before re-analysing; requests in the meantime analyse at once. */
    private readonly debounceMs = 150,
  ) {}

  open(uri: string, languageId: string, version: number, text: string): void {
    this.close(uri);
    const state: DocumentState = {
      doc: TextDocument.create(uri, languageId, version, text),
      tree: null,
      analysis: null,
      analyzedVersion: -1,
      timer: null,
      running: null,
    };
    this.states.set(uri, state);
    void this.analysis(uri);
  }

  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): void {
    const state = this.states.get(uri);
    if (!state) return;
    for (const change of changes) {
      // Each change is relative to the text after the previous one: edit the tree step by step.
      const edit = state.tree ? treeEditFor(state.doc, change) : null;
      if (edit) state.tree?.edit(edit);
      else this.dropTree(state);
      state.doc = TextDocument.update(state.doc, [change], version);
    }
    this.schedule(uri, state);
  }

  close(uri: string): void {
    const state = this.states.get(uri);
    if (!state) return;
    if (state.timer) clearTimeout(state.timer);
    this.dropTree(state);
    this.states.delete(uri);
  }

  document(uri: string): TextDocument | undefined {
    return this.states.get(uri)?.doc;
  }

  uris(): string[] {
    return [...this.states.keys()];
  }

  /** Marks every document stale (settings changed) and re-analyses them. */
  invalidateAll(): void {
    for (const [uri, state] of this.states) {
      state.analyzedVersion = -1;
      this.schedule(uri, state, 0);
    }
  }

  /** The analysis of the document's current version; null for a document that is not open. */
  async analysis(uri: string): Promise<FileAnalysis | null> {
    for (;;) {
      const state = this.states.get(uri);
      if (!state) return null;
      if (state.analysis && state.analyzedVersion === state.doc.version) return state.analysis;
      if (state.running) {
        await state.running;
        continue;
      }
      if (state.timer) clearTimeout(state.timer);
      state.timer = null;
      state.running = this.run(uri, state).finally(() => {
        state.running = null;
      });
      const result = await state.running;
      // Closed, or changed while it ran: loop to analyse what is there now (or return null).
      if (this.states.get(uri) !== state || state.analyzedVersion === state.doc.version) return result;
    }
  }

  dispose(): void {
    for (const uri of this.uris()) this.close(uri);
  }

  private schedule(uri: string, state: DocumentState, delay = this.debounceMs): void {
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.timer = null;
      void this.analysis(uri);
    }, delay);
  }

  private async run(uri: string, state: DocumentState): Promise<FileAnalysis | null> {
    let analyzer: Analyzer;
    let settings: Settings;
    try {
      [analyzer, settings] = await Promise.all([this.host.analyzer(), this.host.settingsFor(uri)]);
    } catch (err) {
      this.host.log(`footprint: cannot prepare analysis of ${uri}: ${describe(err)}`);
      if (this.states.get(uri) !== state) return null;
      return this.finish(uri, state, state.doc.version, failedAnalysis(uri, err));
    }
    if (this.states.get(uri) !== state) return null;
    // From here to the end everything is synchronous, so text, version and tree stay consistent.
    const { version } = state.doc;
    const path = uriToPath(uri);
    try {
      const out = analyzer.analyze({
        path,
        text: state.doc.getText(),
        settings,
        workspace: this.host.workspaceFor(uri),
        oldTree: state.tree,
      });
      if (out.tree !== state.tree) this.dropTree(state);
      state.tree = out.tree;
      return this.finish(uri, state, version, out.analysis);
    } catch (err) {
      // One bad document must not take the server down: report it on that document only.
      this.host.log(`footprint: analysis of ${uri} failed: ${describe(err)}\n${(err as Error)?.stack ?? ""}`);
      this.dropTree(state);
      return this.finish(uri, state, version, failedAnalysis(path, err));
    }
  }

  private finish(uri: string, state: DocumentState, version: number, analysis: FileAnalysis): FileAnalysis {
    state.analysis = analysis;
    state.analyzedVersion = version;
    this.onAnalysed(uri, version, analysis);
    return analysis;
  }

  private dropTree(state: DocumentState): void {
    state.tree?.delete();
    state.tree = null;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** The result shown for a document whose analysis threw: empty, with the reason as a notice. */
export function failedAnalysis(path: string, err: unknown): FileAnalysis {
  return {
    path,
    models: [],
    runs: [],
    findings: [],
    syntaxErrors: [],
    notices: [`Analysis stopped by an internal error: ${describe(err)}`],
    steps: 0,
  };
}
