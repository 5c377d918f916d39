import type { SqliteStatement } from '../../../native/sqlite';
import { TillError } from '../../errors';
import { toAlarm, toAttempt, toEvent, toRefund, type AlarmRow, type AttemptRow, type EventRow, type RefundRow } from '../storage/row-mapping';
import type { AlarmRecord, AttemptRecord, EventRecord, OrderRecord, RefundRecord } from '../types';
import type { JournalCore } from './core';

/**
 * The outbox of changes for the store server (migration 0005, docs/store-server.md): what
 * the sync worker sends, in order, each note read back as the row is now. Sequence numbers
 * here are the terminal's own, counted from 1 since it joined (the outbox's seq − base).
 */

export interface ClosedDayRecord {
  day: string;
  closedAt: number;
  closedBy: string;
  zReport: Record<string, unknown>;
}

export type OutboxChange =
  | { seq: number; entity: 'order'; record: OrderRecord }
  | { seq: number; entity: 'refund'; record: RefundRecord }
  | { seq: number; entity: 'attempt'; record: AttemptRecord }
  | { seq: number; entity: 'event'; record: EventRecord }
  | { seq: number; entity: 'alarm'; record: AlarmRecord }
  | { seq: number; entity: 'day'; record: ClosedDayRecord };

export interface SyncCursor {
  enabled: boolean;
  /** The highest terminal sequence the server holds. */
  acked: number;
  /** Notes not yet held by the server. */
  backlog: number;
  lastAckAt: number | null;
  lastError: string | null;
}

interface StateRow {
  enabled: number;
  base_seq: number;
  sent_upto: number;
  acked_upto: number;
  last_ack_at: number | null;
  last_error: string | null;
}

export class OutboxRoom {
  private readonly state: SqliteStatement<[], StateRow>;
  private readonly notes: SqliteStatement<[number, number], { seq: number; entity: OutboxChange['entity']; ref: number | string }>;
  private readonly backlog: SqliteStatement<[number], { n: number }>;
  private readonly attempt: SqliteStatement<[number | string], AttemptRow>;
  private readonly event: SqliteStatement<[number | string], EventRow>;
  private readonly refund: SqliteStatement<[number | string], RefundRow>;
  private readonly alarm: SqliteStatement<[number | string], AlarmRow>;
  private readonly day: SqliteStatement<[number | string], { day: string; closed_at: number; closed_by: string; z_report: string }>;

  constructor(private readonly core: JournalCore) {
    const db = core.db;
    this.state = db.prepare('SELECT enabled, base_seq, sent_upto, acked_upto, last_ack_at, last_error FROM sync_state WHERE id = 1');
    this.notes = db.prepare('SELECT seq, entity, ref FROM sync_outbox WHERE seq > ? ORDER BY seq LIMIT ?');
    this.backlog = db.prepare('SELECT count(*) AS n FROM sync_outbox WHERE seq > ?');
    this.attempt = db.prepare('SELECT id, order_id, refund_id, api, req_msg_id, sent_at, received_at, outcome, result_code, status, unknown_reason, http_status, repeats, raw_response FROM attempts WHERE id = ?');
    this.event = db.prepare('SELECT id, order_id, at, actor, kind, from_state, to_state, detail FROM events WHERE id = ?');
    this.refund = db.prepare('SELECT id, order_id, merchant_refund_id, amount_minor, currency, reason, body_text, state, refund_id, result_code, business_day, created_at, updated_at FROM refunds WHERE id = ?');
    this.alarm = db.prepare('SELECT id, kind, code, order_id, message, raised_at, cleared_at, cleared_by FROM alarms WHERE id = ?');
    this.day = db.prepare('SELECT day, closed_at, closed_by, z_report FROM business_days WHERE day = ?');
  }

  /** The highest sequence this till has made since it joined (the top note is never deleted). */
  highest(): number {
    const s = this.state.get()!;
    const row = this.core.db.prepare('SELECT max(seq) AS top FROM sync_outbox').get() as { top: number | null };
    return Math.max(row.top ?? 0, s.acked_upto) - s.base_seq;
  }

  cursor(): SyncCursor {
    const s = this.state.get()!;
    return { enabled: s.enabled === 1, acked: s.acked_upto - s.base_seq, backlog: s.enabled === 1 ? this.backlog.get(s.acked_upto)!.n : 0, lastAckAt: s.last_ack_at, lastError: s.last_error };
  }

  /**
   * Joining a store: every row the journal holds becomes a note, then triggers note each
   * change as it is made. One transaction, so no change falls between the two.
   */
  startSync(): void {
    this.core.transaction('start syncing to the store server', () => {
      const db = this.core.db;
      db.prepare('DELETE FROM sync_outbox').run();
      const base = 0;
      db.prepare('UPDATE sync_state SET enabled = 1, base_seq = ?, sent_upto = ?, acked_upto = ?, last_ack_at = NULL, last_error = NULL WHERE id = 1').run(base, base, base);
      for (const [entity, select] of [
        ['order', 'SELECT id FROM orders ORDER BY id'],
        ['refund', 'SELECT id FROM refunds ORDER BY id'],
        ['attempt', 'SELECT id FROM attempts ORDER BY id'],
        ['event', 'SELECT id FROM events ORDER BY id'],
        ['alarm', 'SELECT id FROM alarms ORDER BY id'],
        ['day', 'SELECT day AS id FROM business_days ORDER BY day'],
      ] as const) {
        db.prepare(`INSERT INTO sync_outbox (entity, ref) SELECT '${entity}', id FROM (${select})`).run();
      }
    });
  }

  /** Leaving a store: no more notes, and the unsent ones are dropped. */
  stopSync(): void {
    this.core.transaction('stop syncing to the store server', () => {
      this.core.db.prepare('UPDATE sync_state SET enabled = 0 WHERE id = 1').run();
      this.core.db.prepare('DELETE FROM sync_outbox').run();
    });
  }

  /**
   * The next changes after what the server holds, up to `limit`, each read as the row is
   * now; marks them read, so a change made from here on gets a note of its own.
   */
  takeChanges(limit: number): { changes: OutboxChange[]; backlog: number } {
    return this.core.transaction('read changes for the store server', () => {
      const s = this.state.get()!;
      if (s.enabled !== 1) return { changes: [], backlog: 0 };
      const notes = this.notes.all(s.acked_upto, limit);
      const changes = notes.map((n) => this.read(n.seq - s.base_seq, n.entity, n.ref));
      const last = notes.at(-1)?.seq ?? s.acked_upto;
      if (last > s.sent_upto) this.core.db.prepare('UPDATE sync_state SET sent_upto = ? WHERE id = 1').run(last);
      return { changes, backlog: this.backlog.get(s.acked_upto)!.n };
    });
  }

  /** The server holds everything up to `seq` (terminal numbering): those notes are done. */
  acknowledge(seq: number, at: number): void {
    this.core.transaction('note what the store server holds', () => {
      const s = this.state.get()!;
      const upto = s.base_seq + seq;
      if (upto <= s.acked_upto) {
        this.core.db.prepare('UPDATE sync_state SET last_ack_at = ?, last_error = NULL WHERE id = 1').run(at);
        return;
      }
      // The highest note stays (it is at or below acked_upto, so never sent again): seq is
      // the rowid, and keeping the top row keeps the next one above everything sent.
      this.core.db.prepare('DELETE FROM sync_outbox WHERE seq < ?').run(upto);
      this.core.db.prepare('UPDATE sync_state SET acked_upto = ?, sent_upto = max(sent_upto, ?), last_ack_at = ?, last_error = NULL WHERE id = 1').run(upto, upto, at);
    });
  }

  noteSyncError(message: string): void {
    this.core.transaction('note a store sync error', () => this.core.db.prepare('UPDATE sync_state SET last_error = ? WHERE id = 1').run(message.slice(0, 300)));
  }

  private read(seq: number, entity: OutboxChange['entity'], ref: number | string): OutboxChange {
    const missing = (): never => {
      throw new TillError('JOURNAL_CORRUPT', `the outbox names ${entity} ${ref}, which the journal does not hold`);
    };
    switch (entity) {
      case 'order': {
        const row = this.core.selectOrder.get(Number(ref));
        return { seq, entity, record: row ? this.core.toOrder(row) : missing() };
      }
      case 'refund': {
        const row = this.refund.get(ref);
        return { seq, entity, record: row ? toRefund(row) : missing() };
      }
      case 'attempt': {
        const row = this.attempt.get(ref);
        return { seq, entity, record: row ? toAttempt(row) : missing() };
      }
      case 'event': {
        const row = this.event.get(ref);
        return { seq, entity, record: row ? toEvent(row) : missing() };
      }
      case 'alarm': {
        const row = this.alarm.get(ref);
        return { seq, entity, record: row ? toAlarm(row) : missing() };
      }
      case 'day': {
        const row = this.day.get(ref);
        if (!row) return missing();
        return { seq, entity, record: { day: row.day, closedAt: row.closed_at, closedBy: row.closed_by, zReport: JSON.parse(row.z_report) as Record<string, unknown> } };
      }
    }
  }
}
