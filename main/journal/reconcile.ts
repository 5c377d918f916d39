import type { SqliteDatabase, SqliteStatement } from '../../native/sqlite';
import { formatMinor } from '../alipay/currency';
import { TillError } from '../errors';
import { isDay } from './business-day';
import type { AlarmKind, OrderState } from './types';

/**
 * Reconciliation of one business day, per currency. Every sum is SQL `sum()` over INTEGER
 * minor units read back as BigInt, so no amount passes through floating point; `sum()`
 * (unlike `total()`) raises on overflow instead of rounding.
 */

export interface Totals {
  count: number;
  amountMinor: number;
}

export interface CurrencyTotals {
  currency: string;
  /** Orders of the day that were paid (PAID or REFUNDED now), at their full amount. */
  paid: Totals;
  /** Refunds journaled on this day that succeeded (of any day's orders). */
  refunded: Totals;
  /** paid − refunded. Negative when the day's refunds exceed its sales. */
  netMinor: number;
  cancelled: Totals;
  failed: Totals;
  /** Still NEW, SENDING, AWAITING_PAYMENT or CANCELLING: the day cannot be closed. */
  unresolved: Totals;
}

export type DayExceptionKind =
  /** An order whose outcome is not known yet. */
  | 'UNRESOLVED'
  /** An order marked with an alarm (PAID_AFTER_CANCEL, AMOUNT_MISMATCH, …); the mark stays after the alarm is cleared. */
  | 'ORDER_ALARM'
  /** A refund of this day not yet settled. */
  | 'PENDING_REFUND'
  /** An open alarm not tied to an order (CONFIG, …) or tied to an order of this day. */
  | 'OPEN_ALARM';

export interface DayException {
  kind: DayExceptionKind;
  orderId: number | null;
  merchantTransId: string | null;
  /** The alarm kind or result code concerned, when there is one. */
  code: string | null;
  message: string;
}

export interface DayReport {
  day: string;
  closed: boolean;
  closedAt: number | null;
  /** Every order journaled on the day, whatever its state. */
  orderCount: number;
  /** One entry per currency that had an order or a refund on the day, sorted by code. */
  currencies: CurrencyTotals[];
  exceptions: DayException[];
}

export type JournalSource = SqliteDatabase | { readonly db: SqliteDatabase };

const UNRESOLVED_SQL = `('NEW', 'SENDING', 'AWAITING_PAYMENT', 'CANCELLING')`;

interface SumRow {
  currency: string;
  state: string;
  n: bigint;
  amount: bigint;
}

interface Statements {
  orderSums: SqliteStatement<[string], SumRow>;
  refundSums: SqliteStatement<[string], SumRow>;
  unresolved: SqliteStatement<[string], { id: number; merchant_trans_id: string; state: OrderState; amount_minor: number; currency: string }>;
  orderAlarms: SqliteStatement<[string], { id: number; merchant_trans_id: string; state: OrderState; alarm: string; result_message: string | null }>;
  pendingRefunds: SqliteStatement<
    [string],
    { merchant_refund_id: string; order_id: number; merchant_trans_id: string; amount_minor: number; currency: string }
  >;
  openAlarms: SqliteStatement<[string], { id: number; kind: AlarmKind; code: string | null; order_id: number | null; message: string; merchant_trans_id: string | null }>;
  closed: SqliteStatement<[string], { closed_at: number }>;
}

const cache = new WeakMap<SqliteDatabase, Statements>();

function statements(db: SqliteDatabase): Statements {
  let s = cache.get(db);
  if (s === undefined) {
    s = {
      // One range scan of the covering index orders_day: no table row is read.
      orderSums: db
        .prepare(
          'SELECT currency, state, count(*) AS n, sum(amount_minor) AS amount FROM orders INDEXED BY orders_day ' +
            'WHERE business_day = ? GROUP BY state, currency',
        )
        .safeIntegers(true) as SqliteStatement<[string], SumRow>,
      refundSums: db
        .prepare(
          "SELECT currency, state, count(*) AS n, sum(amount_minor) AS amount FROM refunds INDEXED BY refunds_day " +
            "WHERE business_day = ? AND state = 'SUCCEEDED' GROUP BY currency",
        )
        .safeIntegers(true) as SqliteStatement<[string], SumRow>,
      unresolved: db.prepare(
        `SELECT id, merchant_trans_id, state, amount_minor, currency FROM orders INDEXED BY orders_unresolved ` +
          `WHERE business_day = ? AND state IN ${UNRESOLVED_SQL} ORDER BY id`,
      ),
      orderAlarms: db.prepare(
        'SELECT id, merchant_trans_id, state, alarm, result_message FROM orders INDEXED BY orders_alarm WHERE business_day = ? AND alarm IS NOT NULL ORDER BY id',
      ),
      pendingRefunds: db.prepare(
        'SELECT r.merchant_refund_id, r.order_id, o.merchant_trans_id, r.amount_minor, r.currency ' +
          "FROM refunds AS r JOIN orders AS o ON o.id = r.order_id WHERE r.business_day = ? AND r.state = 'PENDING' ORDER BY r.id",
      ),
      openAlarms: db.prepare(
        'SELECT a.id, a.kind, a.code, a.order_id, a.message, o.merchant_trans_id FROM alarms AS a LEFT JOIN orders AS o ON o.id = a.order_id ' +
          'WHERE a.cleared_at IS NULL AND (a.order_id IS NULL OR o.business_day = ?) ORDER BY a.id',
      ),
      closed: db.prepare('SELECT closed_at FROM business_days WHERE day = ?'),
    };
    cache.set(db, s);
  }
  return s;
}

export function sourceDb(source: JournalSource): SqliteDatabase {
  return 'db' in source && typeof (source as { db?: unknown }).db === 'object' ? (source as { db: SqliteDatabase }).db : (source as SqliteDatabase);
}

export function assertDay(day: string): void {
  if (!isDay(day)) throw new TillError('DAY_INVALID', `business day must be a date like 2025-03-14, got ${JSON.stringify(day.slice(0, 20))}`, { field: 'date' });
}

function exact(value: bigint | null, what: string): number {
  const n = value ?? 0n;
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new TillError('AMOUNT_OVERFLOW', `${what} (${n} minor units) is beyond what the till can carry exactly`);
  }
  return Number(n);
}

function money(amountMinor: number, currency: string): string {
  return `${currency} ${formatMinor(amountMinor, currency)}`;
}

export function reconcileDay(source: JournalSource, day: string): DayReport {
  assertDay(day);
  const s = statements(sourceDb(source));
  const byCurrency = new Map<string, CurrencyTotals>();
  const totalsFor = (currency: string): CurrencyTotals => {
    let t = byCurrency.get(currency);
    if (t === undefined) {
      const zero = (): Totals => ({ count: 0, amountMinor: 0 });
      t = { currency, paid: zero(), refunded: zero(), netMinor: 0, cancelled: zero(), failed: zero(), unresolved: zero() };
      byCurrency.set(currency, t);
    }
    return t;
  };
  const add = (into: Totals, row: SumRow) => {
    into.count += exact(row.n, 'count');
    into.amountMinor = exact(BigInt(into.amountMinor) + row.amount, `${row.currency} ${row.state} total of ${day}`);
  };

  let orderCount = 0;
  for (const row of s.orderSums.all(day)) {
    orderCount += exact(row.n, 'count');
    const t = totalsFor(row.currency);
    switch (row.state as OrderState) {
      case 'PAID':
      case 'REFUNDED':
        add(t.paid, row);
        break;
      case 'CANCELLED':
        add(t.cancelled, row);
        break;
      case 'FAILED':
        add(t.failed, row);
        break;
      default:
        add(t.unresolved, row);
    }
  }
  for (const row of s.refundSums.all(day)) add(totalsFor(row.currency).refunded, row);
  for (const t of byCurrency.values()) t.netMinor = exact(BigInt(t.paid.amountMinor) - BigInt(t.refunded.amountMinor), `${t.currency} net of ${day}`);

  const closedRow = s.closed.get(day);
  return {
    day,
    closed: closedRow !== undefined,
    closedAt: closedRow?.closed_at ?? null,
    orderCount,
    currencies: [...byCurrency.values()].sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0)),
    exceptions: dayExceptions(s, day),
  };
}

function dayExceptions(s: Statements, day: string): DayException[] {
  const out: DayException[] = [];
  for (const o of s.unresolved.all(day)) {
    out.push({
      kind: 'UNRESOLVED',
      orderId: o.id,
      merchantTransId: o.merchant_trans_id,
      code: o.state,
      message: `order ${o.merchant_trans_id} (${money(o.amount_minor, o.currency)}) is still ${o.state}: its outcome is not known yet`,
    });
  }
  const marked = new Set<string>();
  for (const o of s.orderAlarms.all(day)) {
    marked.add(`${o.id}:${o.alarm}`);
    // Settled by hand: the message carries who decided and why (written when it was settled).
    const why = o.alarm === 'SETTLED_BY_HAND' && o.result_message ? `: ${o.result_message}` : '';
    out.push({ kind: 'ORDER_ALARM', orderId: o.id, merchantTransId: o.merchant_trans_id, code: o.alarm, message: `order ${o.merchant_trans_id} (${o.state}) is marked ${o.alarm}${why}` });
  }
  for (const r of s.pendingRefunds.all(day)) {
    out.push({
      kind: 'PENDING_REFUND',
      orderId: r.order_id,
      merchantTransId: r.merchant_trans_id,
      code: r.merchant_refund_id,
      message: `refund ${r.merchant_refund_id} of order ${r.merchant_trans_id} (${money(r.amount_minor, r.currency)}) is not settled yet`,
    });
  }
  for (const a of s.openAlarms.all(day)) {
    if (a.order_id !== null && marked.has(`${a.order_id}:${a.kind}`)) continue;
    out.push({ kind: 'OPEN_ALARM', orderId: a.order_id, merchantTransId: a.merchant_trans_id, code: a.code ?? a.kind, message: `${a.kind} alarm: ${a.message}` });
  }
  return out;
}
