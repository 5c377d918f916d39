import { toMoney } from '../alipay/currency';
import type { RefundRecord } from '../journal/types';
import type { EngineContext, StepResult } from './engine-context';
import { refundWork } from './work-key';

/**
 * One step of a pending refund. Its body (with its merchantRefundId) was frozen when the
 * refund was journaled; every retry re-sends it as it is, so the gateway refunds once.
 */
export async function stepRefund(ctx: EngineContext, refund: RefundRecord): Promise<StepResult> {
  if (refund.state !== 'PENDING') return null;
  if (ctx.sendingBlocked()) return ctx.options.blockedRecheckMs;
  const wait = ctx.trafficBackoff();
  if (wait > 0) return wait;
  const attempt = await ctx.client().refund(refund.bodyText, {
    merchantRefundId: refund.merchantRefundId,
    refundAmount: toMoney(refund.amountMinor, refund.currency),
  });
  ctx.journal.recordAttempt(refund.orderId, refund.id, attempt);
  ctx.noteGateway(attempt, refund.orderId);
  const key = refundWork(refund.id);
  ctx.noteOutcome(key, attempt.outcome.kind === 'U');
  const o = attempt.outcome;
  if (o.kind === 'S') {
    ctx.journal.settleRefund(refund.id, 'SUCCEEDED', { refundId: o.data.refundId ?? null, resultCode: o.result.resultCode }, 'engine');
    return null;
  }
  if (o.kind === 'U') return ctx.retryDelay(key);
  if (o.info.action === 'alarm') {
    const inconsistent = o.result.resultCode === 'REPEAT_REQ_INCONSISTENT';
    ctx.raiseAlarm(inconsistent ? 'REPEAT_INCONSISTENT' : 'CONFIG', o.result.resultCode, refund.orderId, o.info.message);
    // The alarm stops sending until a supervisor clears it; if the same answer comes back
    // after that, each try waits longer and a NEEDS_REVIEW alarm follows.
    return ctx.stalled(key, { orderId: refund.orderId });
  }
  // noteGateway already pushed the shared wait out, further with every such answer.
  if (o.info.action === 'backoff') return Math.max(ctx.trafficBackoff(), 1);
  ctx.journal.settleRefund(refund.id, 'FAILED', { resultCode: o.result.resultCode }, 'engine');
  return null;
}
