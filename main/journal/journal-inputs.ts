import type { Actor, AlarmKind, OrderState, RefundRecord } from './types';

/** What callers hand the journal (its rooms take the same shapes). */

export interface JournalOptions {
  /** Wall-clock milliseconds; injectable so tests can move the clock, backwards too. */
  now?: () => number;
}

export interface AllocatedOrderId {
  merchantTransId: string;
  businessDay: string;
  seq: number;
}

export interface ListOrdersQuery {
  day?: string;
  state?: OrderState;
  /** Default 50, at most 1000. */
  limit?: number;
  offset?: number;
}

export interface OrderEvent {
  actor: Actor;
  kind: string;
  detail?: Record<string, unknown>;
}

/** The frozen refund body is re-sent byte for byte with the same merchantRefundId. */
export type NewRefund = Pick<RefundRecord, 'orderId' | 'merchantRefundId' | 'amountMinor' | 'currency' | 'reason' | 'bodyText'> & { actor: Actor };

export interface RefundSettlement {
  /** Alipay's refund id, when the answer carried one. */
  refundId?: string | null;
  resultCode?: string | null;
}

export interface NewAlarm {
  kind: AlarmKind;
  code?: string | null;
  orderId?: number | null;
  message: string;
  /** Who raised it (default 'engine'). */
  actor?: Actor;
}
