import { toMoney } from '../alipay/currency';
import type { Attempt, Outcome, PayQueryData } from '../alipay/outcome';
import type { OrderRecord } from '../journal/types';
import type { EngineContext, StepResult } from './engine-context';
import { orderWork } from './work-key';

/** What the order steps share: one exchange with the gateway, and reading a payQuery's final answers. */

export const PAID = 'SUCCESS';
export const CLOSED_STATES = new Set(['CLOSED', 'CANCELLED']);

export function resultDetail(attempt: Attempt<unknown>): Record<string, unknown> {
  const o = attempt.outcome;
  // The attempt row holds the request id, the API and the raw answer; the event says what it meant.
  return o.kind === 'U' ? { outcome: 'U', reason: o.reason } : { outcome: o.kind, resultCode: o.result.resultCode };
}

export async function exchange<T>(ctx: EngineContext, order: OrderRecord, send: () => Promise<Attempt<T>>): Promise<Attempt<T>> {
  return exchangeThen(ctx, order, send, (attempt) => attempt);
}

/**
 * The same, with what the step makes of the answer journaled in the same commit as the
 * attempt: the preCreate that brings the QR pays one fsync, not two (issue 16). Should the
 * step's own write fail, the attempt goes with it and the step is tried again (a resend of
 * the same body, which the gateway answers the same).
 */
export async function exchangeThen<T, R>(ctx: EngineContext, order: OrderRecord, send: () => Promise<Attempt<T>>, then: (attempt: Attempt<T>) => R): Promise<R> {
  const attempt = await send();
  return ctx.journal.atomically(`take the ${attempt.api} answer for order ${order.id}`, () => {
    ctx.journal.recordAttempt(order.id, null, attempt);
    ctx.noteGateway(attempt, order.id);
    ctx.noteOutcome(orderWork(order.id), attempt.outcome.kind === 'U');
    return then(attempt);
  });
}

/** payQuery for this order, expecting its amount when the gateway reports a payment. */
export function queryOrder(ctx: EngineContext, order: OrderRecord): Promise<Attempt<PayQueryData>> {
  return exchange(ctx, order, () => ctx.client().payQuery({ merchantTransId: order.merchantTransId }, { amount: toMoney(order.amountMinor, order.currency) }));
}

/** Final answers from payQuery; undefined when the order is still open at the gateway. */
export function settleFromQuery(
  ctx: EngineContext,
  order: OrderRecord,
  from: OrderRecord['state'],
  o: Extract<Outcome<PayQueryData>, { kind: 'S' }>,
  attempt: Attempt<unknown>,
): StepResult | undefined {
  if (o.data.status === PAID) {
    ctx.move(order, from, { state: 'PAID', paidAt: o.data.paymentTime ?? new Date(ctx.now()).toISOString(), acquirementId: o.data.acquirementId ?? order.acquirementId }, 'paid', resultDetail(attempt));
    return null;
  }
  if (CLOSED_STATES.has(o.data.status)) {
    ctx.move(order, from, { state: 'CANCELLED', resultCode: o.data.status }, 'closed_by_gateway', resultDetail(attempt));
    return null;
  }
  return undefined;
}
