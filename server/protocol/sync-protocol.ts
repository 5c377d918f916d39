/**
 * The wire between a till and its store server (docs/store-server.md): plain types and
 * limits, imported by the till's sync worker (main/sync) and by the server. Nothing here
 * touches Node, a database or the network.
 *
 * A terminal sends its journal's changes in order. Each change carries the terminal's own
 * sequence number (1, 2, 3, … from the day it joined); the server applies a batch in one
 * transaction, ignores what it already has, refuses a gap, and answers the highest
 * sequence it holds. A change is the whole current row of what changed (an order, a
 * refund, an attempt with its signed answer, an event, an alarm, a day close), so applying
 * one twice, or an older one after a newer one, leaves the same row.
 */

export const SYNC_PATH = '/v1/sync';
export const ENROL_PATH = '/v1/enrol';

/** At most this many changes per batch, and this many bytes per request body. */
export const MAX_BATCH_CHANGES = 500;
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export type ChangeEntity = 'order' | 'refund' | 'attempt' | 'event' | 'alarm' | 'day';
export const CHANGE_ENTITIES: readonly ChangeEntity[] = ['order', 'refund', 'attempt', 'event', 'alarm', 'day'];

export interface OrderChange {
  id: number;
  merchantTransId: string;
  businessDay: string;
  terminalId: string;
  seq: number;
  amountMinor: number;
  currency: string;
  refundedMinor: number;
  state: string;
  title: string;
  acquirementId: string | null;
  resultCode: string | null;
  resultMessage: string | null;
  paidAt: string | null;
  alarm: string | null;
  cancelRequested: boolean;
  bodyText: string;
  createdAt: number;
  updatedAt: number;
}

export interface RefundChange {
  id: number;
  orderId: number;
  merchantRefundId: string;
  amountMinor: number;
  currency: string;
  state: string;
  businessDay: string;
  refundId: string | null;
  resultCode: string | null;
  reason: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface AttemptChange {
  id: number;
  orderId: number;
  refundId: number | null;
  api: string;
  reqMsgId: string;
  sentAt: number;
  receivedAt: number;
  outcome: string;
  resultCode: string | null;
  status: string | null;
  unknownReason: string | null;
  httpStatus: number | null;
  repeats: number;
  /** The gateway's signed answer as received: the audit trail leaves the terminal with it. */
  rawResponse: string | null;
}

export interface EventChange {
  id: number;
  orderId: number | null;
  at: number;
  actor: string;
  kind: string;
  fromState: string | null;
  toState: string | null;
  detail: Record<string, unknown> | null;
}

export interface AlarmChange {
  id: number;
  kind: string;
  code: string | null;
  orderId: number | null;
  message: string;
  raisedAt: number;
  clearedAt: number | null;
  clearedBy: string | null;
}

export interface DayChange {
  day: string;
  closedAt: number;
  closedBy: string;
  /** The Z report as the terminal printed it; the server keeps it and recomputes its own. */
  zReport: Record<string, unknown>;
}

export type Change =
  | { seq: number; entity: 'order'; data: OrderChange }
  | { seq: number; entity: 'refund'; data: RefundChange }
  | { seq: number; entity: 'attempt'; data: AttemptChange }
  | { seq: number; entity: 'event'; data: EventChange }
  | { seq: number; entity: 'alarm'; data: AlarmChange }
  | { seq: number; entity: 'day'; data: DayChange };

export interface SyncBatch {
  /** The server's id for this terminal (from enrolment); must match the credential's. */
  terminal: string;
  /** Changes in sequence order, without gaps; none at all is a heartbeat ("still here, this backlog, this version"). */
  changes: Change[];
  /** How many changes the terminal still holds after this batch (for the report's "may be incomplete"). */
  backlog: number;
  /** The terminal's clock when it sent the batch (ms); only shown, never trusted for order. */
  sentAt: number;
  /** The till's app version (package.json), shown on the store's terminals screen. */
  app?: string;
}

/** The till's app version as the wire carries it: semver-like, short, printable. */
export const APP_VERSION_PATTERN = /^[0-9A-Za-z.+-]{1,32}$/;

export interface SyncReply {
  /** The highest sequence the server holds for this terminal: the terminal's cursor. */
  lastSeq: number;
  /** How many of the batch's changes were new. */
  applied: number;
}

export interface EnrolRequest {
  code: string;
  /** The till's own name for itself (its terminal id in merchantTransIds), shown in reports. */
  tillTerminalId: string;
  deviceName: string;
}

export interface EnrolReply {
  terminal: string;
  store: string;
  name: string;
  /** The per-terminal credential: kept in the terminal's keychain; the server keeps its hash. */
  token: string;
}

export interface ErrorReply {
  error: { code: string; message: string; field?: string };
}
