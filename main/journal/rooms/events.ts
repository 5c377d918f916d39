import type { SqliteStatement } from '../../../native/sqlite';
import type { Attempt } from '../../alipay/outcome';
import { packAnswer } from '../storage/packed-text';
import { toAttempt, toEvent, type AttemptRow, type EventRow } from '../storage/row-mapping';
import type { Actor, AttemptRecord, EventRecord } from '../types';
import { assertActor, assertKind, cut, detailText } from './checks';
import type { JournalCore } from './core';

const MAX_UNKNOWN_DETAIL = 500;

/** The event log and the gateway exchanges (attempts) kept for audit. */
export class EventsRoom {
  private readonly selectEvent: SqliteStatement<[number | bigint], EventRow>;
  private readonly selectEvents: SqliteStatement<[number], EventRow>;
  private readonly insertAttempt: SqliteStatement<unknown[]>;
  private readonly lastAttempt: SqliteStatement<[number], AttemptRow>;
  private readonly foldAttempt: SqliteStatement<[number, number]>;
  private readonly selectAttempts: SqliteStatement<[number], AttemptRow>;

  constructor(private readonly core: JournalCore) {
    const db = core.db;
    const events = 'SELECT id, order_id, at, actor, kind, from_state, to_state, detail FROM events';
    this.selectEvent = db.prepare(`${events} WHERE id = ?`);
    this.selectEvents = db.prepare(`${events} WHERE order_id = ? ORDER BY id`);
    const attempts =
      'SELECT id, order_id, refund_id, api, req_msg_id, sent_at, received_at, outcome, result_code, status, unknown_reason, http_status, repeats, raw_response FROM attempts';
    this.insertAttempt = db.prepare(
      'INSERT INTO attempts (order_id, refund_id, api, req_msg_id, sent_at, received_at, outcome, result_code, status, unknown_reason, http_status, raw_response) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.lastAttempt = db.prepare(`${attempts} WHERE order_id = ? ORDER BY id DESC LIMIT 1`);
    this.foldAttempt = db.prepare('UPDATE attempts SET repeats = repeats + 1, received_at = max(received_at, ?) WHERE id = ?');
    this.selectAttempts = db.prepare(`${attempts} WHERE order_id = ? ORDER BY id`);
  }

  /** An event that changes no state (cancel requested, outcome unknown, a step's error…). */
  appendEvent(orderId: number | null, actor: Actor, kind: string, detail?: Record<string, unknown>): EventRecord {
    assertActor(actor);
    assertKind(kind);
    return this.core.transaction(`record event ${kind}`, () => {
      const id = this.core.insertEvent.run(orderId, this.core.now(), actor, kind, null, null, detailText(detail)).lastInsertRowid;
      return toEvent(this.selectEvent.get(id)!);
    });
  }

  events(orderId: number): EventRecord[] {
    return this.selectEvents.all(orderId).map(toEvent);
  }

  /**
   * Keeps one HTTP exchange for audit, with the gateway's text as received. A payQuery
   * whose answer is the same as the order's previous attempt (outcome, result code,
   * payment status, unknown reason, HTTP status) is folded into that row: repeats + 1
   * and the latest received time; its reqMsgId and text are those of the first of the
   * run. Polling every 2 s for two minutes is one or two rows, not sixty.
   */
  recordAttempt(orderId: number, refundId: number | null, attempt: Attempt<unknown>): void {
    const o = attempt.outcome;
    const resultCode = o.result?.resultCode ?? null;
    const status = o.kind === 'S' && typeof (o.data as { status?: unknown } | null)?.status === 'string' ? (o.data as { status: string }).status : null;
    const unknownReason = o.kind === 'U' ? cut(`${o.reason}: ${o.detail}`, MAX_UNKNOWN_DETAIL) : null;
    const httpStatus = attempt.httpStatus ?? null;
    this.core.transaction(`record a ${attempt.api} attempt of order ${orderId}`, () => {
      if (attempt.api === 'payQuery') {
        const last = this.lastAttempt.get(orderId);
        if (
          last !== undefined &&
          last.api === 'payQuery' &&
          last.refund_id === refundId &&
          last.outcome === o.kind &&
          last.result_code === resultCode &&
          last.status === status &&
          last.unknown_reason === unknownReason &&
          last.http_status === httpStatus
        ) {
          this.foldAttempt.run(attempt.receivedAt, last.id);
          return;
        }
      }
      this.insertAttempt.run(
        orderId,
        refundId,
        attempt.api,
        attempt.reqMsgId,
        attempt.sentAt,
        attempt.receivedAt,
        o.kind,
        resultCode,
        status,
        unknownReason,
        httpStatus,
        attempt.rawResponse === undefined || stillWaiting(attempt.api, o.kind, status) ? null : packAnswer(attempt.rawResponse, attempt.reqMsgId),
      );
    });
  }

  attempts(orderId: number): AttemptRecord[] {
    return this.selectAttempts.all(orderId).map(toAttempt);
  }
}

/**
 * A poll that says "not paid yet" decides nothing: its row (request id, times, status) is
 * kept, its signed text is not, which keeps a journal of a million orders about half a KB
 * per order smaller. Every answer the till acted on keeps its text for audit.
 */
function stillWaiting(api: string, kind: 'S' | 'F' | 'U', status: string | null): boolean {
  return api === 'payQuery' && kind === 'S' && (status === 'INIT' || status === 'PAYING');
}
