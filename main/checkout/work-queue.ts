import { workBefore, type WorkKey } from './work-key';

/**
 * Runs jobs with a concurrency limit, in the order work-key.ts gives (refunds, then orders,
 * oldest first), except that a job asked for as urgent (a new sale's first send: a customer
 * stands at the till) goes before the rest: at 20 sales a second, the polls of older orders
 * would otherwise hold every new QR back (issue 16 §4). Each order or refund has at most one
 * job running or waiting: its steps never overlap, so its journal transitions are always
 * made from the state the previous step left.
 */
export class WorkQueue {
  private readonly waiting = new Map<WorkKey, () => Promise<void>>();
  private readonly running = new Set<WorkKey>();
  private readonly rerun = new Set<WorkKey>();
  private readonly urgent = new Set<WorkKey>();
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly limit: number,
    private readonly runJob: (key: WorkKey) => Promise<void>,
  ) {}

  /** Asks for one more step of this order or refund; a request while it runs makes it run once more. */
  request(key: WorkKey, urgent = false): void {
    if (urgent) this.urgent.add(key);
    if (this.running.has(key)) {
      this.rerun.add(key);
      return;
    }
    if (!this.waiting.has(key)) this.waiting.set(key, () => this.runJob(key));
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

  private before(a: WorkKey, b: WorkKey): boolean {
    const ua = this.urgent.has(a);
    if (ua !== this.urgent.has(b)) return ua;
    return workBefore(a, b);
  }

  private pump(): void {
    while (this.running.size < this.limit && this.waiting.size > 0) {
      let next: WorkKey | undefined;
      for (const candidate of this.waiting.keys()) if (next === undefined || this.before(candidate, next)) next = candidate;
      if (next === undefined) return;
      const key = next;
      const job = this.waiting.get(key)!;
      this.waiting.delete(key);
      this.urgent.delete(key);
      this.running.add(key);
      void job()
        .catch(() => undefined)
        .finally(() => {
          this.running.delete(key);
          if (this.rerun.delete(key)) this.waiting.set(key, () => this.runJob(key));
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
