import { toMoney } from '../alipay/currency';
import type { Attempt, Outcome, PayQueryData, PreCreateData } from '../alipay/outcome';
import type { OrderRecord } from '../journal/types';
import type { EngineContext, StepResult } from './engine-context';

/**
 * One step of one order, chosen by its journaled state (DESIGN.md "Order lifecycle").
 * Every step starts from the journal, so a step after a crash is the same step as without
 * one. Unknown outcomes are resolved, never guessed: resend, query, cancel, in that order.
 */

const PAID = 'SUCCESS';
const CLOSED_STATES = new Set(['CLOSED', 'CANCELLED']);

function resultDetail(attempt: Attempt<unknown>): Record<string, unknown> {
  const o = attempt.outcome;
  // The attempt row holds the request id, the API and the raw answer; the event says what it meant.
  return o.kind === 'U' ? { outcome: 'U', reason: o.reason } : { outcome: o.kind, resultCode: o.result.resultCode };
}

async function exchange<T>(ctx: EngineContext, order: OrderRecord, send: () => Promise<Attempt<T>>): Promise<Attempt<T>> {
  const attempt = await send();
  ctx.journal.recordAttempt(order.id, null, attempt);
  ctx.noteGateway(attempt);
  ctx.noteOutcome(order.id, attempt.outcome.kind === 'U');
  return attempt;
}

export async function stepOrder(ctx: EngineContext, order: OrderRecord): Promise<StepResult> {
  switch (order.state) {
    case 'NEW': {
      const sending = ctx.move(order, 'NEW', { state: 'SENDING' }, 'sending');
      return sending ? stepSending(ctx, sending) : 0;
    }
    case 'SENDING':
      return stepSending(ctx, order);
    case 'AWAITING_PAYMENT':
      return stepAwaiting(ctx, order);
    case 'CANCELLING':
      return stepCancelling(ctx, order);
    default:
      return null;
  }
}

/** Past its payment window, counted from creation: nobody can still be standing there. */
function abandoned(ctx: EngineContext, order: OrderRecord): boolean {
  return ctx.now() - order.createdAt > ctx.options.paymentWindowMs;
}

async function stepSending(ctx: EngineContext, order: OrderRecord): Promise<StepResult> {
  if (order.cancelRequested || (order.unknownCount > 0 && abandoned(ctx, order))) {
    ctx.move(order, 'SENDING', { state: 'CANCELLING' }, 'cancelling', { why: order.cancelRequested ? 'requested' : 'outcome unknown past the payment window' });
    return 0;
  }
  if (ctx.sendingBlocked()) return 5_000;
  const wait = ctx.trafficBackoff();
  if (wait > 0) return wait;
  if (order.unknownCount >= ctx.options.resendsBeforeQuery) return queryUnknown(ctx, order);
  const attempt = await exchange(ctx, order, () =>
    ctx.client().preCreate(order.bodyText, { merchantTransId: order.merchantTransId, amount: toMoney(order.amountMinor, order.currency) }),
  );
  return afterPreCreate(ctx, order, attempt);
}

function afterPreCreate(ctx: EngineContext, order: OrderRecord, attempt: Attempt<PreCreateData>): StepResult {
  const o = attempt.outcome;
  if (o.kind === 'S') {
    const moved = ctx.move(
      order,
      'SENDING',
      {
        state: 'AWAITING_PAYMENT',
        qrCode: o.data.orderQrCode,
        acquirementId: o.data.acquirementId ?? null,
        resultCode: o.result.resultCode,
        resultMessage: o.result.resultMsg ?? null,
        payDeadline: ctx.now() + ctx.options.paymentWindowMs,
        unknownCount: 0,
      },
      'qr_ready',
      resultDetail(attempt),
    );
    if (moved) ctx.rememberDeadline(order.id, ctx.options.paymentWindowMs);
    return moved?.cancelRequested ? 0 : ctx.options.pollIntervalMs;
  }
  if (o.kind === 'F') {
    switch (o.info.action) {
      case 'backoff':
        return ctx.trafficBackoff(ctx.now() + ctx.backoff(order.unknownCount + 1));
      case 'query':
        ctx.note(order.id, { unknownCount: ctx.options.resendsBeforeQuery });
        return 0;
      case 'alarm':
        ctx.raiseAlarm(o.result.resultCode === 'REPEAT_REQ_INCONSISTENT' ? 'REPEAT_INCONSISTENT' : 'CONFIG', o.result.resultCode, order.id, o.info.message);
        // A first send refused at the door was never processed: the order is dead. After an
        // unknown outcome the gateway may hold it, so it waits for the fix instead.
        if (order.unknownCount > 0 && o.result.resultCode !== 'REPEAT_REQ_INCONSISTENT') return 5_000;
        break;
      default:
        break;
    }
    ctx.move(order, 'SENDING', { state: 'FAILED', resultCode: o.result.resultCode, resultMessage: o.result.resultMsg ?? o.info.message }, 'failed', resultDetail(attempt));
    return null;
  }
  const n = order.unknownCount + 1;
  ctx.journal.appendEvent(order.id, 'engine', 'outcome_unknown', resultDetail(attempt));
  ctx.note(order.id, { unknownCount: n });
  return o.reason === 'unreachable' ? ctx.backoff(n) : Math.min(ctx.backoff(n), 2_000);
}

/** After repeated unknown outcomes: ask what the gateway knows of this merchantTransId. */
async function queryUnknown(ctx: EngineContext, order: OrderRecord): Promise<StepResult> {
  const attempt = await exchange(ctx, order, () => ctx.client().payQuery({ merchantTransId: order.merchantTransId }, { amount: toMoney(order.amountMinor, order.currency) }));
  const o = attempt.outcome;
  if (o.kind === 'U') return ctx.retryDelay(order.id);
  if (o.kind === 'S') {
    const settled = settleFromQuery(ctx, order, 'SENDING', o, attempt);
    if (settled !== undefined) return settled;
  } else if (o.info.action === 'alarm') {
    ctx.raiseAlarm('CONFIG', o.result.resultCode, order.id, o.info.message);
    return 5_000;
  }
  // The gateway has it waiting (INIT) or never got it (not found): a resend returns the
  // original answer with its QR, or creates it now — unless nobody is waiting any more.
  if (abandoned(ctx, order)) {
    ctx.move(order, 'SENDING', { state: 'CANCELLING' }, 'cancelling', { why: 'outcome unknown past the payment window' });
    return 0;
  }
  ctx.note(order.id, { unknownCount: 0 });
  return 0;
}

/** Final answers from payQuery; undefined when the order is still open at the gateway. */
function settleFromQuery(
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

async function stepAwaiting(ctx: EngineContext, order: OrderRecord): Promise<StepResult> {
  const remaining = ctx.remainingWindow(order);
  if (order.cancelRequested || remaining <= 0) {
    ctx.move(order, 'AWAITING_PAYMENT', { state: 'CANCELLING' }, 'cancelling', { why: order.cancelRequested ? 'requested' : 'payment window over' });
    return 0;
  }
  const attempt = await exchange(ctx, order, () => ctx.client().payQuery({ merchantTransId: order.merchantTransId }, { amount: toMoney(order.amountMinor, order.currency) }));
  const o = attempt.outcome;
  if (o.kind === 'S') {
    const settled = settleFromQuery(ctx, order, 'AWAITING_PAYMENT', o, attempt);
    if (settled !== undefined) return settled;
  }
  return Math.max(0, Math.min(ctx.options.pollIntervalMs, ctx.remainingWindow(order)));
}

async function stepCancelling(ctx: EngineContext, order: OrderRecord): Promise<StepResult> {
  // The window ran out, nobody asked to cancel: a payment made since the last poll is
  // taken as a payment, not reversed by our own cancel.
  if (!order.cancelRequested && order.qrCode !== null) {
    const last = await exchange(ctx, order, () => ctx.client().payQuery({ merchantTransId: order.merchantTransId }, { amount: toMoney(order.amountMinor, order.currency) }));
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
  if (o.kind === 'U') return ctx.retryDelay(order.id);
  if (o.info.action === 'alarm') {
    ctx.raiseAlarm('CONFIG', o.result.resultCode, order.id, o.info.message);
    return 5_000;
  }
  // Refused: most likely the customer paid meanwhile. Ask; never assume.
  const query = await exchange(ctx, order, () => ctx.client().payQuery({ merchantTransId: order.merchantTransId }));
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
  return ctx.retryDelay(order.id);
}
