import type { Queryable } from '../db/database';
import { textArray } from '../db/database';
import { ServerError } from '../http/server-error';
import { csvCell } from './csv-cell';
import type { OrderDetail, OrderRow, SearchPage } from '../../preload/contract/store-views';

export type { OrderDetail, OrderRow, SearchPage };

/**
 * A store's orders for its screen (issue 14): search across terminals and days, one
 * order's history, and the day as CSV. Every query is limited to the store's terminals;
 * attempts are shown by result code, never with the gateway's raw answer.
 */

export const SEARCH_PAGE = 50;
const DAY = /^\d{4}-[01]\d-[0-3]\d$/;
const STATES = new Set(['NEW', 'SENDING', 'AWAITING_PAYMENT', 'CANCELLING', 'PAID', 'REFUNDED', 'CANCELLED', 'FAILED']);


const COLUMNS =
  'o.terminal_id, t.name AS terminal_name, o.id::text, o.merchant_trans_id, o.business_day, o.amount_minor::text, o.currency, o.refunded_minor::text, o.state, o.acquirement_id, o.alarm, o.created_at::text';

function toRow(r: Record<string, string | null>): OrderRow {
  return {
    terminal: r.terminal_id!, terminalName: r.terminal_name!, id: Number(r.id), merchantTransId: r.merchant_trans_id!, businessDay: r.business_day!, amountMinor: r.amount_minor!,
    currency: r.currency!, refundedMinor: r.refunded_minor!, state: r.state!, acquirementId: r.acquirement_id ?? null, alarm: r.alarm ?? null, createdAt: Number(r.created_at),
  };
}

async function terminalsOf(db: Queryable, store: string): Promise<string[]> {
  return (await db.query<{ id: string }>('SELECT id FROM terminals WHERE store_id = $1', [store])).map((r) => r.id);
}

export interface SearchQuery {
  /** The merchantTransId, or its last digits (2 or more), or Alipay's transaction id. */
  q?: string;
  state?: string;
  amountMinor?: string;
  terminal?: string;
  from?: string;
  to?: string;
  /** The page after this one: `day:createdAt:terminal:id` of the last row seen. */
  after?: string;
}

/** Larger than any order id: "every id of that instant" in the cursor's bound. */
const EVERY_ID = '9223372036854775807';

/**
 * Newest day first, then newest order first (the business day leads: a till that closed its
 * day early files later sales under the next day). Each of the store's terminals is read
 * through its own index (migration 0005) up to one page, and the pages are merged, so a
 * page costs a few index ranges whatever the store's size, and the cursor is a keyset.
 */
export async function searchOrders(db: Queryable, store: string, query: SearchQuery): Promise<SearchPage> {
  let terminals = await terminalsOf(db, store);
  if (query.terminal !== undefined) terminals = terminals.filter((t) => t === query.terminal);
  const where: string[] = ['o.terminal_id = st.tid'];
  const params: Array<string | number> = [textArray(terminals)];
  const add = (sql: string, ...values: string[]) => {
    const first = params.length + 1;
    params.push(...values);
    where.push(sql.replace(/\$(\d)/g, (_, n: string) => `$${first + Number(n) - 1}`));
  };
  if (query.q) {
    const q = query.q.trim();
    if (!/^[A-Za-z0-9_-]{2,64}$/.test(q)) throw new ServerError(400, 'QUERY_INVALID', 'search by a merchantTransId, its last 2 or more characters, or an Alipay transaction id', 'q');
    add('(reverse(o.merchant_trans_id) LIKE $1 OR o.acquirement_id = $2)', `${[...q].reverse().join('')}%`, q);
  }
  if (query.state) {
    if (!STATES.has(query.state)) throw new ServerError(400, 'STATE_INVALID', `state is one of ${[...STATES].join(', ')}`, 'state');
    add('o.state = $1', query.state);
  }
  if (query.amountMinor) {
    if (!/^\d{1,15}$/.test(query.amountMinor)) throw new ServerError(400, 'AMOUNT_INVALID', 'amount is a whole number of minor units', 'amount');
    add('o.amount_minor = $1::bigint', query.amountMinor);
  }
  for (const [key, op] of [['from', '>='], ['to', '<=']] as const) {
    const day = query[key];
    if (day === undefined) continue;
    if (!DAY.test(day)) throw new ServerError(400, 'DATE_INVALID', `${key} must be a day like 2026-12-04`, key);
    add(`o.business_day ${op} $1`, day);
  }
  if (query.after) {
    const m = /^(\d{4}-\d\d-\d\d):(\d{1,15}):(trm_[0-9a-f]{12}):(\d{1,15})$/.exec(query.after);
    if (!m) throw new ServerError(400, 'CURSOR_INVALID', 'after is the cursor a previous page gave', 'after');
    // (day, createdAt, terminal, id) < the cursor, written per terminal so it is an index
    // range: a terminal before the cursor's keeps that instant's every id, after it none.
    add('(o.business_day, o.created_at, o.id) < ($1, $2::bigint, CASE WHEN st.tid < $3 THEN $5::bigint WHEN st.tid = $3 THEN $4::bigint ELSE 0 END)', m[1]!, m[2]!, m[3]!, m[4]!, EVERY_ID);
  }
  const order = 'o.business_day DESC, o.created_at DESC';
  const rows = await db.query<Record<string, string | null>>(
    `SELECT ${COLUMNS} FROM unnest($1::text[]) AS st(tid)
       CROSS JOIN LATERAL (SELECT * FROM orders o WHERE ${where.join(' AND ')} ORDER BY ${order}, o.id DESC LIMIT ${SEARCH_PAGE + 1}) o
       JOIN terminals t ON t.id = o.terminal_id
     ORDER BY ${order}, o.terminal_id DESC, o.id DESC LIMIT ${SEARCH_PAGE + 1}`,
    params,
  );
  const orders = rows.slice(0, SEARCH_PAGE).map(toRow);
  const last = orders.at(-1);
  return { orders, next: rows.length > SEARCH_PAGE && last ? `${last.businessDay}:${last.createdAt}:${last.terminal}:${last.id}` : null };
}

/** One order with its history, its gateway exchanges (result codes only) and its refunds. */
export async function orderDetail(db: Queryable, store: string, terminal: string, id: string): Promise<OrderDetail> {
  if (!/^\d{1,15}$/.test(id)) throw new ServerError(404, 'ORDER_NOT_FOUND', 'no such order');
  const rows = await db.query<Record<string, string | null>>(`SELECT ${COLUMNS} FROM orders o JOIN terminals t ON t.id = o.terminal_id WHERE t.store_id = $1 AND o.terminal_id = $2 AND o.id = $3::bigint`, [store, terminal, id]);
  if (rows.length === 0) throw new ServerError(404, 'ORDER_NOT_FOUND', 'no such order in this store');
  const args = [terminal, id];
  return {
    order: toRow(rows[0]!),
    events: await db.query<OrderDetail['events'][number]>('SELECT at::text, actor, kind, from_state, to_state FROM events WHERE terminal_id = $1 AND order_id = $2::bigint ORDER BY id', args),
    attempts: await db.query<OrderDetail['attempts'][number]>('SELECT api, sent_at::text, outcome, result_code, status, unknown_reason, repeats FROM attempts WHERE terminal_id = $1 AND order_id = $2::bigint ORDER BY id', args),
    refunds: await db.query<OrderDetail['refunds'][number]>('SELECT merchant_refund_id, amount_minor::text, currency, state, result_code, created_at::text FROM refunds WHERE terminal_id = $1 AND order_id = $2::bigint ORDER BY id', args),
  };
}

/** The store's day, one line per order, the terminal's column added. */
export async function dayCsv(db: Queryable, store: string, day: string): Promise<string> {
  if (!DAY.test(day)) throw new ServerError(400, 'DATE_INVALID', 'date must be a day like 2026-12-04', 'date');
  const rows = await db.query<Record<string, string | null>>(
    `SELECT ${COLUMNS} FROM orders o JOIN terminals t ON t.id = o.terminal_id WHERE t.store_id = $1 AND o.business_day = $2 ORDER BY t.name, o.id`,
    [store, day],
  );
  const lines = ['terminal,merchant_trans_id,state,currency,amount_minor,refunded_minor,acquirement_id,alarm,created_at'];
  for (const r of rows) lines.push([r.terminal_name, r.merchant_trans_id, r.state, r.currency, r.amount_minor, r.refunded_minor, r.acquirement_id, r.alarm, new Date(Number(r.created_at)).toISOString()].map(csvCell).join(','));
  return `${lines.join('\n')}\n`;
}
