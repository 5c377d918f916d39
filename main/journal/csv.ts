import type { SqliteDatabase, SqliteStatement } from '../../native/sqlite';
import { formatMinor } from '../alipay/currency';
import { assertDay, sourceDb, type JournalSource } from './reconcile';

/**
 * The day's orders as CSV (RFC 4180: comma separated, CRLF line ends, fields with a comma,
 * quote or line break quoted and their quotes doubled), one order per line, oldest first.
 *
 * A cell that a spreadsheet would run as a formula (starting with = + - @, tab or CR) is
 * prefixed with an apostrophe, so a title typed at the till cannot become a formula on
 * the supervisor's computer.
 */

/** The header line, in order. Amounts are integer minor units unless the name says otherwise. */
export const DAY_CSV_COLUMNS = [
  /** yyyy-MM-dd, the till's business day. */
  'business_day',
  /** The till's order number (terminal id + yyyyMMdd + 6-digit sequence). */
  'merchant_trans_id',
  /** When the order was journaled, ISO 8601 UTC. */
  'created_at',
  /** NEW, SENDING, AWAITING_PAYMENT, CANCELLING, PAID, REFUNDED, CANCELLED or FAILED. */
  'state',
  /** ISO 4217 code. */
  'currency',
  /** The order amount in minor units (cents, yen, fils). */
  'amount_minor',
  /** The same amount as a decimal in major units, e.g. 2.39 (for reading; sum amount_minor). */
  'amount',
  /** How much of it has been refunded so far, in minor units. */
  'refunded_minor',
  /** Alipay's transaction id, once known. */
  'acquirement_id',
  /** The gateway's last result code kept on the order (or the gateway's status for a closed order). */
  'result_code',
  /** The payment time the gateway reported (RFC 3339, as received). */
  'paid_at',
  /** An alarm the order is marked with (PAID_AFTER_CANCEL, AMOUNT_MISMATCH, …). */
  'alarm',
] as const;

interface CsvRow {
  business_day: string;
  merchant_trans_id: string;
  created_at: number;
  state: string;
  currency: string;
  amount_minor: number;
  refunded_minor: number;
  acquirement_id: string | null;
  result_code: string | null;
  paid_at: string | null;
  alarm: string | null;
}

const cache = new WeakMap<SqliteDatabase, SqliteStatement<[string], CsvRow>>();

export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  // Numbers are the journal's own integers; only text can carry a formula.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(cells: ReadonlyArray<string | number | null>): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function dayCsv(source: JournalSource, day: string): string {
  assertDay(day);
  const db = sourceDb(source);
  let select = cache.get(db);
  if (select === undefined) {
    select = db.prepare(
      'SELECT business_day, merchant_trans_id, created_at, state, currency, amount_minor, refunded_minor, acquirement_id, result_code, paid_at, alarm ' +
        'FROM orders WHERE business_day = ? ORDER BY id',
    );
    cache.set(db, select);
  }
  let out = csvLine(DAY_CSV_COLUMNS);
  for (const r of select.iterate(day)) {
    out += csvLine([
      r.business_day,
      r.merchant_trans_id,
      new Date(r.created_at).toISOString(),
      r.state,
      r.currency,
      r.amount_minor,
      formatMinor(r.amount_minor, r.currency),
      r.refunded_minor,
      r.acquirement_id,
      r.result_code,
      r.paid_at,
      r.alarm,
    ]);
  }
  return out;
}
