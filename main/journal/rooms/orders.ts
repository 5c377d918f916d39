import { sqliteErrorCode, type SqliteStatement } from '../../../native/sqlite';
import { assertAmountMinor, assertCurrency } from '../../alipay/currency';
import { MERCHANT_ID_PATTERN } from '../../alipay/schemas';
import { TillError } from '../../errors';
import { isDay } from '../business-day';
import type { AllocatedOrderId, ListOrdersQuery, OrderEvent } from '../journal-inputs';
import { assertDay } from '../reconcile';
import { extraOf } from '../storage/order-body';
import { ORDER_COLUMNS, type OrderRow } from '../storage/row-mapping';
import { MAX_SEQ, assertTerminalId, formatMerchantTransId, reverseText, tailRange } from '../trans-id';
import { isUnresolved, type Actor, type NewOrder, type OrderPatch, type OrderRecord, type OrderState } from '../types';
import { UNRESOLVED_SQL, assertActor, assertKind, assertState, clampLimit, detailText } from './checks';
import type { JournalCore, Params } from './core';

/** The orders room: order numbers, the order rows and their state changes, and reading them back. */
export class OrdersRoom {
  private readonly selectByTransId: SqliteStatement<[string], OrderRow>;
  private readonly selectByCart: SqliteStatement<[string], OrderRow>;
  private readonly selectByTail: SqliteStatement<[string, string, number], OrderRow>;
  private readonly selectUnresolved: SqliteStatement<[], OrderRow>;
  private readonly countUnresolvedStmt: SqliteStatement<[], { n: number }>;
  private readonly insertOrder: SqliteStatement<unknown[]>;
  private readonly bumpSequence: SqliteStatement<[string, string], { last: number }>;
  private readonly listStatements = new Map<string, SqliteStatement<unknown[], OrderRow>>();

  constructor(private readonly core: JournalCore) {
    const db = core.db;
    const orders = `SELECT ${ORDER_COLUMNS} FROM orders`;
    // orders_trans_id holds every id read backwards: the one unique index on the id.
    this.selectByTransId = db.prepare(`${orders} INDEXED BY orders_trans_id WHERE rev_trans_id = ?`);
    this.selectByCart = db.prepare(`${orders} WHERE cart_id = ?`);
    // INDEXED BY: a schema change that loses these indexes fails loudly instead of scanning a million rows.
    this.selectByTail = db.prepare(`${orders} INDEXED BY orders_trans_id WHERE rev_trans_id >= ? AND rev_trans_id < ? ORDER BY id DESC LIMIT ?`);
    this.selectUnresolved = db.prepare(`${orders} INDEXED BY orders_unresolved WHERE state IN ${UNRESOLVED_SQL} ORDER BY id`);
    this.countUnresolvedStmt = db.prepare(`SELECT count(*) AS n FROM orders INDEXED BY orders_unresolved WHERE state IN ${UNRESOLVED_SQL}`);
    this.insertOrder = db.prepare(
      'INSERT INTO orders (merchant_trans_id, business_day, terminal_id, seq, amount_minor, currency, state, created_at, updated_at, cart_id, extra, body_text) ' +
        "VALUES (?, ?, ?, ?, ?, ?, 'NEW', ?, ?, ?, ?, ?)",
    );
    this.bumpSequence = db.prepare('INSERT INTO sequences (terminal_id, day, last) VALUES (?, ?, 1) ON CONFLICT (terminal_id, day) DO UPDATE SET last = last + 1 RETURNING last');
  }

  /**
   * Hands out the next order number of this terminal's business day, durably and in its
   * own transaction, before anything is built with it: a number handed out is never
   * handed out again, whatever happens next (crash, clock jumping back, the order never
   * being created).
   */
  allocateOrderId(terminalId: string): AllocatedOrderId {
    assertTerminalId(terminalId);
    return this.core.transaction('allocate an order number', () => {
      const businessDay = this.core.businessDayFor();
      const seq = this.bumpSequence.get(terminalId, businessDay)!.last;
      if (seq > MAX_SEQ) {
        throw new TillError('SEQUENCE_EXHAUSTED', `terminal ${terminalId} has used all ${MAX_SEQ} order numbers of ${businessDay}`);
      }
      return { merchantTransId: formatMerchantTransId(terminalId, businessDay, seq), businessDay, seq };
    });
  }

  /**
   * Number, body and row in ONE durable commit: a till pays one fsync per sale, not two.
   * `build` (pure: the frozen body) runs inside the transaction, so a body that cannot be
   * built leaves no number used and no row written.
   */
  createNextOrder(terminalId: string, build: (ids: AllocatedOrderId) => Omit<NewOrder, 'merchantTransId' | 'businessDay' | 'seq' | 'terminalId'>, actor: Actor): { order: OrderRecord; created: boolean } {
    return this.core.transaction('journal a new order', () => {
      const ids = this.allocateOrderId(terminalId);
      return this.createOrder({ ...build(ids), ...ids, terminalId }, actor);
    });
  }

  /**
   * Journals a NEW order with its frozen body and a 'created' event, in one transaction.
   * A cartId already used returns that order with created: false (a double click makes
   * one order), whatever the second request carried.
   */
  createOrder(input: NewOrder, actor: Actor): { order: OrderRecord; created: boolean } {
    checkNewOrder(input);
    assertActor(actor);
    return this.core.transaction(`journal order ${input.merchantTransId}`, () => {
      if (input.cartId !== null) {
        const existing = this.selectByCart.get(input.cartId);
        if (existing !== undefined) return { order: this.core.toOrder(existing), created: false };
      }
      if (this.core.selectClosedDay.get(input.businessDay) !== undefined) {
        throw new TillError('DAY_CLOSED', `business day ${input.businessDay} is already closed: allocate a new order number`, { field: 'businessDay' });
      }
      const at = this.core.now();
      let id: number;
      try {
        id = Number(
          this.insertOrder.run(
            input.merchantTransId,
            input.businessDay,
            input.terminalId,
            input.seq,
            input.amountMinor,
            input.currency,
            at,
            at,
            input.cartId,
            extraOf(input, input.bodyText),
            this.core.references.pack(input.bodyText, at),
          ).lastInsertRowid,
        );
      } catch (error) {
        if (sqliteErrorCode(error) === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new TillError('ORDER_ID_TAKEN', `merchantTransId ${input.merchantTransId} is already journaled: allocate a new order number`, { field: 'merchantTransId', cause: error });
        }
        throw error;
      }
      this.core.insertEvent.run(id, at, actor, 'created', null, 'NEW', null);
      return { order: this.core.toOrder(this.core.selectOrder.get(id)!), created: true };
    });
  }

  /**
   * Compare-and-set: applies `patch` and appends the event only if the order's state is
   * one of `from`; otherwise changes nothing and returns undefined (another step or
   * process moved it first). `patch.state` may be absent or equal the current state: an
   * event without a state change.
   */
  transition(orderId: number, from: OrderState | readonly OrderState[], patch: OrderPatch, event: OrderEvent): OrderRecord | undefined {
    const allowed: readonly OrderState[] = typeof from === 'string' ? [from] : from;
    assertActor(event.actor);
    assertKind(event.kind);
    if (patch.state !== undefined) assertState(patch.state);
    return this.core.transaction(`record ${event.kind} of order ${orderId}`, () => {
      const row = this.core.mustGetRow(orderId);
      if (!allowed.includes(row.state)) return undefined;
      const at = this.core.now();
      const next = this.core.writePatch(row, patch, at);
      this.core.insertEvent.run(orderId, at, event.actor, event.kind, row.state, next.state, detailText(event.detail));
      return this.core.toOrder(next);
    });
  }

  /**
   * Bookkeeping without an event (nextActionAt, unknownCount, cancelRequested, …). A state
   * change always goes through transition(), so every one of them is in the event log.
   */
  update(orderId: number, patch: OrderPatch): OrderRecord {
    return this.core.transaction(`update order ${orderId}`, () => {
      const row = this.core.mustGetRow(orderId);
      if (patch.state !== undefined && patch.state !== row.state) {
        throw new TillError('JOURNAL_MISUSE', `update() cannot change the state of order ${row.merchant_trans_id} (${row.state} → ${patch.state}); use transition()`);
      }
      return this.core.toOrder(this.core.writePatch(row, patch, this.core.now()));
    });
  }

  getOrder(id: number): OrderRecord | undefined {
    const row = this.core.selectOrder.get(id);
    return row === undefined ? undefined : this.core.toOrder(row);
  }

  getByTransId(merchantTransId: string): OrderRecord | undefined {
    const row = this.selectByTransId.get(reverseText(merchantTransId));
    return row === undefined ? undefined : this.core.toOrder(row);
  }

  /** Orders whose merchantTransId ends with `tail` (what a cashier reads off a receipt), newest first. */
  findByTail(tail: string, limit = 20): OrderRecord[] {
    const range = tailRange(tail.trim());
    if (range === undefined) return [];
    return this.selectByTail.all(range.low, range.high, clampLimit(limit)).map(this.core.toOrder);
  }

  /**
   * Newest first. By day (or an unresolved state) this reads an index; by a final state
   * alone it walks the orders from the newest until the page is full, which is quick for
   * common states and slow for rare ones in a large journal: give a day where possible.
   */
  listOrders(query: ListOrdersQuery = {}): OrderRecord[] {
    const where: string[] = [];
    const params: Params = [];
    if (query.day !== undefined) {
      assertDay(query.day);
      where.push('business_day = ?');
      params.push(query.day);
    }
    if (query.state !== undefined) {
      assertState(query.state);
      where.push('state = ?');
      params.push(query.state);
      // The small partial index holds every unresolved order; the planner would not pick it.
      if (isUnresolved(query.state)) where.push(`state IN ${UNRESOLVED_SQL}`);
    }
    const key = where.join(' AND ');
    let statement = this.listStatements.get(key);
    if (statement === undefined) {
      const from = key.includes(' IN ') ? 'orders INDEXED BY orders_unresolved' : 'orders';
      statement = this.core.db.prepare<unknown[], OrderRow>(`SELECT ${ORDER_COLUMNS} FROM ${from} ${key === '' ? '' : `WHERE ${key} `}ORDER BY id DESC LIMIT ? OFFSET ?`);
      this.listStatements.set(key, statement);
    }
    return statement.all(...params, clampLimit(query.limit ?? 50), Math.max(0, Math.trunc(query.offset ?? 0))).map(this.core.toOrder);
  }

  /** Every order whose outcome is not final, oldest first: what recovery carries on. */
  unresolved(): OrderRecord[] {
    return this.selectUnresolved.all().map(this.core.toOrder);
  }

  countUnresolved(): number {
    return this.countUnresolvedStmt.get()!.n;
  }

  /** Business days that have orders and no Z report yet, oldest first. */
  openDaysWithOrders(): string[] {
    const rows = this.core.db
      .prepare<[], { day: string }>('SELECT DISTINCT business_day AS day FROM orders WHERE business_day NOT IN (SELECT day FROM business_days) ORDER BY business_day')
      .all();
    return rows.map((r) => r.day);
  }

  /** Whether any order was ever journaled (a till still being installed has none). */
  hasOrders(): boolean {
    return this.core.db.prepare('SELECT 1 AS one FROM orders LIMIT 1').get() !== undefined;
  }
}

function checkNewOrder(input: NewOrder): void {
  const id = input.merchantTransId;
  if (typeof id !== 'string' || id.length > 64 || !MERCHANT_ID_PATTERN.test(id)) {
    throw new TillError('FIELD_INVALID', 'merchantTransId must be 1 to 64 letters, digits or _ . : -', { field: 'merchantTransId' });
  }
  if (!isDay(input.businessDay)) throw new TillError('DAY_INVALID', `business day ${JSON.stringify(input.businessDay)} is not a date like 2025-03-14`, { field: 'businessDay' });
  assertTerminalId(input.terminalId);
  if (!Number.isSafeInteger(input.seq) || input.seq <= 0) throw new TillError('FIELD_INVALID', 'seq must be a whole number above zero', { field: 'seq' });
  assertCurrency(input.currency);
  assertAmountMinor(input.amountMinor);
  if (typeof input.title !== 'string' || input.title.trim() === '') throw new TillError('FIELD_MISSING', 'title is required', { field: 'title' });
  if (typeof input.bodyText !== 'string' || input.bodyText === '') throw new TillError('FIELD_MISSING', 'the frozen body is required', { field: 'bodyText' });
  if (input.cartId !== null && (typeof input.cartId !== 'string' || input.cartId === '' || input.cartId.length > 128)) {
    throw new TillError('FIELD_INVALID', 'cartId must be null or 1 to 128 characters', { field: 'cartId' });
  }
}
