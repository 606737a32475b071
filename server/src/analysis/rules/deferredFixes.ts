// Quick-fixes built when first asked for, not with the findings. Building a fix (reading the code's
// style, finding the statements to edit, reparsing the edited text to validate it) costs more than
// finding the problem — a fifth of a keystroke's re-analysis — so the server publishes diagnostics
// first and builds fixes after: in idle slices, or at once for the finding a code action names.
// The fixes read the analysed tree, so they can be built only while it is unchanged: the owner
// calls `abandon()` before editing or deleting it.
import type { Finding, Fix } from "../types";

/** Builds one finding's fixes (see `DeferredFixes.attach`). */
type Build = () => Fix[];

export class DeferredFixes {
  private readonly pending = new Map<Finding, Build>();
  private readonly releases: Array<() => void> = [];
  private closed = false;
  /** Builds that threw ("FP110: message"); the finding keeps no fixes. The owner logs them here. */
  onFailure: (message: string) => void = () => {};

  /** Makes `finding.fixes` run `build` on first read (and keep the result); [] once abandoned. */
  attach(finding: Finding, code: string, build: Build): void {
    if (this.closed) {
      setFixes(finding, []);
      return;
    }
    this.pending.set(finding, () => {
      try {
        return build();
      } catch (err) {
        this.onFailure(`${code}: ${err instanceof Error ? err.message : String(err)}`);
        return [];
      }
    });
    Object.defineProperty(finding, "fixes", {
      configurable: true,
      enumerable: true,
      get: () => this.settle(finding),
    });
  }

  /** Runs when the fixes can no longer be built (all built, or abandoned): frees what they read. */
  onRelease(release: () => void): void {
    if (this.closed) release();
    else this.releases.push(release);
  }

  /** Fixes not built yet. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Builds pending fixes, one finding at a time, until `budgetMs` has passed; returns how many are
   * left. The server builds them in such slices when idle, so a keystroke is never kept waiting.
   */
  buildSome(budgetMs: number): number {
    const until = performance.now() + budgetMs;
    for (const finding of this.pending.keys()) {
      this.settle(finding);
      if (performance.now() >= until) break;
    }
    return this.pending.size;
  }

  /** Builds every fix not built yet (the CLI's reports, fix-all), then releases. */
  buildAll(): void {
    for (const finding of [...this.pending.keys()]) this.settle(finding);
    this.close();
  }

  /** The analysed tree is about to change: fixes not built by now are never built (they read []). */
  abandon(): void {
    for (const finding of this.pending.keys()) setFixes(finding, []);
    this.pending.clear();
    this.close();
  }

  private settle(finding: Finding): Fix[] {
    const build = this.pending.get(finding);
    if (!build) return [];
    this.pending.delete(finding);
    const fixes = build();
    setFixes(finding, fixes);
    if (this.pending.size === 0) this.close();
    return fixes;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const release of this.releases.splice(0)) release();
  }
}

function setFixes(finding: Finding, fixes: Fix[]): void {
  Object.defineProperty(finding, "fixes", { configurable: true, enumerable: true, writable: true, value: fixes });
}
