import { formatMinor } from '../alipay/currency';
import type { AttemptRecord, EventRecord, OrderRecord } from '../journal/types';
import { resultCodeInfo } from '../alipay/result-codes';

/** The stable JSON of an order (README: "JSON output"). */
export function orderJson(order: OrderRecord): Record<string, unknown> {
  return {
    merchantTransId: order.merchantTransId,
    businessDay: order.businessDay,
    state: order.state,
    amount: { currency: order.currency, value: String(order.amountMinor) },
    refunded: { currency: order.currency, value: String(order.refundedMinor) },
    title: order.title,
    qrCode: order.qrCode,
    acquirementId: order.acquirementId,
    resultCode: order.resultCode,
    resultMessage: order.resultMessage,
    paidAt: order.paidAt,
    alarm: order.alarm,
    createdAt: new Date(order.createdAt).toISOString(),
    updatedAt: new Date(order.updatedAt).toISOString(),
  };
}

export function money(valueMinor: number, currency: string): string {
  return `${currency} ${formatMinor(valueMinor, currency)}`;
}

export function orderLine(order: OrderRecord): string {
  const refunded = order.refundedMinor > 0 ? ` (refunded ${formatMinor(order.refundedMinor, order.currency)})` : '';
  const alarm = order.alarm ? `  ! ${order.alarm}` : '';
  return `${order.merchantTransId}  ${order.state.padEnd(16)} ${money(order.amountMinor, order.currency).padStart(14)}${refunded}  ${order.title}${alarm}`;
}

export function eventJson(event: EventRecord): Record<string, unknown> {
  return { at: new Date(event.at).toISOString(), actor: event.actor, kind: event.kind, from: event.fromState, to: event.toState, detail: event.detail };
}

export function eventLine(event: EventRecord): string {
  const move = event.toState && event.fromState !== event.toState ? ` ${event.fromState ?? '-'} → ${event.toState}` : '';
  const d = event.detail ?? {};
  const what = [d.resultCode, d.reason, d.why].filter((x) => typeof x === 'string').join(' ');
  return `${new Date(event.at).toISOString()}  ${event.actor.padEnd(10)} ${event.kind}${move}${what ? `  (${what})` : ''}`;
}

/**
 * Same shape and values as a live attempt (render-attempt.ts), read back from the journal.
 * The journal keeps a U's reason and detail as one text, "reason: detail"; they are split
 * back into unknownReason and resultMessage as a live attempt has them.
 */
export function journaledAttemptJson(a: AttemptRecord): Record<string, unknown> {
  const info = a.resultCode ? resultCodeInfo(a.resultCode, a.outcome) : undefined;
  const unknown = a.outcome === 'U' && a.unknownReason !== null ? /^([a-z_]+): ([\s\S]*)$/.exec(a.unknownReason) : null;
  return {
    api: a.api,
    reqMsgId: a.reqMsgId,
    status: a.outcome,
    resultCode: a.resultCode,
    resultMessage: unknown ? unknown[2] : null,
    action: a.outcome === 'U' ? 'retry' : (info?.action ?? null),
    cashierMessage: a.outcome === 'U' ? 'No clear answer from Alipay yet. Checking…' : (info?.message ?? null),
    unknownReason: unknown ? unknown[1] : a.unknownReason,
    httpStatus: a.httpStatus,
    elapsedMs: a.receivedAt - a.sentAt,
  };
}
