import { sqliteErrorCode, type SqliteDatabase, type SqliteStatement } from '../../native/sqlite';
import { assertAmountMinor, assertCurrency, formatMinor } from '../alipay/currency';
import type { Attempt } from '../alipay/outcome';
import { MERCHANT_ID_PATTERN } from '../alipay/schemas';
import { TillError } from '../errors';
import { isDay, localDay, nextDay } from './business-day';
import { extraOf } from './order-body';
import { packAnswer } from './packed-text';
import { assertDay, reconcileDay } from './reconcile';
import { ReferenceBodies } from './reference-bodies';
import {
  ORDER_COLUMNS,
  toAlarm,
  toAttempt,
  toEvent,
  toOrder,
  toRefund,
  type AlarmRow,
  type AttemptRow,
  type EventRow,
  type OrderRow,
  type RefundRow,
} from './row-mapping';
import { MAX_SEQ, assertTerminalId, formatMerchantTransId, reverseText, tailRange } from './trans-id';
import { ORDER_STATES, UNRESOLVED_STATES, isUnresolved, type Actor, type AlarmKind, type AlarmRecord, type AttemptRecord, type EventRecord, type NewOrder, type OrderPatch, type OrderRecord, type OrderState, type RefundRecord } from './types';
import { journalError } from './write-errors';
import { toZReport, type TrustInForce, type ZReport } from './z-report';

/**
 * The order journal on the till's SQLite file (docs/architecture.md "Order lifecycle"). Every write
 * is one IMMEDIATE transaction (a savepoint inside a caller's transaction): the write lock
 * is taken before anything is read, so two processes sharing the file (the app and the
 * `till` command) serialise instead of failing, and a compare-and-set reads the state it
 * then writes over. Every write either happens whole or not at all; SQLite's refusals
 * come out as TillErrors (journalError).
 */

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

const UNRESOLVED_SQL = `(${UNRESOLVED_STATES.map((s) => `'${s}'`).join(', ')})`;
const ACTORS: ReadonlySet<string> = new Set<Actor>(['cashier', 'supervisor', 'engine', 'recovery', 'cli']);
const MAX_LIST = 1000;
const MAX_UNKNOWN_DETAIL = 500;

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

type Params = Array<string | number | bigint | Buffer | null>;

export class Journal {
  readonly db: SqliteDatabase;
  private readonly now: () => number;
  private readonly references: ReferenceBodies;

  private readonly toOrder: (row: OrderRow) => OrderRecord;
  private readonly selectOrder: SqliteStatement<[number], OrderRow>;
  private readonly selectByTransId: SqliteStatement<[string], OrderRow>;
  private readonly selectByCart: SqliteStatement<[string], OrderRow>;
  private readonly selectByTail: SqliteStatement<[string, string, number], OrderRow>;
  private readonly selectUnresolved: SqliteStatement<[], OrderRow>;
  private readonly countUnresolvedStmt: SqliteStatement<[], { n: number }>;
  private readonly insertOrder: SqliteStatement<unknown[]>;
  private readonly updateOrder: SqliteStatement<unknown[]>;
  private readonly listStatements = new Map<string, SqliteStatement<unknown[], OrderRow>>();

  private readonly latestClosedDay: SqliteStatement<[], { day: string | null }>;
  private readonly selectClosedDay: SqliteStatement<[string], { z_report: string }>;
  private readonly insertClosedDay: SqliteStatement<[string, number, string, string]>;
  private readonly bumpSequence: SqliteStatement<[string, string], { last: number }>;

  private readonly insertEvent: SqliteStatement<unknown[]>;
  private readonly selectEvent: SqliteStatement<[number | bigint], EventRow>;
  private readonly selectEvents: SqliteStatement<[number], EventRow>;

  private readonly insertAttempt: SqliteStatement<unknown[]>;
  private readonly lastAttempt: SqliteStatement<[number], AttemptRow>;
  private readonly foldAttempt: SqliteStatement<[number, number]>;
  private readonly selectAttempts: SqliteStatement<[number], AttemptRow>;

  private readonly insertRefund: SqliteStatement<unknown[]>;
  private readonly selectRefund: SqliteStatement<[number | bigint], RefundRow>;
  private readonly selectRefundByMerchantId: SqliteStatement<[string], RefundRow>;
  private readonly selectRefundsOfOrder: SqliteStatement<[number], RefundRow>;
  private readonly selectPendingRefunds: SqliteStatement<[], RefundRow>;
  private readonly pendingRefundSum: SqliteStatement<[number], { pending: number | null }>;
  private readonly countRefundsOfOrder: SqliteStatement<[number], { n: number }>;
  private readonly settleRefundStmt: SqliteStatement<[string, string | null, string | null, number, number]>;
  private readonly unresolvedOfDay: SqliteStatement<[string], { merchant_trans_id: string }>;
  private readonly countUnresolvedOfDay: SqliteStatement<[string], { n: number }>;
  private readonly pendingRefundsOfDay: SqliteStatement<[string], { merchant_refund_id: string }>;

  private readonly insertAlarm: SqliteStatement<unknown[]>;
  private readonly selectAlarm: SqliteStatement<[number | bigint], AlarmRow>;
  private readonly selectOpenAlarm: SqliteStatement<[string, string | null, number | null], AlarmRow>;
  private readonly selectOpenAlarms: SqliteStatement<[], AlarmRow>;
  private readonly clearAlarmStmt: SqliteStatement<[number, string, number]>;

  constructor(db: SqliteDatabase, options: JournalOptions = {}) {
    this.db = db;
    this.now = options.now ?? Date.now;
    this.references = new ReferenceBodies(db);
    const references = { reference: (id: number) => this.references.dictionary(id) };
    this.toOrder = (row) => toOrder(row, references);

    const orders = `SELECT ${ORDER_COLUMNS} FROM orders`;
    this.selectOrder = db.prepare(`${orders} WHERE id = ?`);
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
    this.updateOrder = db.prepare(`UPDATE orders SET ${PATCH_COLUMNS.map(([, column]) => `${column} = ?`).join(', ')}, updated_at = ? WHERE id = ?`);

    this.latestClosedDay = db.prepare('SELECT max(day) AS day FROM business_days');
    this.selectClosedDay = db.prepare('SELECT z_report FROM business_days WHERE day = ?');
    this.insertClosedDay = db.prepare('INSERT INTO business_days (day, closed_at, closed_by, z_report) VALUES (?, ?, ?, ?)');
    this.bumpSequence = db.prepare('INSERT INTO sequences (terminal_id, day, last) VALUES (?, ?, 1) ON CONFLICT (terminal_id, day) DO UPDATE SET last = last + 1 RETURNING last');

    const events = 'SELECT id, order_id, at, actor, kind, from_state, to_state, detail FROM events';
    this.insertEvent = db.prepare('INSERT INTO events (order_id, at, actor, kind, from_state, to_state, detail) VALUES (?, ?, ?, ?, ?, ?, ?)');
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

    const refunds =
      'SELECT id, order_id, merchant_refund_id, amount_minor, currency, state, business_day, refund_id, result_code, reason, created_at, updated_at, body_text FROM refunds';
    this.insertRefund = db.prepare(
      'INSERT INTO refunds (order_id, merchant_refund_id, amount_minor, currency, business_day, reason, created_at, updated_at, body_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.selectRefund = db.prepare(`${refunds} WHERE id = ?`);
    this.selectRefundByMerchantId = db.prepare(`${refunds} WHERE merchant_refund_id = ?`);
    this.selectRefundsOfOrder = db.prepare(`${refunds} WHERE order_id = ? ORDER BY id`);
    this.selectPendingRefunds = db.prepare(`${refunds} INDEXED BY refunds_pending WHERE state = 'PENDING' ORDER BY id`);
    this.pendingRefundSum = db.prepare("SELECT sum(amount_minor) AS pending FROM refunds WHERE order_id = ? AND state = 'PENDING'");
    this.countRefundsOfOrder = db.prepare('SELECT count(*) AS n FROM refunds WHERE order_id = ?');
    this.settleRefundStmt = db.prepare('UPDATE refunds SET state = ?, refund_id = ?, result_code = ?, updated_at = ? WHERE id = ?');
    this.unresolvedOfDay = db.prepare(`SELECT merchant_trans_id FROM orders INDEXED BY orders_unresolved WHERE business_day = ? AND state IN ${UNRESOLVED_SQL} ORDER BY id LIMIT 5`);
    this.countUnresolvedOfDay = db.prepare(`SELECT count(*) AS n FROM orders INDEXED BY orders_unresolved WHERE business_day = ? AND state IN ${UNRESOLVED_SQL}`);
    this.pendingRefundsOfDay = db.prepare("SELECT merchant_refund_id FROM refunds WHERE business_day = ? AND state = 'PENDING' ORDER BY id");

    const alarms = 'SELECT id, kind, code, order_id, message, raised_at, cleared_at, cleared_by FROM alarms';
    this.insertAlarm = db.prepare('INSERT INTO alarms (kind, code, order_id, message, raised_at) VALUES (?, ?, ?, ?, ?)');
    this.selectAlarm = db.prepare(`${alarms} WHERE id = ?`);
    this.selectOpenAlarm = db.prepare(`${alarms} WHERE cleared_at IS NULL AND kind = ? AND code IS ? AND order_id IS ? ORDER BY id LIMIT 1`);
    this.selectOpenAlarms = db.prepare(`${alarms} WHERE cleared_at IS NULL ORDER BY id`);
    this.clearAlarmStmt = db.prepare('UPDATE alarms SET cleared_at = ?, cleared_by = ? WHERE id = ? AND cleared_at IS NULL');
  }

  // ── business days and order numbers ────────────────────────────────────────────────

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

  /**
   * Hands out the next order number of this terminal's business day, durably and in its
   * own transaction, before anything is built with it: a number handed out is never
   * handed out again, whatever happens next (crash, clock jumping back, the order never
   * being created).
   */
  allocateOrderId(terminalId: string): AllocatedOrderId {
    assertTerminalId(terminalId);
    return this.transaction('allocate an order number', () => {
      const businessDay = this.businessDayFor();
      const seq = this.bumpSequence.get(terminalId, businessDay)!.last;
      if (seq > MAX_SEQ) {
        throw new TillError('SEQUENCE_EXHAUSTED', `terminal ${terminalId} has used all ${MAX_SEQ} order numbers of ${businessDay}`);
      }
      return { merchantTransId: formatMerchantTransId(terminalId, businessDay, seq), businessDay, seq };
    });
  }

  // ── orders ──────────────────────────────────────────────────────────────────────────

  /**
   * Number, body and row in ONE durable commit: a till pays one fsync per sale, not two.
   * `build` (pure: the frozen body) runs inside the transaction, so a body that cannot be
   * built leaves no number used and no row written.
   */
  createNextOrder(terminalId: string, build: (ids: AllocatedOrderId) => Omit<NewOrder, 'merchantTransId' | 'businessDay' | 'seq' | 'terminalId'>, actor: Actor): { order: OrderRecord; created: boolean } {
    return this.transaction('journal a new order', () => {
      const ids = this.allocateOrderId(terminalId);
      return this.createOrder({ ...build(ids), ...ids, terminalId }, actor);
    });
  }

  /** Several journal writes as one: all land or none does (e.g. a transition and its alarm). */
  atomically<T>(what: string, fn: () => T): T {
    return this.transaction(what, fn);
  }


  /**
   * Journals a NEW order with its frozen body and a 'created' event, in one transaction.
   * A cartId already used returns that order with created: false (a double click makes
   * one order), whatever the second request carried.
   */
  createOrder(input: NewOrder, actor: Actor): { order: OrderRecord; created: boolean } {
    checkNewOrder(input);
    assertActor(actor);
    return this.transaction(`journal order ${input.merchantTransId}`, () => {
      if (input.cartId !== null) {
        const existing = this.selectByCart.get(input.cartId);
        if (existing !== undefined) return { order: this.toOrder(existing), created: false };
      }
      if (this.selectClosedDay.get(input.businessDay) !== undefined) {
        throw new TillError('DAY_CLOSED', `business day ${input.businessDay} is already closed: allocate a new order number`, { field: 'businessDay' });
      }
      const at = this.now();
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
            this.references.pack(input.bodyText, at),
          ).lastInsertRowid,
        );
      } catch (error) {
        if (sqliteErrorCode(error) === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new TillError('ORDER_ID_TAKEN', `merchantTransId ${input.merchantTransId} is already journaled: allocate a new order number`, { field: 'merchantTransId', cause: error });
        }
        throw error;
      }
      this.insertEvent.run(id, at, actor, 'created', null, 'NEW', null);
      return { order: this.toOrder(this.selectOrder.get(id)!), created: true };
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
    return this.transaction(`record ${event.kind} of order ${orderId}`, () => {
      const row = this.mustGetRow(orderId);
      if (!allowed.includes(row.state)) return undefined;
      const at = this.now();
      const next = this.writePatch(row, patch, at);
      this.insertEvent.run(orderId, at, event.actor, event.kind, row.state, next.state, detailText(event.detail));
      return this.toOrder(next);
    });
  }

  /**
   * Bookkeeping without an event (nextActionAt, unknownCount, cancelRequested, …). A state
   * change always goes through transition(), so every one of them is in the event log.
   */
  update(orderId: number, patch: OrderPatch): OrderRecord {
    return this.transaction(`update order ${orderId}`, () => {
      const row = this.mustGetRow(orderId);
      if (patch.state !== undefined && patch.state !== row.state) {
        throw new TillError('JOURNAL_MISUSE', `update() cannot change the state of order ${row.merchant_trans_id} (${row.state} → ${patch.state}); use transition()`);
      }
      return this.toOrder(this.writePatch(row, patch, this.now()));
    });
  }

  getOrder(id: number): OrderRecord | undefined {
    const row = this.selectOrder.get(id);
    return row === undefined ? undefined : this.toOrder(row);
  }

  getByTransId(merchantTransId: string): OrderRecord | undefined {
    const row = this.selectByTransId.get(reverseText(merchantTransId));
    return row === undefined ? undefined : this.toOrder(row);
  }

  /** Orders whose merchantTransId ends with `tail` (what a cashier reads off a receipt), newest first. */
  findByTail(tail: string, limit = 20): OrderRecord[] {
    const range = tailRange(tail.trim());
    if (range === undefined) return [];
    return this.selectByTail.all(range.low, range.high, clampLimit(limit)).map(this.toOrder);
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
      statement = this.db.prepare<unknown[], OrderRow>(`SELECT ${ORDER_COLUMNS} FROM ${from} ${key === '' ? '' : `WHERE ${key} `}ORDER BY id DESC LIMIT ? OFFSET ?`);
      this.listStatements.set(key, statement);
    }
    return statement.all(...params, clampLimit(query.limit ?? 50), Math.max(0, Math.trunc(query.offset ?? 0))).map(this.toOrder);
  }

  /** Every order whose outcome is not final, oldest first: what recovery carries on. */
  unresolved(): OrderRecord[] {
    return this.selectUnresolved.all().map(this.toOrder);
  }

  countUnresolved(): number {
    return this.countUnresolvedStmt.get()!.n;
  }

  // ── events and attempts ─────────────────────────────────────────────────────────────

  /** An event that changes no state (cancel requested, outcome unknown, a step's error…). */
  appendEvent(orderId: number | null, actor: Actor, kind: string, detail?: Record<string, unknown>): EventRecord {
    assertActor(actor);
    assertKind(kind);
    return this.transaction(`record event ${kind}`, () => {
      const id = this.insertEvent.run(orderId, this.now(), actor, kind, null, null, detailText(detail)).lastInsertRowid;
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
    this.transaction(`record a ${attempt.api} attempt of order ${orderId}`, () => {
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

  // ── refunds ─────────────────────────────────────────────────────────────────────────

  /**
   * Journals a PENDING refund before it is sent. Only a PAID order can be refunded, and
   * only up to what is left: paid − refunded − refunds still pending. The same
   * merchantRefundId with the same order, amount and body returns the journaled refund
   * (a retry); with anything else it is refused.
   */
  createRefund(input: NewRefund): RefundRecord {
    assertActor(input.actor);
    if (typeof input.merchantRefundId !== 'string' || input.merchantRefundId.length > 64 || !MERCHANT_ID_PATTERN.test(input.merchantRefundId)) {
      throw new TillError('FIELD_INVALID', 'merchantRefundId must be 1 to 64 letters, digits or _ . : -', { field: 'merchantRefundId' });
    }
    assertAmountMinor(input.amountMinor, 'refund amount');
    if (typeof input.bodyText !== 'string' || input.bodyText === '') throw new TillError('FIELD_MISSING', 'the refund body is required', { field: 'bodyText' });
    return this.transaction(`journal refund ${input.merchantRefundId}`, () => {
      const existing = this.selectRefundByMerchantId.get(input.merchantRefundId);
      if (existing !== undefined) {
        if (existing.order_id === input.orderId && existing.amount_minor === input.amountMinor && existing.currency === input.currency && existing.body_text === input.bodyText) {
          return toRefund(existing);
        }
        throw new TillError('REFUND_ID_TAKEN', `merchantRefundId ${input.merchantRefundId} is already journaled for another refund`, { field: 'merchantRefundId' });
      }
      const order = this.mustGetRow(input.orderId);
      if (order.state !== 'PAID') {
        const why = order.state === 'REFUNDED' ? 'it has been refunded in full' : `it is ${order.state}, not PAID`;
        throw new TillError('ORDER_NOT_REFUNDABLE', `order ${order.merchant_trans_id} cannot be refunded: ${why}`, { field: 'order' });
      }
      if (input.currency !== order.currency) {
        throw new TillError('REFUND_CURRENCY_MISMATCH', `order ${order.merchant_trans_id} was paid in ${order.currency}, not ${input.currency}`, { field: 'currency' });
      }
      const pending = this.pendingRefundSum.get(order.id)?.pending ?? 0;
      const left = order.amount_minor - order.refunded_minor - pending;
      if (input.amountMinor > left) {
        const m = (v: number) => `${order.currency} ${formatMinor(v, order.currency)}`;
        const parts = [`paid ${m(order.amount_minor)}`, `refunded ${m(order.refunded_minor)}`];
        if (pending > 0) parts.push(`pending ${m(pending)}`);
        throw new TillError(
          'REFUND_TOO_LARGE',
          `a refund of ${m(input.amountMinor)} is more than the ${m(Math.max(0, left))} left to refund on order ${order.merchant_trans_id} (${parts.join(', ')})`,
          { field: 'amount' },
        );
      }
      const at = this.now();
      const id = this.insertRefund.run(
        order.id,
        input.merchantRefundId,
        input.amountMinor,
        input.currency,
        this.businessDayFor(at),
        input.reason,
        at,
        at,
        input.bodyText,
      ).lastInsertRowid;
      this.insertEvent.run(order.id, at, input.actor, 'refund_requested', order.state, order.state, detailText({ refund: input.merchantRefundId, amount: input.amountMinor }));
      return toRefund(this.selectRefund.get(id)!);
    });
  }

  /**
   * Records the gateway's final answer on a pending refund. SUCCEEDED adds the amount to
   * the order's refundedMinor and moves a fully refunded order to REFUNDED. Settling again
   * the same way returns the refund unchanged; the other way is refused.
   */
  settleRefund(refundId: number, outcome: 'SUCCEEDED' | 'FAILED', result: RefundSettlement, actor: Actor): RefundRecord {
    assertActor(actor);
    if (outcome !== 'SUCCEEDED' && outcome !== 'FAILED') throw new TillError('JOURNAL_MISUSE', `a refund settles as SUCCEEDED or FAILED, not ${String(outcome)}`);
    return this.transaction(`settle refund ${refundId}`, () => {
      const refund = this.selectRefund.get(refundId);
      if (refund === undefined) throw new TillError('REFUND_NOT_FOUND', `no refund ${refundId}`, { field: 'refund' });
      if (refund.state !== 'PENDING') {
        if (refund.state === outcome) return toRefund(refund);
        throw new TillError('REFUND_SETTLED', `refund ${refund.merchant_refund_id} already ${refund.state}, cannot become ${outcome}`, { field: 'refund' });
      }
      const at = this.now();
      this.settleRefundStmt.run(outcome, result.refundId ?? null, result.resultCode ?? null, at, refund.id);
      const order = this.mustGetRow(refund.order_id);
      if (outcome === 'SUCCEEDED') {
        const refunded = order.refunded_minor + refund.amount_minor;
        const full = refunded === order.amount_minor;
        const next = this.writePatch(order, { refundedMinor: refunded, ...(full ? { state: 'REFUNDED' as const } : {}) }, at);
        this.insertEvent.run(order.id, at, actor, full ? 'refunded' : 'refund_succeeded', order.state, next.state, detailText({ refund: refund.merchant_refund_id, amount: refund.amount_minor }));
      } else {
        this.insertEvent.run(order.id, at, actor, 'refund_failed', order.state, order.state, detailText({ refund: refund.merchant_refund_id, code: result.resultCode ?? undefined }));
      }
      return toRefund(this.selectRefund.get(refund.id)!);
    });
  }

  pendingRefunds(): RefundRecord[] {
    return this.selectPendingRefunds.all().map(toRefund);
  }

  refunds(orderId: number): RefundRecord[] {
    return this.selectRefundsOfOrder.all(orderId).map(toRefund);
  }

  getRefund(id: number): RefundRecord | undefined {
    const row = this.selectRefund.get(id);
    return row === undefined ? undefined : toRefund(row);
  }

  getRefundByMerchantId(merchantRefundId: string): RefundRecord | undefined {
    const row = this.selectRefundByMerchantId.get(merchantRefundId);
    return row === undefined ? undefined : toRefund(row);
  }

  /** 1 for an order's first refund, 2 for the next…: for merchantRefundIds like `${merchantTransId}R01`. */
  nextRefundSeq(orderId: number): number {
    return this.countRefundsOfOrder.get(orderId)!.n + 1;
  }

  // ── alarms ──────────────────────────────────────────────────────────────────────────

  /** Raises an alarm; an open alarm of the same kind, code and order is returned instead of a second one. */
  raiseAlarm(input: NewAlarm): AlarmRecord {
    const actor = input.actor ?? 'engine';
    assertActor(actor);
    if (!/^[A-Z][A-Z0-9_]{0,63}$/.test(input.kind)) throw new TillError('JOURNAL_MISUSE', `alarm kind ${JSON.stringify(input.kind)} is not an UPPER_CASE name`);
    const code = input.code ?? null;
    const orderId = input.orderId ?? null;
    return this.transaction(`raise a ${input.kind} alarm`, () => {
      const open = this.selectOpenAlarm.get(input.kind, code, orderId);
      if (open !== undefined) return toAlarm(open);
      const at = this.now();
      const id = this.insertAlarm.run(input.kind, code, orderId, input.message, at).lastInsertRowid;
      this.insertEvent.run(orderId, at, actor, 'alarm_raised', null, null, detailText({ alarm: Number(id), kind: input.kind, code: code ?? undefined }));
      return toAlarm(this.selectAlarm.get(id)!);
    });
  }

  /** Clears an open alarm (`by` names who decided: a supervisor's name, or an Actor). Clearing twice is a no-op. */
  clearAlarm(id: number, by: string): AlarmRecord {
    if (typeof by !== 'string' || by.trim() === '') throw new TillError('FIELD_MISSING', 'who clears the alarm is required', { field: 'by' });
    return this.transaction(`clear alarm ${id}`, () => {
      const alarm = this.selectAlarm.get(id);
      if (alarm === undefined) throw new TillError('ALARM_NOT_FOUND', `no alarm ${id}`, { field: 'alarm' });
      if (alarm.cleared_at !== null) return toAlarm(alarm);
      const at = this.now();
      this.clearAlarmStmt.run(at, by, id);
      const actor: Actor = ACTORS.has(by) ? (by as Actor) : 'supervisor';
      this.insertEvent.run(alarm.order_id, at, actor, 'alarm_cleared', null, null, detailText({ alarm: id, by }));
      return toAlarm(this.selectAlarm.get(id)!);
    });
  }

  openAlarms(): AlarmRecord[] {
    return this.selectOpenAlarms.all().map(toAlarm);
  }

  /** Business days that have orders and no Z report yet, oldest first. */
  openDaysWithOrders(): string[] {
    const rows = this.db
      .prepare<[], { day: string }>('SELECT DISTINCT business_day AS day FROM orders WHERE business_day NOT IN (SELECT day FROM business_days) ORDER BY business_day')
      .all();
    return rows.map((r) => r.day);
  }

  /** Whether any order was ever journaled (a till still being installed has none). */
  hasOrders(): boolean {
    return this.db.prepare('SELECT 1 AS one FROM orders LIMIT 1').get() !== undefined;
  }

  // ── close of day ────────────────────────────────────────────────────────────────────

  /**
   * Takes the Z report and closes the day for good. Refused while any order of the day
   * is unresolved or any refund of the day is pending (DAY_UNRESOLVED), for a day already
   * closed (DAY_CLOSED), and for a day that has not begun (DAY_NOT_STARTED: closing it
   * would push every new order past it).
   */
  closeDay(day: string, actor: Actor, trust?: TrustInForce): ZReport {
    assertDay(day);
    assertActor(actor);
    return this.transaction(`close business day ${day}`, () => {
      if (this.selectClosedDay.get(day) !== undefined) throw new TillError('DAY_CLOSED', `business day ${day} is already closed`, { field: 'date' });
      const at = this.now();
      const current = this.businessDayFor(at);
      if (day > current) throw new TillError('DAY_NOT_STARTED', `business day ${day} has not begun (the till is on ${current})`, { field: 'date' });
      const unresolved = this.countUnresolvedOfDay.get(day)!.n;
      const pending = this.pendingRefundsOfDay.all(day).map((r) => r.merchant_refund_id);
      if (unresolved > 0 || pending.length > 0) {
        const parts: string[] = [];
        if (unresolved > 0) {
          const first = this.unresolvedOfDay.all(day).map((r) => r.merchant_trans_id);
          parts.push(`${unresolved} order${unresolved === 1 ? ' is' : 's are'} unresolved (${first.join(', ')}${unresolved > first.length ? ', …' : ''})`);
        }
        if (pending.length > 0) {
          parts.push(`${pending.length} refund${pending.length === 1 ? ' is' : 's are'} pending (${pending.slice(0, 5).join(', ')}${pending.length > 5 ? ', …' : ''})`);
        }
        throw new TillError('DAY_UNRESOLVED', `cannot close ${day}: ${parts.join(' and ')}; resolve them first`, { field: 'date' });
      }
      const report = toZReport(reconcileDay(this.db, day), at, actor, trust);
      this.insertClosedDay.run(day, at, actor, JSON.stringify(report));
      this.insertEvent.run(null, at, actor, 'day_closed', null, null, detailText({ day, orders: report.orderCount }));
      return report;
    });
  }

  /** The Z report stored when the day was closed, or undefined for an open day. */
  getZReport(day: string): ZReport | undefined {
    const row = this.selectClosedDay.get(day);
    return row === undefined ? undefined : (JSON.parse(row.z_report) as ZReport);
  }

  isDayClosed(day: string): boolean {
    return this.selectClosedDay.get(day) !== undefined;
  }

  // ── internals ───────────────────────────────────────────────────────────────────────

  private transaction<T>(what: string, fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (error) {
      throw journalError(error, what);
    }
  }

  private mustGetRow(orderId: number): OrderRow {
    const row = this.selectOrder.get(orderId);
    if (row === undefined) throw new TillError('ORDER_NOT_FOUND', `no order ${orderId}`, { field: 'order' });
    return row;
  }

  /** Writes the patched row and returns it; unlisted fields keep their values. */
  private writePatch(row: OrderRow, patch: OrderPatch, at: number): OrderRow {
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

function assertActor(actor: string): void {
  if (!ACTORS.has(actor)) throw new TillError('JOURNAL_MISUSE', `unknown actor ${JSON.stringify(actor)}`);
}

function assertState(state: string): void {
  if (!(ORDER_STATES as readonly string[]).includes(state)) throw new TillError('JOURNAL_MISUSE', `unknown order state ${JSON.stringify(state)}`);
}

function assertKind(kind: string): void {
  if (typeof kind !== 'string' || kind.length === 0 || kind.length > 64) throw new TillError('JOURNAL_MISUSE', 'an event kind is 1 to 64 characters');
}

/** Compact JSON; undefined fields dropped; null for no detail. */
function detailText(detail: Record<string, unknown> | undefined): string | null {
  if (detail === undefined) return null;
  const text = JSON.stringify(detail);
  return text === '{}' ? null : text;
}

function clampLimit(limit: number): number {
  return Number.isFinite(limit) ? Math.min(MAX_LIST, Math.max(1, Math.trunc(limit))) : 50;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * A poll that says "not paid yet" decides nothing: its row (request id, times, status) is
 * kept, its signed text is not, which keeps a journal of a million orders about half a KB
 * per order smaller. Every answer the till acted on keeps its text for audit.
 */
function stillWaiting(api: string, kind: 'S' | 'F' | 'U', status: string | null): boolean {
  return api === 'payQuery' && kind === 'S' && (status === 'INIT' || status === 'PAYING');
}
