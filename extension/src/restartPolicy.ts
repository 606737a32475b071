// When the language server dies, the client restarts it a bounded number of times and says so;
// past the bound it stops and tells the user how to restart by hand. Pure (no vscode import), so
// test/unit/restartPolicy.test.ts checks the policy; extension.ts adapts it to the client's ErrorHandler.

/** Restarts allowed inside the window; the next crash inside it stops the server. */
export const MAX_RESTARTS = 4;
/** The window crashes are counted in: a server that crashed long ago does not count against it. */
export const RESTART_WINDOW_MS = 3 * 60 * 1000;
/** Transport errors tolerated before the connection is shut down (the client's own default). */
export const MAX_TRANSPORT_ERRORS = 3;

export interface CloseDecision {
  restart: boolean;
  /** Shown to the user either way: a warning on restart, an error when giving up. */
  message: string;
}

export class RestartPolicy {
  private crashes: number[] = [];

  constructor(
    private readonly maxRestarts = MAX_RESTARTS,
    private readonly windowMs = RESTART_WINDOW_MS,
  ) {}

  /** The server's connection closed unexpectedly at `now` (ms). */
  onClose(now: number): CloseDecision {
    this.crashes = this.crashes.filter((t) => now - t < this.windowMs);
    this.crashes.push(now);
    const n = this.crashes.length;
    const minutes = Math.round(this.windowMs / 60_000);
    if (n <= this.maxRestarts)
      return {
        restart: true,
        message: `Footprint: the language server stopped unexpectedly; restarting it (restart ${n} of ${this.maxRestarts} within ${minutes} minutes).`,
      };
    return {
      restart: false,
      message:
        `Footprint: the language server stopped ${n} times within ${minutes} minutes and will not be restarted. ` +
        'The "Footprint" output channel has its log; run "Footprint: Restart Language Server" to try again.',
    };
  }

  /** A transport error on the connection; `count` is the client's running count for it. */
  onError(count: number | undefined): "continue" | "shutdown" {
    return count !== undefined && count <= MAX_TRANSPORT_ERRORS ? "continue" : "shutdown";
  }

  /** The user restarted the server by hand: earlier crashes no longer count. */
  reset(): void {
    this.crashes = [];
  }
}
