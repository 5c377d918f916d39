/**
 * The store server's screen API as both sides see it (docs/store-server.md): the server
 * answers these shapes (server/store/*.ts) and the store screen reads them
 * (renderer/src/store). Types only: the contract stays pure, and the server stands alone.
 * Amounts are minor units as text (sums of a day may pass 2^53), times are ms.
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

export interface ReportException {
  terminal: string;
  /** The server's id of that terminal and the order's id on it, to open the order. */
  terminalId: string;
  orderId: number | null;
  kind: 'UNRESOLVED' | 'ORDER_ALARM' | 'PENDING_REFUND' | 'OPEN_ALARM';
  merchantTransId: string | null;
  code: string | null;
  message: string;
}

export interface TerminalReport {
  id: string;
  name: string;
  tillTerminal: string | null;
  revoked: boolean;
  lastSyncAt: number | null;
  /** Changes the terminal said it still held at its last sync. */
  backlog: number;
  /** Set when the terminal's figures may be incomplete: it has not sent everything lately. */
  stale: string | null;
  orderCount: number;
  currencies: CurrencyLine[];
}

export interface StoreReport {
  store: string;
  date: string;
  generatedAt: number;
  terminals: TerminalReport[];
  /** The store: every terminal's lines added up, per currency. */
  currencies: CurrencyLine[];
  exceptions: ReportException[];
}

export interface HoldingUp {
  terminal: string;
  name: string;
  reason: 'NOT_CLOSED' | 'NOT_SYNCED';
  /** For a person: which till, and what to do there. */
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
  report: StoreReport;
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
  /** The cursor of the next page, or null at the end. */
  next: string | null;
}

/** One order in full: its events, its gateway exchanges by result code (never the raw answer), its refunds. */
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
  /** The till's app version as it last said (null until its first batch or heartbeat). */
  appVersion: string | null;
  /** Alarms the terminal has raised and not cleared. */
  openAlarms: number;
}

export interface EnrolCode {
  code: string;
  store: string;
  name: string;
  expiresAt: number;
}
