// Lazy work for documents the user cannot see: they wait here and are analysed one at a time,
// only after the editor has been quiet for a while, so typing in the visible file never queues
// behind a tab nobody is looking at.

export class BackgroundQueue {
  /** Insertion-ordered: the first document opened is the first analysed. */
  private readonly queue = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly work: (uri: string) => Promise<unknown>,
    /** Quiet time before each piece of background work. */
    private readonly idleMs: number,
  ) {}

  add(uri: string): void {
    this.queue.add(uri);
    if (!this.timer) this.arm();
  }

  delete(uri: string): void {
    this.queue.delete(uri);
  }

  has(uri: string): boolean {
    return this.queue.has(uri);
  }

  /** Activity in a visible document: background work waits for another quiet period. */
  postpone(): void {
    if (this.timer) this.arm();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue.clear();
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.queue.size === 0) return;
    this.timer = setTimeout(() => void this.runOne(), this.idleMs);
  }

  private async runOne(): Promise<void> {
    this.timer = null;
    const next = this.queue.values().next();
    if (next.done) return;
    this.queue.delete(next.value);
    try {
      await this.work(next.value);
    } finally {
      // A newer arm (a postpone during the work) keeps its own timer.
      if (!this.timer) this.arm();
    }
  }
}
