import type { OrderView } from '../../../preload/contract';

/** How a screen shows an order: one word, one colour. */
export type OrderPhase = 'creating' | 'waiting' | 'checking' | 'cancelling' | 'paid' | 'refunded' | 'cancelled' | 'failed';

export function orderPhase(order: Pick<OrderView, 'state' | 'checking'>): OrderPhase {
  switch (order.state) {
    case 'PAID':
      return 'paid';
    case 'REFUNDED':
      return 'refunded';
    case 'CANCELLED':
      return 'cancelled';
    case 'FAILED':
      return 'failed';
    default:
      break;
  }
  if (order.checking) return 'checking';
  if (order.state === 'AWAITING_PAYMENT') return 'waiting';
  if (order.state === 'CANCELLING') return 'cancelling';
  return 'creating';
}

/** The order has reached a state it never leaves on its own (a refund aside). */
export function isFinal(phase: OrderPhase): boolean {
  return phase === 'paid' || phase === 'refunded' || phase === 'cancelled' || phase === 'failed';
}

/**
 * The cashier may move on to a new sale: anything but a live QR (cancel that first) or a
 * cancel in flight. An order still being created or checked is followed up by the engine.
 */
export function canLeave(phase: OrderPhase): boolean {
  return phase !== 'waiting' && phase !== 'cancelling';
}

/** The cashier may still cancel: the customer has not paid (as far as the till knows). */
export function canCancel(order: Pick<OrderView, 'state' | 'checking' | 'cancelRequested'>): boolean {
  if (order.cancelRequested) return false;
  return order.state === 'NEW' || order.state === 'SENDING' || order.state === 'AWAITING_PAYMENT';
}

/** An event carries the newest view of an order; an older one arriving late is ignored. */
export function newer(current: OrderView | null, incoming: OrderView): OrderView {
  if (current === null || current.id !== incoming.id) return incoming;
  return incoming.updatedAt >= current.updatedAt ? incoming : current;
}

/** The recent-orders list after an order event: replaced in place, or added on top. */
export function mergeRecent(list: readonly OrderView[], order: OrderView, limit: number): OrderView[] {
  const index = list.findIndex((o) => o.id === order.id);
  if (index >= 0) return list.map((o, i) => (i === index ? newer(o, order) : o));
  return [order, ...list].sort((a, b) => b.id - a.id).slice(0, limit);
}
