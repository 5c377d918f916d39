import type { EventEmitter } from 'node:events';
import { TillError } from '../errors';
import type { Journal } from '../journal/journal';
import type { OrderRecord } from '../journal/types';
import type { EngineEvents } from './engine-types';

/** How often a wait reads the journal for changes made by other processes. */
const WAIT_POLL_MS = 250;

/**
 * Resolves with the order once `done(order)` holds, or rejects after timeoutMs. The
 * engine's events tell of moves made in this process; another process on the same journal
 * (the running till, a second CLI) may be the one that moves the order, and its events
 * never arrive here, so the journal is read too.
 */
export function waitForOrder(
  events: EventEmitter<EngineEvents>,
  journal: Journal,
  orderId: number,
  done: (order: OrderRecord) => boolean,
  timeoutMs: number,
): Promise<OrderRecord> {
  return new Promise((resolve, reject) => {
    const check = (order: OrderRecord): void => {
      if (order.id !== orderId || !done(order)) return;
      cleanup();
      resolve(order);
    };
    const listener = (order: OrderRecord) => check(order);
    const timer = setTimeout(() => {
      cleanup();
      reject(new TillError('WAIT_TIMEOUT', `order ${orderId} did not reach the expected state in ${timeoutMs} ms`));
    }, timeoutMs);
    const look = setInterval(() => {
      let order: OrderRecord | undefined;
      try {
        order = journal.getOrder(orderId);
      } catch {
        return; // the journal is closing: the timeout still ends the wait
      }
      if (order) check(order);
    }, WAIT_POLL_MS);
    const cleanup = () => {
      clearTimeout(timer);
      clearInterval(look);
      events.off('order', listener);
    };
    events.on('order', listener);
    const current = journal.getOrder(orderId);
    if (current) check(current);
  });
}
