import { toMoney } from '../alipay/currency';
import type { Attempt, PreCreateData } from '../alipay/outcome';
import type { OrderRecord } from '../journal/types';
import { stepCancelling } from './cancel-step';
import type { EngineContext, StepResult } from './engine-context';
import { orderWork } from './work-key';
import { exchangeThen, queryOrder, resultDetail, settleFromQuery } from './step-common';

/**
 * One step of one order, chosen by its journaled state (docs/architecture.md "Order lifecycle").
 * Every step starts from the journal, so a step after a crash is the same step as without
 * one. Unknown outcomes are resolved, never guessed: resend, query, cancel, in that order.
 */


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
  if (ctx.sendingBlocked()) return ctx.options.blockedRecheckMs;
  const wait = ctx.trafficBackoff();
  if (wait > 0) return wait;
  if (order.unknownCount >= ctx.options.resendsBeforeQuery) return queryUnknown(ctx, order);
  return exchangeThen(
    ctx,
    order,
    () => ctx.client().preCreate(order.bodyText, { merchantTransId: order.merchantTransId, amount: toMoney(order.amountMinor, order.currency) }),
    (attempt) => afterPreCreate(ctx, order, attempt),
  );
}

function afterPreCreate(ctx: EngineContext, order: OrderRecord, attempt: Attempt<PreCreateData>): StepResult {
  const o = attempt.outcome;
  if (o.kind === 'S') {
    const result = { acquirementId: o.data.acquirementId ?? null, resultCode: o.result.resultCode, resultMessage: o.result.resultMsg ?? null, unknownCount: 0 };
    // The cashier may have cancelled while this answer was on its way: then the QR is never
    // shown or printed (only AWAITING_PAYMENT shows one). Read and move in one transaction,
    // so a cancel from another process cannot land between the two.
    const moved = ctx.journal.atomically('take a preCreate answer', () => {
      if (ctx.journal.getOrder(order.id)?.cancelRequested) {
        return ctx.move(order, 'SENDING', { state: 'CANCELLING', ...result }, 'cancelling', { ...resultDetail(attempt), why: 'requested before the QR arrived' });
      }
      return ctx.move(order, 'SENDING', { state: 'AWAITING_PAYMENT', qrCode: o.data.orderQrCode, payDeadline: ctx.now() + ctx.options.paymentWindowMs, ...result }, 'qr_ready', resultDetail(attempt));
    });
    if (moved?.state !== 'AWAITING_PAYMENT') return 0;
    ctx.rememberDeadline(order.id, ctx.options.paymentWindowMs);
    return moved.cancelRequested ? 0 : ctx.options.pollIntervalMs;
  }
  if (o.kind === 'F') {
    switch (o.info.action) {
      case 'backoff':
        // noteGateway already pushed the shared wait out, further with every such answer.
        return Math.max(ctx.trafficBackoff(), 1);
      case 'query':
        ctx.note(order.id, { unknownCount: ctx.options.resendsBeforeQuery });
        return 0;
      case 'alarm':
        ctx.raiseAlarm(o.result.resultCode === 'REPEAT_REQ_INCONSISTENT' ? 'REPEAT_INCONSISTENT' : 'CONFIG', o.result.resultCode, order.id, o.info.message);
        // A first send refused at the door was never processed: the order is dead. After an
        // unknown outcome the gateway may hold it, so it waits for the fix instead.
        if (order.unknownCount > 0 && o.result.resultCode !== 'REPEAT_REQ_INCONSISTENT') return ctx.options.blockedRecheckMs;
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
  const attempt = await queryOrder(ctx, order);
  const o = attempt.outcome;
  if (o.kind === 'U') return ctx.retryDelay(orderWork(order.id));
  if (o.kind === 'S') {
    const settled = settleFromQuery(ctx, order, 'SENDING', o, attempt);
    if (settled !== undefined) return settled;
  } else if (o.info.action === 'alarm') {
    ctx.raiseAlarm('CONFIG', o.result.resultCode, order.id, o.info.message);
    return ctx.options.blockedRecheckMs;
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

async function stepAwaiting(ctx: EngineContext, order: OrderRecord): Promise<StepResult> {
  const remaining = ctx.remainingWindow(order);
  if (order.cancelRequested || remaining <= 0) {
    // The window is over: one last look before cancelling. A payment made in time that a
    // busy till had not polled yet is a sale, not a "paid while being cancelled" alarm for a
    // supervisor (seen at 20 sales a second, issue 16 §4). A cashier's cancel needs no look.
    if (!order.cancelRequested && ctx.trafficBackoff() === 0) {
      const last = await queryOrder(ctx, order);
      if (last.outcome.kind === 'S') {
        const settled = settleFromQuery(ctx, order, 'AWAITING_PAYMENT', last.outcome, last);
        if (settled !== undefined) return settled;
      }
    }
    ctx.move(order, 'AWAITING_PAYMENT', { state: 'CANCELLING' }, 'cancelling', { why: order.cancelRequested ? 'requested' : 'payment window over' });
    return 0;
  }
  const wait = ctx.trafficBackoff();
  if (wait > 0) return Math.min(wait, remaining);
  const attempt = await queryOrder(ctx, order);
  const o = attempt.outcome;
  if (o.kind === 'S') {
    const settled = settleFromQuery(ctx, order, 'AWAITING_PAYMENT', o, attempt);
    if (settled !== undefined) return settled;
  }
  return Math.max(0, Math.min(ctx.options.pollIntervalMs, ctx.remainingWindow(order)));
}
