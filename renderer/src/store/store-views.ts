/**
 * What the store server's API answers (server/store/*.ts, docs/store-server.md), as the
 * screen reads it. Written out here rather than imported: the server is its own program
 * (lint: server-stands-alone), and these are the wire's shapes, which the API tests hold.
 */

export interface Totals {
  count: number;
  amountMinor: string;
}

export interface CurrencyLine {
  currency: string;
  paid: Totals;
  refunded: Totals;
  cancelled: Totals;
  failed: Totals;
  unresolved: Totals;
  netMinor: string;
}

export interface StoreException {
  terminal: string;
  terminalId: string;
  orderId: number | null;
  kind: string;
  merchantTransId: string | null;
  code: string | null;
  message: string;
}

export interface TerminalDay {
  id: string;
  name: string;
  revoked: boolean;
  lastSyncAt: number | null;
  backlog: number;
  stale: string | null;
  orderCount: number;
  currencies: CurrencyLine[];
}

export interface StoreDay {
  store: string;
  date: string;
  generatedAt: number;
  terminals: TerminalDay[];
  currencies: CurrencyLine[];
  exceptions: StoreException[];
}

export interface HoldingUp {
  terminal: string;
  name: string;
  reason: 'NOT_CLOSED' | 'NOT_SYNCED';
  message: string;
}

export interface StoreDayClose {
  closed: { closedAt: number; closedBy: string } | null;
  holdingUp: HoldingUp[];
}

export interface StoreZ {
  store: string;
  day: string;
  closedAt: number;
  closedBy: string;
  report: StoreDay;
}

export interface OrderRow {
  terminal: string;
  terminalName: string;
  id: number;
  merchantTransId: string;
  businessDay: string;
  amountMinor: string;
  currency: string;
  refundedMinor: string;
  state: string;
  acquirementId: string | null;
  alarm: string | null;
  createdAt: number;
}

export interface SearchPage {
  orders: OrderRow[];
  next: string | null;
}

export interface OrderDetail {
  order: OrderRow;
  events: Array<{ at: string; actor: string; kind: string; from_state: string | null; to_state: string | null }>;
  attempts: Array<{ api: string; sent_at: string; outcome: string; result_code: string | null; status: string | null; unknown_reason: string | null; repeats: number }>;
  refunds: Array<{ merchant_refund_id: string; amount_minor: string; currency: string; state: string; result_code: string | null; created_at: string }>;
}

export interface TerminalRow {
  id: string;
  store: string;
  name: string;
  tillTerminal: string | null;
  enrolledAt: number | null;
  revokedAt: number | null;
  lastSeq: number;
  lastSyncAt: number | null;
  backlog: number;
  appVersion: string | null;
  openAlarms: number;
}

export interface EnrolCode {
  code: string;
  store: string;
  name: string;
  expiresAt: number;
}
