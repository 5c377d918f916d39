import { toMoney } from '../alipay/currency';
import type { RefundRecord } from '../journal/types';
import type { EngineContext, StepResult } from './engine-context';

/**
 * One step of a pending refund. Its body (with its merchantRefundId) was frozen when the
 * refund was journaled; every retry re-sends it as it is, so the gateway refunds once.
 */
export async function stepRefund(ctx: EngineContext, refund: RefundRecord): Promise<StepResult> {
  if (refund.state !== 'PENDING') return null;
  if (ctx.sendingBlocked()) return 5_000;
  const attempt = await ctx.client().refund(refund.bodyText, {
    merchantRefundId: refund.merchantRefundId,
    refundAmount: toMoney(refund.amountMinor, refund.currency),
  });
  ctx.journal.recordAttempt(refund.orderId, refund.id, attempt);
  ctx.noteGateway(attempt);
  const key = -refund.id;
  ctx.noteOutcome(key, attempt.outcome.kind === 'U');
  const o = attempt.outcome;
  if (o.kind === 'S') {
    ctx.journal.settleRefund(refund.id, 'SUCCEEDED', { refundId: o.data.refundId ?? null, resultCode: o.result.resultCode }, 'engine');
    return null;
  }
  if (o.kind === 'U') return ctx.retryDelay(key);
  if (o.info.action === 'alarm') {
    ctx.raiseAlarm('CONFIG', o.result.resultCode, refund.orderId, o.info.message);
    return 5_000;
  }
  if (o.info.action === 'backoff') return ctx.trafficBackoff(ctx.now() + ctx.retryDelay(key));
  ctx.journal.settleRefund(refund.id, 'FAILED', { resultCode: o.result.resultCode }, 'engine');
  return null;
}
