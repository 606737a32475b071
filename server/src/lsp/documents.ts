// Open documents: text, the last syntax tree (edited in place so reparsing is incremental), and
// the analysis of one version, recomputed after a short pause in typing or on demand, when a
// workspace file it read changes, and, for documents not visible, only when the editor is idle.
import { resolve } from "node:path";
import { TextDocument, type TextDocumentContentChangeEvent } from "vscode-languageserver-textdocument";
import type { Tree } from "web-tree-sitter";
import type { Analyzer } from "../analysis/analyze";
import type { DeferredFixes } from "../analysis/rules/deferredFixes";
import type { FileAnalysis } from "../analysis/types";
import type { WorkspaceReader } from "../analysis/workspace";
import type { Settings } from "../shared/settings";
import { BackgroundQueue } from "./backgroundQueue";
import { overlayReader, type ReadRecord, staleReads } from "./dependencies";
import { treeEditFor } from "./treeEdits";
import { uriToPath } from "./workspaceReader";

/** What the store needs from the server around it (injected: the store holds no globals). */
export interface AnalysisHost {
  analyzer(): Promise<Analyzer>;
  settingsFor(uri: string): Promise<Settings>;
  workspaceFor(uri: string): WorkspaceReader;
  log(message: string): void;
  /**
   * Idle work once an analysis and its fixes are done (the server collects the young generation:
   * idleGc.ts), `idleWorkMs` later; a debounced re-analysis waits longer than that, so the work
   * lands in the pause before it, never inside an analysis.
   */
  afterAnalysis?(): void;
}

interface DocumentState {
  doc: TextDocument;
  tree: Tree | null;
  analysis: FileAnalysis | null;
  /** The analysis's fixes not built yet: built when a code action asks, while `tree` is unchanged. */
  fixes: DeferredFixes | null;
  /** Version the analysis belongs to; -1 when it must be recomputed (settings changed). */
  analyzedVersion: number;
  timer: ReturnType<typeof setTimeout> | null;
  running: Promise<FileAnalysis | null> | null;
  /** Workspace files the last analysis read (imports), with what they held then. */
  reads: ReadRecord;
}

/** How long one slice of idle fix building may hold the event loop. */
const FIX_SLICE_MS = 2;

export type AnalysedListener = (uri: string, version: number, analysis: FileAnalysis) => void;

export class DocumentStore {
  private readonly states = new Map<string, DocumentState>();
  /** Open `file:` documents by absolute path: imports read their buffers, not the disk. */
  private readonly byPath = new Map<string, string>();
  /** URIs shown in an editor; null until the client says (then every document counts as shown). */
  private visible: Set<string> | null = null;
  private readonly background: BackgroundQueue;
  private idleWork: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly host: AnalysisHost,
    private readonly onAnalysed: AnalysedListener,
    /** Pause after a keystroke before re-analysing; requests in the meantime analyse at once. */
    private readonly debounceMs = 150,
    /** Quiet time before each analysis of a document that is open but not visible. */
    backgroundMs = 500,
    /**
     * Quiet time after the last analysis's fixes before the idle work (`afterAnalysis`): the
     * requests a new publication sets off (the light bulb's code actions, refreshed inlay hints
     * and CodeLens) are answered first.
     */
    private readonly idleWorkMs = 100,
  ) {
    this.background = new BackgroundQueue((uri) => this.analysis(uri), backgroundMs);
  }

  open(uri: string, languageId: string, version: number, text: string): void {
    this.close(uri);
    const state: DocumentState = {
      doc: TextDocument.create(uri, languageId, version, text),
      tree: null,
      analysis: null,
      fixes: null,
      analyzedVersion: -1,
      timer: null,
      running: null,
      reads: new Map(),
    };
    this.states.set(uri, state);
    const path = filePath(uri);
    if (path) {
      this.byPath.set(path, uri);
      // The buffer now stands in for the file: importers that read different text are stale.
      this.refreshDependents([path], uri);
    }
    if (this.isVisible(uri)) void this.analysis(uri);
    else this.background.add(uri);
  }

  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): void {
    const state = this.states.get(uri);
    if (!state) return;
    for (const change of changes) {
      // Each change is relative to the text after the previous one: edit the tree step by step.
      this.dropFixes(state);
      const edit = state.tree ? treeEditFor(state.doc, change) : null;
      if (edit) state.tree?.edit(edit);
      else this.dropTree(state);
      state.doc = TextDocument.update(state.doc, [change], version);
    }
    this.schedule(uri, state);
    const path = filePath(uri);
    if (path) this.refreshDependents([path], uri);
  }

  close(uri: string): void {
    const state = this.states.get(uri);
    if (!state) return;
    if (state.timer) clearTimeout(state.timer);
    this.dropTree(state);
    this.states.delete(uri);
    this.background.delete(uri);
    const path = filePath(uri);
    if (path && this.byPath.get(path) === uri) {
      this.byPath.delete(path);
      // Importers go back to the saved file, which may differ from the buffer they saw.
      this.refreshDependents([path]);
    }
  }

  /** Workspace files changed on disk (created, saved, deleted): re-analyse the documents that read them. */
  filesChanged(paths: string[]): void {
    this.refreshDependents(paths);
  }

  /**
   * The documents shown in editors. Those that became visible with a stale analysis are analysed
   * at once; the others wait in the background queue until the editor is idle.
   */
  setVisible(uris: string[]): void {
    this.visible = new Set(uris);
    for (const uri of this.visible) {
      const state = this.states.get(uri);
      if (!state || this.isFresh(state)) continue;
      this.background.delete(uri);
      this.schedule(uri, state, 0);
    }
  }

  isVisible(uri: string): boolean {
    return this.visible === null || this.visible.has(uri);
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

  /**
   * The analysis of `version` if that is the document's current version and the analysis is fresh
   * (code actions: a diagnostic's fixes are built from it), else null.
   */
  analysisAt(uri: string, version: number): FileAnalysis | null {
    const state = this.states.get(uri);
    return state && this.isFresh(state) && state.analyzedVersion === version ? state.analysis : null;
  }

  /** The analysis of the document's current version; null for a document that is not open. */
  async analysis(uri: string): Promise<FileAnalysis | null> {
    for (;;) {
      const state = this.states.get(uri);
      if (!state) return null;
      if (state.analysis && this.isFresh(state)) return state.analysis;
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
    this.background.dispose();
    if (this.idleWork) clearTimeout(this.idleWork);
  }

  private isFresh(state: DocumentState): boolean {
    return state.analysis !== null && state.analyzedVersion === state.doc.version;
  }

  /** Marks stale, and re-analyses, every document (but `except`) whose reads among `paths` changed. */
  private refreshDependents(paths: string[], except?: string): void {
    for (const [uri, state] of this.states) {
      if (uri === except || state.reads.size === 0) continue;
      if (staleReads(state.reads, paths, this.readerFor(uri)).length === 0) continue;
      state.analyzedVersion = -1;
      this.schedule(uri, state);
    }
  }

  private readerFor(uri: string) {
    return overlayReader(this.host.workspaceFor(uri), (path) => {
      const open = this.byPath.get(path);
      return open === undefined ? undefined : this.states.get(open)?.doc.getText();
    });
  }

  private schedule(uri: string, state: DocumentState, delay = this.debounceMs): void {
    if (state.timer) clearTimeout(state.timer);
    state.timer = null;
    if (!this.isVisible(uri)) {
      this.background.add(uri);
      return;
    }
    this.background.postpone();
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
    const workspace = this.readerFor(uri);
    // Kept even when the analysis throws: a fix to an imported file may cure it.
    state.reads = workspace.record;
    try {
      const out = analyzer.analyze({
        path,
        text: state.doc.getText(),
        settings,
        workspace,
        oldTree: state.tree,
        deferFixes: true,
      });
      // analyze parses a new tree each time (or returns none), so the old one and its fixes go.
      if (out.tree !== state.tree) this.dropTree(state);
      state.tree = out.tree;
      state.fixes = out.deferredFixes ?? null;
      if (state.fixes)
        state.fixes.onFailure = (m) => this.host.log(`footprint: a fix for ${uri} could not be built: ${m}`);
      const analysis = this.finish(uri, state, version, out.analysis);
      this.buildFixesWhenIdle(state);
      return analysis;
    } catch (err) {
      // One bad document must not take the server down: report it on that document only.
      this.host.log(`footprint: analysis of ${uri} failed: ${describe(err)}\n${(err as Error)?.stack ?? ""}`);
      this.dropTree(state);
      return this.finish(uri, state, version, failedAnalysis(path, err));
    }
  }

  private finish(uri: string, state: DocumentState, version: number, analysis: FileAnalysis): FileAnalysis {
    this.background.delete(uri);
    state.analysis = analysis;
    state.analyzedVersion = version;
    this.onAnalysed(uri, version, analysis);
    return analysis;
  }

  private dropTree(state: DocumentState): void {
    this.dropFixes(state);
    state.tree?.delete();
    state.tree = null;
  }

  /**
   * After the diagnostics are out, builds the analysis's fixes in slices of a few milliseconds,
   * yielding to the event loop between them: a code action then finds them built, the context
   * they read is freed, and a change arriving meanwhile abandons the rest instead of waiting.
   */
  private buildFixesWhenIdle(state: DocumentState): void {
    const fixes = state.fixes;
    const step = () => {
      if (state.fixes !== fixes || state.timer || state.running) return;
      if (fixes && fixes.buildSome(FIX_SLICE_MS) > 0) setImmediate(step);
      else this.scheduleIdleWork();
    };
    setImmediate(step);
  }

  /** One pending idle-work call at a time, `idleWorkMs` after the latest analysis's fixes. */
  private scheduleIdleWork(): void {
    if (!this.host.afterAnalysis) return;
    if (this.idleWork) clearTimeout(this.idleWork);
    this.idleWork = setTimeout(() => {
      this.idleWork = null;
      this.host.afterAnalysis?.();
    }, this.idleWorkMs);
    this.idleWork.unref?.();
  }

  /** The tree is about to change or go: fixes not built from it by now never will be. */
  private dropFixes(state: DocumentState): void {
    state.fixes?.abandon();
    state.fixes = null;
  }
}

/** The absolute path of a `file:` URI, the key imports are resolved by; null for other schemes. */
function filePath(uri: string): string | null {
  return uri.startsWith("file:") ? resolve(uriToPath(uri)) : null;
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
