import assert from 'node:assert/strict';
import type { Queryable } from '../../server/db/database';

/** The server's running sums (day_totals) equal the orders and refunds it holds, summed afresh. */
export async function assertDayTotalsMatchRows(db: Queryable): Promise<void> {
  const kept = await db.query<Record<string, string>>(
    "SELECT business_day, terminal_id, kind, currency, state, n::text, amount::text FROM day_totals WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5",
  );
  const fresh = await db.query<Record<string, string>>(
    "SELECT * FROM (SELECT business_day, terminal_id, 'order' AS kind, currency, state, count(*)::text AS n, sum(amount_minor)::text AS amount FROM orders GROUP BY 1, 2, 4, 5 " +
      "UNION ALL SELECT business_day, terminal_id, 'refund', currency, state, count(*)::text, sum(amount_minor)::text FROM refunds GROUP BY 1, 2, 4, 5) s ORDER BY 1, 2, 3, 4, 5",
  );
  assert.deepEqual(kept, fresh, 'day_totals and the rows disagree');
}
