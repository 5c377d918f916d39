import type { EventEmitter } from 'node:events';
import { TillError } from '../errors';
import type { Journal } from '../journal/journal';
import { isUnresolved, type OrderRecord } from '../journal/types';
import type { ConnectivityStatus, EngineEvents } from './engine-types';

/**
 * The one way to wait for an order to reach a state: the screen's "Charge" waiting for the
 * gateway's first word, `till precreate` waiting for the customer, `till cancel` waiting for
 * the end (docs/architecture.md, order lifecycle).
 *
 * One listener on the engine serves every wait, attached while any wait is open, so a burst
 * of charges does not pile listeners onto the engine. The engine's events tell of moves made
 * in this process; another process on the same journal (the running till, a second CLI) may
 * be the one that moves the order, and its events never arrive here, so a wait may also
 * re-read the journal. Every timer is removed when a wait ends: nothing keeps the process
 * alive afterwards.
 */

export interface WatchOptions {
  /** The state waited for. */
  done(order: OrderRecord): boolean;
  /** How long at most; then the order as journaled, or WAIT_TIMEOUT with rejectOnTimeout. */
  timeoutMs: number;
  rejectOnTimeout?: boolean;
  /** Also end when the gateway is found offline (the caller shows the order as it is). */
  endWhenOffline?: boolean;
  /** Re-read the journal this often, for moves made by another process; unset: this process's events only. */
  rereadMs?: number;
  /** Ends the wait early with the order as journaled (a router closing). */
  signal?: AbortSignal;
}

/** The gateway has had its first word: a QR, a final state, or no verifiable answer yet ("checking…"). */
export function hasFirstAnswer(order: OrderRecord): boolean {
  return order.qrCode !== null || !isUnresolved(order.state) || order.unknownCount > 0;
}

interface Wait {
  check(order: OrderRecord): void;
  offline(): void;
}

export class OrderWatch {
  private readonly waits = new Map<number, Set<Wait>>();
  private attached = false;
  private readonly onOrder = (order: OrderRecord) => {
    for (const wait of [...(this.waits.get(order.id) ?? [])]) wait.check(order);
  };
  private readonly onConnectivity = (status: ConnectivityStatus) => {
    if (status.state !== 'offline') return;
    for (const set of [...this.waits.values()]) for (const wait of [...set]) wait.offline();
  };

  constructor(
    private readonly events: EventEmitter<EngineEvents>,
    private readonly journal: Pick<Journal, 'getOrder'>,
    private readonly connectivity: () => ConnectivityStatus,
  ) {}

  wait(orderId: number, options: WatchOptions): Promise<OrderRecord> {
    const now = this.read(orderId);
    if (now === undefined) return Promise.reject(new TillError('ORDER_NOT_FOUND', `no order ${orderId}`, { field: 'order' }));
    if (options.done(now) || (options.endWhenOffline && this.connectivity().state === 'offline') || options.signal?.aborted) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const end = (order: OrderRecord | undefined, error?: TillError) => {
        clearTimeout(timer);
        if (reread) clearInterval(reread);
        options.signal?.removeEventListener('abort', onAbort);
        this.remove(orderId, wait);
        if (error || order === undefined) reject(error ?? new TillError('ORDER_NOT_FOUND', `no order ${orderId}`, { field: 'order' }));
        else resolve(order);
      };
      const wait: Wait = {
        check: (order) => {
          if (options.done(order)) end(order);
        },
        offline: () => {
          if (options.endWhenOffline) end(this.read(orderId));
        },
      };
      const onAbort = () => end(this.read(orderId));
      const timer = setTimeout(() => {
        if (options.rejectOnTimeout) end(undefined, new TillError('WAIT_TIMEOUT', `order ${orderId} did not reach the expected state in ${options.timeoutMs} ms`));
        else end(this.read(orderId));
      }, options.timeoutMs);
      const reread =
        options.rereadMs === undefined
          ? undefined
          : setInterval(() => {
              const order = this.read(orderId);
              if (order) wait.check(order);
            }, options.rereadMs);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.add(orderId, wait);
    });
  }

  /** The order as journaled, or undefined while the journal is closing (the timeout still ends the wait). */
  private read(orderId: number): OrderRecord | undefined {
    try {
      return this.journal.getOrder(orderId);
    } catch {
      return undefined;
    }
  }

  private add(orderId: number, wait: Wait): void {
    let set = this.waits.get(orderId);
    if (!set) this.waits.set(orderId, (set = new Set()));
    set.add(wait);
    if (this.attached) return;
    this.attached = true;
    this.events.on('order', this.onOrder);
    this.events.on('connectivity', this.onConnectivity);
  }

  private remove(orderId: number, wait: Wait): void {
    const set = this.waits.get(orderId);
    set?.delete(wait);
    if (set?.size === 0) this.waits.delete(orderId);
    if (this.waits.size > 0 || !this.attached) return;
    this.attached = false;
    this.events.off('order', this.onOrder);
    this.events.off('connectivity', this.onConnectivity);
  }
}
