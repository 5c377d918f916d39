import { orderFacts } from './order-body';
import { unpackText, type PackedText, type UnpackContext } from './packed-text';
import type { Actor, AlarmKind, AlarmRecord, AttemptRecord, EventRecord, OrderRecord, OrderState, RefundRecord, RefundState } from '../types';

/** Rows as SQLite hands them back (snake_case, 0/1 for booleans, JSON as text). */

export interface OrderRow {
  id: number;
  merchant_trans_id: string;
  business_day: string;
  terminal_id: string;
  seq: number;
  amount_minor: number;
  currency: string;
  refunded_minor: number;
  state: OrderState;
  cancel_requested: number;
  unknown_count: number;
  next_action_at: number | null;
  pay_deadline: number | null;
  created_at: number;
  updated_at: number;
  cart_id: string | null;
  acquirement_id: string | null;
  result_code: string | null;
  result_message: string | null;
  paid_at: string | null;
  alarm: string | null;
  qr_code: string | null;
  /** What the body does not say of title, detail and items (order-body.ts), as JSON. */
  extra: string | null;
  body_text: PackedText;
}

export const ORDER_COLUMNS =
  'id, merchant_trans_id, business_day, terminal_id, seq, amount_minor, currency, refunded_minor, state, cancel_requested, ' +
  'unknown_count, next_action_at, pay_deadline, created_at, updated_at, cart_id, acquirement_id, result_code, result_message, ' +
  'paid_at, alarm, qr_code, extra, body_text';

/** `references` resolves the reference bodies that bodies are packed against (reference-bodies.ts). */
export function toOrder(row: OrderRow, references: Pick<UnpackContext, 'reference'>): OrderRecord {
  const bodyText = unpackText(row.body_text, references);
  const { title, detail, items } = orderFacts(bodyText, row.extra);
  return {
    id: row.id,
    merchantTransId: row.merchant_trans_id,
    businessDay: row.business_day,
    terminalId: row.terminal_id,
    seq: row.seq,
    amountMinor: row.amount_minor,
    currency: row.currency,
    title,
    detail,
    items,
    bodyText,
    cartId: row.cart_id,
    state: row.state,
    qrCode: row.qr_code,
    acquirementId: row.acquirement_id,
    resultCode: row.result_code,
    resultMessage: row.result_message,
    payDeadline: row.pay_deadline,
    paidAt: row.paid_at,
    refundedMinor: row.refunded_minor,
    alarm: row.alarm,
    cancelRequested: row.cancel_requested === 1,
    unknownCount: row.unknown_count,
    nextActionAt: row.next_action_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface EventRow {
  id: number;
  order_id: number | null;
  at: number;
  actor: Actor;
  kind: string;
  from_state: OrderState | null;
  to_state: OrderState | null;
  detail: string | null;
}

export function toEvent(row: EventRow): EventRecord {
  return {
    id: row.id,
    orderId: row.order_id,
    at: row.at,
    actor: row.actor,
    kind: row.kind,
    fromState: row.from_state,
    toState: row.to_state,
    detail: row.detail === null ? null : (JSON.parse(row.detail) as Record<string, unknown>),
  };
}

export interface AttemptRow {
  id: number;
  order_id: number;
  refund_id: number | null;
  api: string;
  req_msg_id: string;
  sent_at: number;
  received_at: number;
  outcome: 'S' | 'F' | 'U';
  result_code: string | null;
  status: string | null;
  unknown_reason: string | null;
  http_status: number | null;
  repeats: number;
  raw_response: PackedText | null;
}

export function toAttempt(row: AttemptRow): AttemptRecord {
  return {
    id: row.id,
    orderId: row.order_id,
    refundId: row.refund_id,
    api: row.api,
    reqMsgId: row.req_msg_id,
    sentAt: row.sent_at,
    receivedAt: row.received_at,
    outcome: row.outcome,
    resultCode: row.result_code,
    status: row.status,
    unknownReason: row.unknown_reason,
    httpStatus: row.http_status,
    // An answer is packed against the request id it echoes (packed-text.ts, codec 3).
    rawResponse: unpackText(row.raw_response, { echo: row.req_msg_id }),
    repeats: row.repeats,
  };
}

export interface RefundRow {
  id: number;
  order_id: number;
  merchant_refund_id: string;
  amount_minor: number;
  currency: string;
  state: RefundState;
  business_day: string;
  refund_id: string | null;
  result_code: string | null;
  reason: string | null;
  created_at: number;
  updated_at: number;
  body_text: string;
}

export function toRefund(row: RefundRow): RefundRecord {
  return {
    id: row.id,
    orderId: row.order_id,
    merchantRefundId: row.merchant_refund_id,
    amountMinor: row.amount_minor,
    currency: row.currency,
    reason: row.reason,
    bodyText: row.body_text,
    state: row.state,
    refundId: row.refund_id,
    resultCode: row.result_code,
    businessDay: row.business_day,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface AlarmRow {
  id: number;
  kind: AlarmKind;
  code: string | null;
  order_id: number | null;
  message: string;
  raised_at: number;
  cleared_at: number | null;
  cleared_by: string | null;
}

export function toAlarm(row: AlarmRow): AlarmRecord {
  return {
    id: row.id,
    kind: row.kind,
    code: row.code,
    orderId: row.order_id,
    message: row.message,
    raisedAt: row.raised_at,
    clearedAt: row.cleared_at,
    clearedBy: row.cleared_by,
  };
}
