/**
 * Runs jobs with a concurrency limit, oldest order first. Each order has at most one job
 * running or waiting: the steps of one order never overlap, so its journal transitions
 * are always made from the state the previous step left.
 */
export class WorkQueue {
  private readonly waiting = new Map<number, () => Promise<void>>();
  private readonly running = new Set<number>();
  private readonly rerun = new Set<number>();
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly limit: number,
    private readonly runJob: (orderId: number) => Promise<void>,
  ) {}

  /** Asks for one more step of this order; a request while it runs makes it run once more. */
  request(orderId: number): void {
    if (this.running.has(orderId)) {
      this.rerun.add(orderId);
      return;
    }
    if (!this.waiting.has(orderId)) this.waiting.set(orderId, () => this.runJob(orderId));
    this.pump();
  }

  get busy(): boolean {
    return this.running.size > 0 || this.waiting.size > 0;
  }

  /** Resolves when nothing is running or waiting. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running.size < this.limit && this.waiting.size > 0) {
      // Oldest order first: ids grow with creation.
      const orderId = Math.min(...this.waiting.keys());
      const job = this.waiting.get(orderId)!;
      this.waiting.delete(orderId);
      this.running.add(orderId);
      void job()
        .catch(() => undefined)
        .finally(() => {
          this.running.delete(orderId);
          if (this.rerun.delete(orderId)) this.waiting.set(orderId, () => this.runJob(orderId));
          this.pump();
          if (!this.busy) {
            const waiters = this.idleWaiters;
            this.idleWaiters = [];
            waiters.forEach((w) => w());
          }
        });
    }
  }
}
