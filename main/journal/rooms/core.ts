import type { SqliteDatabase, SqliteStatement } from '../../../native/sqlite';
import { TillError } from '../../errors';
import { localDay, nextDay } from '../business-day';
import { ORDER_COLUMNS, toOrder, type OrderRow } from '../storage/row-mapping';
import { ReferenceBodies } from '../storage/reference-bodies';
import type { OrderPatch, OrderRecord } from '../types';
import { journalError } from '../write-errors';

/** The columns a patch may change, in the order of the UPDATE statement's placeholders. */
const PATCH_COLUMNS = [
  ['state', 'state'],
  ['qrCode', 'qr_code'],
  ['acquirementId', 'acquirement_id'],
  ['resultCode', 'result_code'],
  ['resultMessage', 'result_message'],
  ['payDeadline', 'pay_deadline'],
  ['paidAt', 'paid_at'],
  ['refundedMinor', 'refunded_minor'],
  ['alarm', 'alarm'],
  ['cancelRequested', 'cancel_requested'],
  ['unknownCount', 'unknown_count'],
  ['nextActionAt', 'next_action_at'],
] as const satisfies ReadonlyArray<readonly [keyof OrderPatch, keyof OrderRow]>;

export type Params = Array<string | number | bigint | Buffer | null>;

/**
 * What every room of the journal shares (docs/architecture.md, "Layers"): the database and
 * its clock, the one transaction wrapper, the event log's insert, an order's row and its
 * patching, and the business day. Every write is one IMMEDIATE transaction (a savepoint
 * inside a caller's): the write lock is taken before anything is read, so the app and the
 * `till` command serialise instead of failing, and a compare-and-set reads what it writes
 * over. SQLite's refusals come out as TillErrors (journalError).
 */
export class JournalCore {
  readonly references: ReferenceBodies;
  readonly toOrder: (row: OrderRow) => OrderRecord;
  readonly selectOrder: SqliteStatement<[number], OrderRow>;
  readonly insertEvent: SqliteStatement<unknown[]>;
  readonly selectClosedDay: SqliteStatement<[string], { z_report: string }>;
  private readonly updateOrder: SqliteStatement<unknown[]>;
  private readonly latestClosedDay: SqliteStatement<[], { day: string | null }>;

  constructor(
    readonly db: SqliteDatabase,
    readonly now: () => number,
  ) {
    this.references = new ReferenceBodies(db);
    const references = { reference: (id: number) => this.references.dictionary(id) };
    this.toOrder = (row) => toOrder(row, references);
    this.selectOrder = db.prepare(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ?`);
    this.updateOrder = db.prepare(`UPDATE orders SET ${PATCH_COLUMNS.map(([, column]) => `${column} = ?`).join(', ')}, updated_at = ? WHERE id = ?`);
    this.insertEvent = db.prepare('INSERT INTO events (order_id, at, actor, kind, from_state, to_state, detail) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.latestClosedDay = db.prepare('SELECT max(day) AS day FROM business_days');
    this.selectClosedDay = db.prepare('SELECT z_report FROM business_days WHERE day = ?');
  }

  transaction<T>(what: string, fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (error) {
      throw journalError(error, what);
    }
  }

  /**
   * The local date of `nowMs`, unless that day (or a later one) is already closed: then
   * the day after the latest closed day. A clock that jumps back never lands an order in
   * a closed day.
   */
  businessDayFor(nowMs: number = this.now()): string {
    const local = localDay(nowMs);
    const latest = this.latestClosedDay.get()?.day ?? null;
    return latest !== null && latest >= local ? nextDay(latest) : local;
  }

  mustGetRow(orderId: number): OrderRow {
    const row = this.selectOrder.get(orderId);
    if (row === undefined) throw new TillError('ORDER_NOT_FOUND', `no order ${orderId}`, { field: 'order' });
    return row;
  }

  /** Writes the patched row and returns it; unlisted fields keep their values. */
  writePatch(row: OrderRow, patch: OrderPatch, at: number): OrderRow {
    const next: OrderRow = { ...row, updated_at: at };
    const params: Params = [];
    for (const [field, column] of PATCH_COLUMNS) {
      const value = patch[field];
      if (value !== undefined) (next as unknown as Record<string, unknown>)[column] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
      params.push(next[column] as string | number | null);
    }
    this.updateOrder.run(...params, at, row.id);
    return next;
  }
}
