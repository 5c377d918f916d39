import type { Database, Queryable } from '../db/database';
import { ServerError } from '../http/server-error';
import type { Change, SyncBatch, SyncReply } from '../protocol/sync-protocol';
import type { TerminalIdentity } from './enrolment';

/**
 * Applies a terminal's batch exactly once in effect (docs/store-server.md): in one
 * transaction that holds the terminal's row, changes at or below what the server holds
 * are ignored (a batch re-sent after a lost answer), a batch that would leave a gap is
 * refused (409) and changes nothing, and the answer is the highest sequence held. Each
 * change is the row as it is now on the terminal: an upsert keyed by (terminal, row id).
 */

const UPSERT: Record<Change['entity'], { sql: string; values: (terminal: string, d: never) => unknown[] }> = {
  order: {
    sql:
      'INSERT INTO orders (terminal_id, id, merchant_trans_id, business_day, till_terminal, seq, amount_minor, currency, refunded_minor, state, title, acquirement_id, result_code, result_message, paid_at, alarm, cancel_requested, body_text, created_at, updated_at) ' +
      'VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) ' +
      'ON CONFLICT (terminal_id, id) DO UPDATE SET refunded_minor = excluded.refunded_minor, state = excluded.state, acquirement_id = excluded.acquirement_id, ' +
      'result_code = excluded.result_code, result_message = excluded.result_message, paid_at = excluded.paid_at, alarm = excluded.alarm, ' +
      'cancel_requested = excluded.cancel_requested, updated_at = excluded.updated_at',
    values: (t, d: import('../protocol/sync-protocol').OrderChange) => [t, d.id, d.merchantTransId, d.businessDay, d.terminalId, d.seq, d.amountMinor, d.currency, d.refundedMinor, d.state, d.title, d.acquirementId, d.resultCode, d.resultMessage, d.paidAt, d.alarm, d.cancelRequested, d.bodyText, d.createdAt, d.updatedAt],
  },
  refund: {
    sql:
      'INSERT INTO refunds (terminal_id, id, order_id, merchant_refund_id, amount_minor, currency, state, business_day, refund_id, result_code, reason, created_at, updated_at) ' +
      'VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ' +
      'ON CONFLICT (terminal_id, id) DO UPDATE SET state = excluded.state, refund_id = excluded.refund_id, result_code = excluded.result_code, updated_at = excluded.updated_at',
    values: (t, d: import('../protocol/sync-protocol').RefundChange) => [t, d.id, d.orderId, d.merchantRefundId, d.amountMinor, d.currency, d.state, d.businessDay, d.refundId, d.resultCode, d.reason, d.createdAt, d.updatedAt],
  },
  attempt: {
    sql:
      'INSERT INTO attempts (terminal_id, id, order_id, refund_id, api, req_msg_id, sent_at, received_at, outcome, result_code, status, unknown_reason, http_status, repeats, raw_response) ' +
      'VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ' +
      'ON CONFLICT (terminal_id, id) DO UPDATE SET received_at = excluded.received_at, repeats = excluded.repeats',
    values: (t, d: import('../protocol/sync-protocol').AttemptChange) => [t, d.id, d.orderId, d.refundId, d.api, d.reqMsgId, d.sentAt, d.receivedAt, d.outcome, d.resultCode, d.status, d.unknownReason, d.httpStatus, d.repeats, d.rawResponse],
  },
  event: {
    sql: 'INSERT INTO events (terminal_id, id, order_id, at, actor, kind, from_state, to_state, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (terminal_id, id) DO NOTHING',
    values: (t, d: import('../protocol/sync-protocol').EventChange) => [t, d.id, d.orderId, d.at, d.actor, d.kind, d.fromState, d.toState, d.detail === null ? null : JSON.stringify(d.detail)],
  },
  alarm: {
    sql:
      'INSERT INTO alarms (terminal_id, id, kind, code, order_id, message, raised_at, cleared_at, cleared_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ' +
      'ON CONFLICT (terminal_id, id) DO UPDATE SET cleared_at = excluded.cleared_at, cleared_by = excluded.cleared_by',
    values: (t, d: import('../protocol/sync-protocol').AlarmChange) => [t, d.id, d.kind, d.code, d.orderId, d.message, d.raisedAt, d.clearedAt, d.clearedBy],
  },
  day: {
    sql: 'INSERT INTO day_closes (terminal_id, day, closed_at, closed_by, z_report) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (terminal_id, day) DO NOTHING',
    values: (t, d: import('../protocol/sync-protocol').DayChange) => [t, d.day, d.closedAt, d.closedBy, JSON.stringify(d.zReport)],
  },
};

async function applyChange(tx: Queryable, terminal: string, change: Change): Promise<void> {
  const upsert = UPSERT[change.entity];
  await tx.query(upsert.sql, upsert.values(terminal, change.data as never) as never);
}

export async function ingestBatch(db: Database, who: TerminalIdentity, batch: SyncBatch, now: number): Promise<SyncReply> {
  if (batch.terminal !== who.id) {
    throw new ServerError(403, 'TERMINAL_MISMATCH', `this credential belongs to terminal ${who.id}; it cannot write the changes of ${JSON.stringify(batch.terminal.slice(0, 64))}`, 'terminal');
  }
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ last_seq: string }>('SELECT last_seq::text FROM terminals WHERE id = $1 FOR UPDATE', [who.id]);
    const held = Number(rows[0]?.last_seq ?? 0);
    const first = batch.changes[0]!.seq;
    if (first > held + 1) {
      throw new ServerError(409, 'SEQUENCE_GAP', `the server holds terminal ${who.id}'s changes up to ${held}; this batch starts at ${first}. Send from ${held + 1}.`, 'changes');
    }
    const fresh = batch.changes.filter((c) => c.seq > held);
    for (const change of fresh) await applyChange(tx, who.id, change);
    const lastSeq = Math.max(held, batch.changes.at(-1)!.seq);
    await tx.query('UPDATE terminals SET last_seq = $2, last_sync_at = $3, last_sent_at = $4, backlog = $5 WHERE id = $1', [who.id, lastSeq, now, batch.sentAt, batch.backlog]);
    return { lastSeq, applied: fresh.length };
  });
}

/** What the server holds for a terminal, for a till that lost its cursor (GET /v1/sync). */
export async function heldSequence(db: Queryable, who: TerminalIdentity): Promise<number> {
  const rows = await db.query<{ last_seq: string }>('SELECT last_seq::text FROM terminals WHERE id = $1', [who.id]);
  return Number(rows[0]?.last_seq ?? 0);
}
