import { TillError } from '../errors';
import type { Journal } from '../journal/journal';
import { UNRESOLVED_STATES, isUnresolved, type Actor, type OrderRecord } from '../journal/types';

/**
 * The end of every bounded loop: when the gateway's answers do not end an order (a
 * NEEDS_REVIEW alarm), a supervisor who has checked with Alipay says how it ended. One
 * transaction: the state, an event with who and why, the order marked SETTLED_BY_HAND
 * (an exception in the day's report for good) and its NEEDS_REVIEW alarm cleared. The
 * engine never steps a final order again.
 */

export type SettledAs = 'CANCELLED' | 'PAID';
export const SETTLED_MARK = 'SETTLED_BY_HAND';
const MAX_REASON = 256;

export interface SettleInput {
  orderId: number;
  as: SettledAs;
  reason: string;
  actor: Actor;
  /** Who decided: the supervisor's name or session, or the CLI user. */
  by: string;
}

export function settleByHand(journal: Journal, input: SettleInput, now: number): OrderRecord {
  if (input.as !== 'CANCELLED' && input.as !== 'PAID') throw new TillError('FIELD_INVALID', 'as must be cancelled or paid', { field: 'as' });
  const reason = typeof input.reason === 'string' ? input.reason.trim().replace(/\s+/g, ' ') : '';
  if (reason === '') throw new TillError('FIELD_MISSING', 'a reason is required: what Alipay said, or how it was checked', { field: 'reason' });
  if (reason.length > MAX_REASON) throw new TillError('FIELD_TOO_LONG', `the reason is limited to ${MAX_REASON} characters`, { field: 'reason' });
  return journal.atomically(`settle order ${input.orderId} by hand`, () => {
    const order = journal.getOrder(input.orderId);
    if (!order) throw new TillError('ORDER_NOT_FOUND', `no order ${input.orderId}`, { field: 'order' });
    if (!isUnresolved(order.state)) throw new TillError('ORDER_FINAL', `order ${order.merchantTransId} is already ${order.state}: only an unresolved order can be settled by hand`, { field: 'order' });
    const patch = {
      state: input.as,
      alarm: SETTLED_MARK,
      resultMessage: `settled by hand as ${input.as} by ${input.by}: ${reason}`,
      ...(input.as === 'PAID' ? { paidAt: new Date(now).toISOString() } : {}),
    };
    const settled = journal.transition(order.id, UNRESOLVED_STATES, patch, { actor: input.actor, kind: 'settled_by_hand', detail: { as: input.as, reason, by: input.by } });
    // The engine moved it in the same instant (another process): its answer stands.
    if (!settled) throw new TillError('ORDER_FINAL', `order ${order.merchantTransId} ended while it was being settled`, { field: 'order' });
    for (const alarm of journal.openAlarms()) {
      if (alarm.orderId === order.id && alarm.kind === 'NEEDS_REVIEW') journal.clearAlarm(alarm.id, input.by);
    }
    return settled;
  });
}
