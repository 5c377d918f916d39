import type { Database, Queryable } from '../db/database';
import { ServerError } from '../http/server-error';
import { applyTotals, totalsBefore } from './day-totals';
import type { Change, SyncBatch, SyncReply } from '../protocol/sync-protocol';
import type { TerminalIdentity } from './enrolment';

/**
 * Applies a terminal's batch exactly once in effect (docs/store-server.md): in one
 * transaction that holds the terminal's row, changes at or below what the server holds
 * are ignored (a batch re-sent after a lost answer), a batch that would leave a gap is
 * refused (409) and changes nothing, and the answer is the highest sequence held. Each
 * change is the row as it is now on the terminal: an upsert keyed by (terminal, row id).
 */

/**
 * One statement per kind of row per batch: the batch's rows of that kind go in as one JSON
 * array (json_to_recordset), so a batch of 500 changes is a handful of round trips, not
 * 500. Within a batch a row may change more than once (an order and, later in the batch,
 * the same order again): only its last change is kept, which is the newest.
 */
interface BulkUpsert {
  /** The row's key within a terminal, to keep only its last change in a batch. */
  key(data: never): string;
  sql: string;
}

const BULK: Record<Change['entity'], BulkUpsert> = {
  order: {
    key: (d: { id: number }) => String(d.id),
    sql:
      'INSERT INTO orders (terminal_id, id, merchant_trans_id, business_day, till_terminal, seq, amount_minor, currency, refunded_minor, state, title, acquirement_id, result_code, result_message, paid_at, alarm, cancel_requested, body_text, created_at, updated_at) ' +
      'SELECT $1, r.id, r."merchantTransId", r."businessDay", r."terminalId", r.seq, r."amountMinor", r.currency, r."refundedMinor", r.state, r.title, r."acquirementId", r."resultCode", r."resultMessage", r."paidAt", r.alarm, r."cancelRequested", r."bodyText", r."createdAt", r."updatedAt" ' +
      'FROM json_to_recordset($2::json) AS r(id bigint, "merchantTransId" text, "businessDay" text, "terminalId" text, seq int, "amountMinor" bigint, currency text, "refundedMinor" bigint, state text, title text, "acquirementId" text, "resultCode" text, "resultMessage" text, "paidAt" text, alarm text, "cancelRequested" boolean, "bodyText" text, "createdAt" bigint, "updatedAt" bigint) ' +
      'ON CONFLICT (terminal_id, id) DO UPDATE SET refunded_minor = excluded.refunded_minor, state = excluded.state, acquirement_id = excluded.acquirement_id, ' +
      'result_code = excluded.result_code, result_message = excluded.result_message, paid_at = excluded.paid_at, alarm = excluded.alarm, ' +
      'cancel_requested = excluded.cancel_requested, updated_at = excluded.updated_at',
  },
  refund: {
    key: (d: { id: number }) => String(d.id),
    sql:
      'INSERT INTO refunds (terminal_id, id, order_id, merchant_refund_id, amount_minor, currency, state, business_day, refund_id, result_code, reason, created_at, updated_at) ' +
      'SELECT $1, r.id, r."orderId", r."merchantRefundId", r."amountMinor", r.currency, r.state, r."businessDay", r."refundId", r."resultCode", r.reason, r."createdAt", r."updatedAt" ' +
      'FROM json_to_recordset($2::json) AS r(id bigint, "orderId" bigint, "merchantRefundId" text, "amountMinor" bigint, currency text, state text, "businessDay" text, "refundId" text, "resultCode" text, reason text, "createdAt" bigint, "updatedAt" bigint) ' +
      'ON CONFLICT (terminal_id, id) DO UPDATE SET state = excluded.state, refund_id = excluded.refund_id, result_code = excluded.result_code, updated_at = excluded.updated_at',
  },
  attempt: {
    key: (d: { id: number }) => String(d.id),
    sql:
      'INSERT INTO attempts (terminal_id, id, order_id, refund_id, api, req_msg_id, sent_at, received_at, outcome, result_code, status, unknown_reason, http_status, repeats, raw_response) ' +
      'SELECT $1, r.id, r."orderId", r."refundId", r.api, r."reqMsgId", r."sentAt", r."receivedAt", r.outcome, r."resultCode", r.status, r."unknownReason", r."httpStatus", r.repeats, r."rawResponse" ' +
      'FROM json_to_recordset($2::json) AS r(id bigint, "orderId" bigint, "refundId" bigint, api text, "reqMsgId" text, "sentAt" bigint, "receivedAt" bigint, outcome text, "resultCode" text, status text, "unknownReason" text, "httpStatus" int, repeats int, "rawResponse" text) ' +
      'ON CONFLICT (terminal_id, id) DO UPDATE SET received_at = excluded.received_at, repeats = excluded.repeats',
  },
  event: {
    key: (d: { id: number }) => String(d.id),
    sql:
      'INSERT INTO events (terminal_id, id, order_id, at, actor, kind, from_state, to_state, detail) ' +
      'SELECT $1, r.id, r."orderId", r.at, r.actor, r.kind, r."fromState", r."toState", r.detail ' +
      'FROM json_to_recordset($2::json) AS r(id bigint, "orderId" bigint, at bigint, actor text, kind text, "fromState" text, "toState" text, detail jsonb) ' +
      'ON CONFLICT (terminal_id, id) DO NOTHING',
  },
  alarm: {
    key: (d: { id: number }) => String(d.id),
    sql:
      'INSERT INTO alarms (terminal_id, id, kind, code, order_id, message, raised_at, cleared_at, cleared_by) ' +
      'SELECT $1, r.id, r.kind, r.code, r."orderId", r.message, r."raisedAt", r."clearedAt", r."clearedBy" ' +
      'FROM json_to_recordset($2::json) AS r(id bigint, kind text, code text, "orderId" bigint, message text, "raisedAt" bigint, "clearedAt" bigint, "clearedBy" text) ' +
      'ON CONFLICT (terminal_id, id) DO UPDATE SET cleared_at = excluded.cleared_at, cleared_by = excluded.cleared_by',
  },
  day: {
    key: (d: { day: string }) => d.day,
    sql:
      'INSERT INTO day_closes (terminal_id, day, closed_at, closed_by, z_report) ' +
      'SELECT $1, r.day, r."closedAt", r."closedBy", r."zReport" FROM json_to_recordset($2::json) AS r(day text, "closedAt" bigint, "closedBy" text, "zReport" jsonb) ' +
      'ON CONFLICT (terminal_id, day) DO NOTHING',
  },
};

/** Entities in an order that keeps every statement independent of the others (no foreign keys between them). */
const ENTITY_ORDER: readonly Change['entity'][] = ['order', 'refund', 'attempt', 'event', 'alarm', 'day'];

async function applyChanges(tx: Queryable, terminal: string, changes: readonly Change[]): Promise<void> {
  const groups = new Map<Change['entity'], Map<string, unknown>>();
  for (const change of changes) {
    let rows = groups.get(change.entity);
    if (!rows) groups.set(change.entity, (rows = new Map()));
    const key = BULK[change.entity].key(change.data as never);
    // A later change of the same row replaces the earlier one; delete first so the kept one sits last.
    rows.delete(key);
    rows.set(key, change.data);
  }
  const rowsOf = (entity: Change['entity']) => [...(groups.get(entity)?.values() ?? [])] as Change['data'][];
  const totals = await totalsBefore(tx, terminal, { orders: rowsOf('order'), refunds: rowsOf('refund') });
  for (const entity of ENTITY_ORDER) {
    const rows = groups.get(entity);
    if (rows && rows.size > 0) await tx.query(BULK[entity].sql, [terminal, JSON.stringify([...rows.values()])]);
  }
  await applyTotals(tx, terminal, totals);
}

export async function ingestBatch(db: Database, who: TerminalIdentity, batch: SyncBatch, now: number): Promise<SyncReply> {
  if (batch.terminal !== who.id) {
    throw new ServerError(403, 'TERMINAL_MISMATCH', `this credential belongs to terminal ${who.id}; it cannot write the changes of ${JSON.stringify(batch.terminal.slice(0, 64))}`, 'terminal');
  }
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ last_seq: string }>('SELECT last_seq::text FROM terminals WHERE id = $1 FOR UPDATE', [who.id]);
    const held = Number(rows[0]?.last_seq ?? 0);
    const first = batch.changes[0]?.seq ?? held + 1;
    if (first > held + 1) {
      throw new ServerError(409, 'SEQUENCE_GAP', `the server holds terminal ${who.id}'s changes up to ${held}; this batch starts at ${first}. Send from ${held + 1}.`, 'changes');
    }
    const fresh = batch.changes.filter((c) => c.seq > held);
    await applyChanges(tx, who.id, fresh);
    const lastSeq = Math.max(held, batch.changes.at(-1)?.seq ?? 0);
    await tx.query('UPDATE terminals SET last_seq = $2, last_sync_at = $3, last_sent_at = $4, backlog = $5, app_version = coalesce($6, app_version) WHERE id = $1', [who.id, lastSeq, now, batch.sentAt, batch.backlog, batch.app ?? null]);
    return { lastSeq, applied: fresh.length };
  });
}

/** What the server holds for a terminal, for a till that lost its cursor (GET /v1/sync). */
export async function heldSequence(db: Queryable, who: TerminalIdentity): Promise<number> {
  const rows = await db.query<{ last_seq: string }>('SELECT last_seq::text FROM terminals WHERE id = $1', [who.id]);
  return Number(rows[0]?.last_seq ?? 0);
}
