import type { CheckoutEngine } from '../checkout/engine';
import type { ConnectivityStatus } from '../checkout/engine-types';
import { isUnresolved, type OrderRecord } from '../journal/types';

/**
 * "Charge" comes back once the gateway has had its first word on the order: its QR, a
 * refusal, or no verifiable answer yet (the screen then shows "checking…"). One listener
 * on the engine serves every waiting call, so a burst of charges does not pile listeners
 * onto the engine; a wait also ends when the gateway is found offline, or after timeoutMs.
 */

export function hasFirstAnswer(order: OrderRecord): boolean {
  return order.qrCode !== null || !isUnresolved(order.state) || order.unknownCount > 0;
}

export class FirstAnswers {
  private readonly waiting = new Map<number, Set<() => void>>();
  private readonly onOrder = (order: OrderRecord) => {
    if (hasFirstAnswer(order)) this.wake(order.id);
  };
  private readonly onConnectivity = (status: ConnectivityStatus) => {
    if (status.state === 'offline') for (const id of [...this.waiting.keys()]) this.wake(id);
  };

  constructor(private readonly engine: CheckoutEngine) {
    engine.on('order', this.onOrder);
    engine.on('connectivity', this.onConnectivity);
  }

  /** Resolves when the order has its first answer (read by `current`), the gateway is offline, or timeoutMs passed. */
  wait(orderId: number, current: () => OrderRecord, timeoutMs: number): Promise<OrderRecord> {
    const now = current();
    if (hasFirstAnswer(now) || this.engine.connectivity().state === 'offline') return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        const set = this.waiting.get(orderId);
        set?.delete(done);
        if (set?.size === 0) this.waiting.delete(orderId);
        try {
          resolve(current());
        } catch (error) {
          reject(error);
        }
      };
      const timer = setTimeout(done, timeoutMs);
      let set = this.waiting.get(orderId);
      if (!set) this.waiting.set(orderId, (set = new Set()));
      set.add(done);
    });
  }

  detach(): void {
    this.engine.off('order', this.onOrder);
    this.engine.off('connectivity', this.onConnectivity);
    for (const id of [...this.waiting.keys()]) this.wake(id);
  }

  private wake(orderId: number): void {
    for (const done of [...(this.waiting.get(orderId) ?? [])]) done();
  }
}
