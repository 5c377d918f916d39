import type { OrderView } from '../../../preload/contract';
import { isFinal, newer, orderPhase } from '../order/order-status';

/**
 * Which order the customer display shows: the newest one the till has made. A finished
 * order stays up for a moment (thank-you, or the reason it did not go through), then the
 * display goes back to idle.
 */

export const THANKS_MS = 15_000;
export const RESULT_MS = 8_000;

export function follow(current: OrderView | null, incoming: OrderView): OrderView | null {
  if (current === null || incoming.id > current.id) return incoming;
  if (incoming.id === current.id) return newer(current, incoming);
  return current;
}

/** How long a finished order stays on screen (null: it is not finished, keep it). */
export function lingerMs(order: OrderView): number | null {
  const phase = orderPhase(order);
  if (!isFinal(phase)) return null;
  return phase === 'paid' ? THANKS_MS : RESULT_MS;
}

/** What to show when the display starts: the newest order, only if it is still going on. */
export function initialOrder(recent: readonly OrderView[]): OrderView | null {
  const latest = recent[0];
  return latest !== undefined && lingerMs(latest) === null ? latest : null;
}
