/**
 * What the engine's queue runs: one step of an order or of a refund. Each kind has its own
 * key, so a refund's id never passes as a negative order id and the two can never be
 * mistaken for each other in the queue, the timers or the retry counts.
 */
export type WorkKey = `order:${number}` | `refund:${number}`;

export const orderWork = (orderId: number): WorkKey => `order:${orderId}`;
export const refundWork = (refundId: number): WorkKey => `refund:${refundId}`;

export function readWorkKey(key: WorkKey): { kind: 'order' | 'refund'; id: number } {
  const colon = key.indexOf(':');
  return { kind: key.slice(0, colon) as 'order' | 'refund', id: Number(key.slice(colon + 1)) };
}

/**
 * The queue's order: refunds before orders (a supervisor is waiting at the screen for a
 * refund; an order's next poll can wait a moment), each oldest first (ids grow with
 * creation), so a backlog is worked off in the order it was made.
 */
export function workBefore(a: WorkKey, b: WorkKey): boolean {
  const x = readWorkKey(a);
  const y = readWorkKey(b);
  if (x.kind !== y.kind) return x.kind === 'refund';
  return x.id < y.id;
}
