import { isOrderNotFound } from '../alipay/result-codes';
import type { OrderRecord } from '../journal/types';
import type { EngineContext, StepResult } from './engine-context';
import { orderWork } from './work-key';
import { CLOSED_STATES, PAID, exchange, queryOrder, resultDetail, settleFromQuery } from './step-common';

/**
 * CANCELLING: the order must end CANCELLED or PAID, and every way of getting there is
 * bounded (docs/architecture.md "Every loop ends"). An answer that does not end the order
 * waits longer each time and, after a few, asks a supervisor (NEEDS_REVIEW) instead of
 * asking the gateway forever.
 */

/** Event that records one "the gateway does not know this order"; the second one ends it. */
export const NOT_FOUND_EVENT = 'gateway_not_found';
export const NEVER_REACHED = 'never reached Alipay';

export async function stepCancelling(ctx: EngineContext, order: OrderRecord): Promise<StepResult> {
  const wait = ctx.trafficBackoff();
  if (wait > 0) return wait;
  // The window ran out, nobody asked to cancel: a payment made since the last poll is
  // taken as a payment, not reversed by our own cancel.
  if (!order.cancelRequested && order.qrCode !== null) {
    const last = await queryOrder(ctx, order);
    if (last.outcome.kind === 'S' && last.outcome.data.status === PAID) {
      const settled = settleFromQuery(ctx, order, 'CANCELLING', last.outcome, last);
      if (settled !== undefined) return settled;
    }
  }
  const attempt = await exchange(ctx, order, () => ctx.client().payCancel({ merchantTransId: order.merchantTransId }));
  const o = attempt.outcome;
  if (o.kind === 'S') {
    ctx.move(order, 'CANCELLING', { state: 'CANCELLED' }, 'cancelled', resultDetail(attempt));
    return null;
  }
  if (o.kind === 'U') return ctx.stalled(orderWork(order.id), { unknown: true });
  if (o.info.action === 'alarm') {
    ctx.raiseAlarm('CONFIG', o.result.resultCode, order.id, o.info.message);
    return ctx.stalled(orderWork(order.id));
  }
  // Refused: most likely the customer paid meanwhile, or the gateway never had it. Ask; never assume.
  // Checked against the order's amount like every other query: this answer alone can turn
  // a cancelled sale into a paid one.
  const query = await queryOrder(ctx, order);
  const q = query.outcome;
  if (q.kind === 'S' && q.data.status === PAID) {
    // The state and the supervisor's alarm land together: a crash between them must not
    // leave a paid-after-cancel order that no alarm list shows.
    ctx.journal.atomically('record a payment found while cancelling', () => {
      const paid = ctx.move(
        order,
        'CANCELLING',
        { state: 'PAID', paidAt: q.data.paymentTime ?? new Date(ctx.now()).toISOString(), acquirementId: q.data.acquirementId ?? order.acquirementId, alarm: 'PAID_AFTER_CANCEL' },
        'paid_after_cancel',
        resultDetail(query),
      );
      if (paid) ctx.raiseAlarm('PAID_AFTER_CANCEL', o.result.resultCode, order.id, `Order ${order.merchantTransId} was paid while it was being cancelled: decide whether to refund.`);
    });
    return null;
  }
  if (q.kind === 'S' && CLOSED_STATES.has(q.data.status)) {
    ctx.move(order, 'CANCELLING', { state: 'CANCELLED', resultCode: q.data.status }, 'cancelled', resultDetail(query));
    return null;
  }
  if (q.kind === 'F' && isOrderNotFound(q.result) && !hadSuccess(order)) return neverSeen(ctx, order, q.result.resultCode);
  return ctx.stalled(orderWork(order.id), { unknown: q.kind === 'U' });
}

/** A verified S ever reached this order: the gateway created it, whatever it says now. */
function hadSuccess(order: OrderRecord): boolean {
  return order.qrCode !== null || order.acquirementId !== null || order.resultCode === 'SUCCESS';
}

/**
 * Cancel refused and query "not found", for an order no S ever answered: every preCreate
 * was lost on the way. One more query a little later confirms it (a preCreate still
 * travelling would have landed by then); then the order is CANCELLED as never reached.
 */
function neverSeen(ctx: EngineContext, order: OrderRecord, resultCode: string): StepResult {
  const seenBefore = ctx.journal.events(order.id).some((e) => e.kind === NOT_FOUND_EVENT);
  if (!seenBefore) {
    ctx.journal.appendEvent(order.id, 'engine', NOT_FOUND_EVENT, { resultCode });
    return ctx.options.confirmNotFoundMs;
  }
  ctx.move(order, 'CANCELLING', { state: 'CANCELLED', resultCode, resultMessage: NEVER_REACHED }, 'cancelled', { why: NEVER_REACHED, resultCode });
  return null;
}
