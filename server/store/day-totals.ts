import type { Queryable } from '../db/database';
import { textArray } from '../db/database';
import type { Change } from '../protocol/sync-protocol';

/**
 * Keeps day_totals (migration 0003) equal to the sums of the orders and refunds the server
 * holds: inside ingest's transaction, the rows a batch is about to change are read first,
 * and their old (day, currency, state, amount) is taken off while the new one is added.
 * An order's day, currency and amount are frozen on the till, so only its state moves.
 */

interface Counted {
  business_day: string;
  currency: string;
  state: string;
  amount: string;
}

type Delta = Map<string, { day: string; kind: 'order' | 'refund'; currency: string; state: string; n: number; amount: bigint }>;

function add(delta: Delta, kind: 'order' | 'refund', row: Counted, sign: 1 | -1): void {
  const key = `${row.business_day}\u0000${kind}\u0000${row.currency}\u0000${row.state}`;
  const d = delta.get(key) ?? { day: row.business_day, kind, currency: row.currency, state: row.state, n: 0, amount: 0n };
  d.n += sign;
  d.amount += BigInt(row.amount) * BigInt(sign);
  delta.set(key, d);
}

/** Reads what the batch's orders and refunds are now; call before they are upserted. */
export async function totalsBefore(tx: Queryable, terminal: string, rows: { orders: readonly Change['data'][]; refunds: readonly Change['data'][] }): Promise<Delta> {
  const delta: Delta = new Map();
  for (const [kind, table, list] of [['order', 'orders', rows.orders], ['refund', 'refunds', rows.refunds]] as const) {
    if (list.length === 0) continue;
    const ids = list.map((d) => String((d as { id: number }).id));
    const old = await tx.query<Counted & { id: string }>(`SELECT id::text, business_day, currency, state, amount_minor::text AS amount FROM ${table} WHERE terminal_id = $1 AND id = ANY($2::bigint[])`, [terminal, textArray(ids)]);
    const held = new Map(old.map((row) => [row.id, row]));
    for (const row of old) add(delta, kind, row, -1);
    for (const d of list as unknown as Array<{ id: number; businessDay: string; currency: string; state: string; amountMinor: number }>) {
      // A row already held keeps its day, currency and amount (the upsert changes only its state).
      const was = held.get(String(d.id));
      add(delta, kind, { business_day: was?.business_day ?? d.businessDay, currency: was?.currency ?? d.currency, state: d.state, amount: was?.amount ?? String(d.amountMinor) }, 1);
    }
  }
  return delta;
}

export async function applyTotals(tx: Queryable, terminal: string, delta: Delta): Promise<void> {
  const rows = [...delta.values()].filter((d) => d.n !== 0 || d.amount !== 0n).map((d) => ({ day: d.day, kind: d.kind, currency: d.currency, state: d.state, n: d.n, amount: d.amount.toString() }));
  if (rows.length === 0) return;
  await tx.query(
    'INSERT INTO day_totals (business_day, terminal_id, kind, currency, state, n, amount) ' +
      'SELECT r.day, $1, r.kind, r.currency, r.state, r.n, r.amount::bigint FROM json_to_recordset($2::json) AS r(day text, kind text, currency text, state text, n bigint, amount text) ' +
      'ON CONFLICT (business_day, terminal_id, kind, currency, state) DO UPDATE SET n = day_totals.n + excluded.n, amount = day_totals.amount + excluded.amount',
    [terminal, JSON.stringify(rows)],
  );
}

/** Everything summed again from the rows (after a bulk load that bypassed ingest, or to check). */
export async function rebuildDayTotals(tx: Queryable): Promise<void> {
  await tx.query('DELETE FROM day_totals');
  await tx.query("INSERT INTO day_totals (business_day, terminal_id, kind, currency, state, n, amount) SELECT business_day, terminal_id, 'order', currency, state, count(*), sum(amount_minor) FROM orders GROUP BY business_day, terminal_id, currency, state");
  await tx.query("INSERT INTO day_totals (business_day, terminal_id, kind, currency, state, n, amount) SELECT business_day, terminal_id, 'refund', currency, state, count(*), sum(amount_minor) FROM refunds GROUP BY business_day, terminal_id, currency, state");
}
