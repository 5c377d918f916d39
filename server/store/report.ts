import { isoMinorUnits } from '../../preload/contract/minor-units';
import type { CurrencyLine, ReportException, StoreReport, TerminalReport, Totals } from '../../preload/contract/store-views';

export type { CurrencyLine, ReportException, StoreReport, TerminalReport, Totals };
import { textArray, type Queryable } from '../db/database';
import { ServerError } from '../http/server-error';
import { checkStoreId } from './enrolment';

/**
 * The store's day (`till server report`): per terminal and for the store, per currency,
 * recomputed from the orders and refunds the terminals sent (never from a total a terminal
 * claims): their sums are kept per day, terminal, currency and state as each batch lands
 * (day-totals.ts), so a day of 100,000 orders is a few dozen rows to read. The figures
 * follow the till's own reconciliation (main/journal/reconcile.ts):
 * paid = orders of the day now PAID or REFUNDED at their full amount; refunded = refunds
 * journaled that day that succeeded; net = paid − refunded; so the store's numbers equal
 * the sum of every terminal's `till reconcile` once each has sent its changes. Sums are
 * read as text and added as BigInt: no amount passes through floating point.
 */






/** A terminal that has not synced for this long is called out, even with nothing pending (three missed heartbeats, main/sync/store-sync.ts). */
export const STALE_AFTER_MS = 15 * 60_000;
const DAY = /^\d{4}-[01]\d-[0-3]\d$/;
const UNRESOLVED = `('NEW', 'SENDING', 'AWAITING_PAYMENT', 'CANCELLING')`;

const zero = (): Totals => ({ count: 0, amountMinor: '0' });
const emptyLine = (currency: string): CurrencyLine => ({ currency, paid: zero(), refunded: zero(), cancelled: zero(), failed: zero(), unresolved: zero(), netMinor: '0' });

function add(into: Totals, count: number, amount: string | bigint): void {
  into.count += count;
  into.amountMinor = (BigInt(into.amountMinor) + BigInt(amount)).toString();
}

function bucket(line: CurrencyLine, state: string): Totals {
  if (state === 'PAID' || state === 'REFUNDED') return line.paid;
  if (state === 'CANCELLED') return line.cancelled;
  if (state === 'FAILED') return line.failed;
  return line.unresolved;
}

function ago(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 90) return `${minutes} min ago`;
  return `${Math.round(minutes / 60)} h ago`;
}

function staleness(t: { name: string; lastSyncAt: number | null; backlog: number; revoked: boolean }, now: number, staleAfterMs: number): string | null {
  if (t.lastSyncAt === null) return `${t.name} has never synced: its figures are missing`;
  const since = now - t.lastSyncAt;
  if (t.backlog > 0) return `${t.name} last synced ${ago(since)} and still holds ${t.backlog} change${t.backlog === 1 ? '' : 's'}: its figures may be incomplete`;
  if (since > staleAfterMs && !t.revoked) return `${t.name} last synced ${ago(since)}: its figures may be incomplete`;
  return null;
}

function money(amountMinor: string | number, currency: string): string {
  const digits = isoMinorUnits(currency) ?? 2;
  const n = BigInt(amountMinor);
  const sign = n < 0n ? '-' : '';
  const abs = (n < 0n ? -n : n).toString().padStart(digits + 1, '0');
  return `${currency} ${sign}${digits === 0 ? abs : `${abs.slice(0, -digits)}.${abs.slice(-digits)}`}`;
}

export async function storeReport(db: Queryable, input: { store: string; date: string; now: number; staleAfterMs?: number }): Promise<StoreReport> {
  const store = checkStoreId(input.store);
  if (!DAY.test(input.date)) throw new ServerError(400, 'DATE_INVALID', `date must be a day like 2026-12-04, got ${JSON.stringify(input.date.slice(0, 20))}`, 'date');
  const terminals = await db.query<{ id: string; name: string; till_terminal: string | null; revoked_at: string | null; last_sync_at: string | null; backlog: number }>(
    'SELECT id, name, till_terminal, revoked_at::text, last_sync_at::text, backlog FROM terminals WHERE store_id = $1 ORDER BY enrolled_at, id',
    [store],
  );
  const byTerminal = new Map<string, TerminalReport>();
  for (const t of terminals) {
    const report: TerminalReport = { id: t.id, name: t.name, tillTerminal: t.till_terminal, revoked: t.revoked_at !== null, lastSyncAt: t.last_sync_at === null ? null : Number(t.last_sync_at), backlog: t.backlog, stale: null, orderCount: 0, currencies: [] };
    report.stale = staleness(report, input.now, input.staleAfterMs ?? STALE_AFTER_MS);
    byTerminal.set(t.id, report);
  }
  const line = (t: TerminalReport, currency: string) => {
    let l = t.currencies.find((c) => c.currency === currency);
    if (!l) t.currencies.push((l = emptyLine(currency)));
    return l;
  };
  const ids = [...byTerminal.keys()];
  const orderSums = await db.query<{ terminal_id: string; currency: string; state: string; n: number; amount: string }>(
    // The server's own running sums of the orders it holds (day-totals.ts), not a scan of the day.
    "SELECT terminal_id, currency, state, n::int AS n, amount::text AS amount FROM day_totals " +
      "WHERE business_day = $1 AND kind = 'order' AND n <> 0 AND terminal_id = ANY($2::text[])",
    [input.date, textArray(ids)],
  );
  for (const r of orderSums) {
    const t = byTerminal.get(r.terminal_id)!;
    t.orderCount += r.n;
    add(bucket(line(t, r.currency), r.state), r.n, r.amount);
  }
  const refundSums = await db.query<{ terminal_id: string; currency: string; n: number; amount: string }>(
    "SELECT terminal_id, currency, n::int AS n, amount::text AS amount FROM day_totals WHERE business_day = $1 AND kind = 'refund' AND state = 'SUCCEEDED' AND n <> 0 AND terminal_id = ANY($2::text[])",
    [input.date, textArray(ids)],
  );
  for (const r of refundSums) add(line(byTerminal.get(r.terminal_id)!, r.currency).refunded, r.n, r.amount);

  const storeLines = new Map<string, CurrencyLine>();
  for (const t of byTerminal.values()) {
    t.currencies.sort((a, b) => (a.currency < b.currency ? -1 : 1));
    for (const l of t.currencies) {
      l.netMinor = (BigInt(l.paid.amountMinor) - BigInt(l.refunded.amountMinor)).toString();
      let s = storeLines.get(l.currency);
      if (!s) storeLines.set(l.currency, (s = emptyLine(l.currency)));
      for (const k of ['paid', 'refunded', 'cancelled', 'failed', 'unresolved'] as const) add(s[k], l[k].count, l[k].amountMinor);
      s.netMinor = (BigInt(s.netMinor) + BigInt(l.netMinor)).toString();
    }
  }
  return {
    store,
    date: input.date,
    generatedAt: input.now,
    terminals: [...byTerminal.values()],
    currencies: [...storeLines.values()].sort((a, b) => (a.currency < b.currency ? -1 : 1)),
    exceptions: await exceptions(db, byTerminal, input.date, ids),
  };
}

async function exceptions(db: Queryable, terminals: Map<string, TerminalReport>, date: string, ids: string[]): Promise<ReportException[]> {
  const list = textArray(ids);
  const name = (id: string) => terminals.get(id)?.name ?? id;
  const out: ReportException[] = [];
  const unresolved = await db.query<{ terminal_id: string; id: string; merchant_trans_id: string; state: string; amount_minor: string; currency: string }>(
    `SELECT terminal_id, id::text, merchant_trans_id, state, amount_minor::text, currency FROM orders WHERE business_day = $1 AND terminal_id = ANY($2::text[]) AND state IN ${UNRESOLVED} ORDER BY terminal_id, id`,
    [date, list],
  );
  for (const o of unresolved) out.push({ terminal: name(o.terminal_id), terminalId: o.terminal_id, orderId: Number(o.id), kind: 'UNRESOLVED', merchantTransId: o.merchant_trans_id, code: o.state, message: `order ${o.merchant_trans_id} (${money(o.amount_minor, o.currency)}) is still ${o.state}: its outcome is not known yet` });
  const marked = await db.query<{ terminal_id: string; id: string; merchant_trans_id: string; state: string; alarm: string; result_message: string | null }>(
    'SELECT terminal_id, id::text, merchant_trans_id, state, alarm, result_message FROM orders WHERE business_day = $1 AND terminal_id = ANY($2::text[]) AND alarm IS NOT NULL ORDER BY terminal_id, id',
    [date, list],
  );
  const seen = new Set<string>();
  for (const o of marked) {
    seen.add(`${o.terminal_id}:${o.id}:${o.alarm}`);
    const why = o.alarm === 'SETTLED_BY_HAND' && o.result_message ? `: ${o.result_message}` : '';
    out.push({ terminal: name(o.terminal_id), terminalId: o.terminal_id, orderId: Number(o.id), kind: 'ORDER_ALARM', merchantTransId: o.merchant_trans_id, code: o.alarm, message: `order ${o.merchant_trans_id} (${o.state}) is marked ${o.alarm}${why}` });
  }
  const pending = await db.query<{ terminal_id: string; order_id: string; merchant_refund_id: string; merchant_trans_id: string | null; amount_minor: string; currency: string }>(
    "SELECT r.terminal_id, r.order_id::text, r.merchant_refund_id, o.merchant_trans_id, r.amount_minor::text, r.currency FROM refunds r LEFT JOIN orders o ON o.terminal_id = r.terminal_id AND o.id = r.order_id " +
      "WHERE r.business_day = $1 AND r.terminal_id = ANY($2::text[]) AND r.state = 'PENDING' ORDER BY r.terminal_id, r.id",
    [date, list],
  );
  for (const r of pending) out.push({ terminal: name(r.terminal_id), terminalId: r.terminal_id, orderId: Number(r.order_id), kind: 'PENDING_REFUND', merchantTransId: r.merchant_trans_id, code: r.merchant_refund_id, message: `refund ${r.merchant_refund_id} of order ${r.merchant_trans_id ?? '?'} (${money(r.amount_minor, r.currency)}) is not settled yet` });
  const alarms = await db.query<{ terminal_id: string; kind: string; code: string | null; order_id: string | null; message: string; merchant_trans_id: string | null }>(
    'SELECT a.terminal_id, a.kind, a.code, a.order_id::text, a.message, o.merchant_trans_id FROM alarms a LEFT JOIN orders o ON o.terminal_id = a.terminal_id AND o.id = a.order_id ' +
      'WHERE a.terminal_id = ANY($2::text[]) AND a.cleared_at IS NULL AND (a.order_id IS NULL OR o.business_day = $1) ORDER BY a.terminal_id, a.id',
    [date, list],
  );
  for (const a of alarms) {
    if (a.order_id !== null && seen.has(`${a.terminal_id}:${a.order_id}:${a.kind}`)) continue;
    out.push({ terminal: name(a.terminal_id), terminalId: a.terminal_id, orderId: a.order_id === null ? null : Number(a.order_id), kind: 'OPEN_ALARM', merchantTransId: a.merchant_trans_id, code: a.code ?? a.kind, message: `${a.kind} alarm: ${a.message}` });
  }
  return out;
}
