import type { Database, Queryable } from '../db/database';
import { ServerError } from '../http/server-error';
import { audit } from '../accounts/users';
import { checkStoreId } from './enrolment';
import { storeReport } from './report';
import type { HoldingUp, StoreDayClose, StoreReport, StoreZ } from '../../preload/contract/store-views';

export type { HoldingUp, StoreDayClose, StoreZ };

/**
 * "Store day closed" (issue 14 §5, docs/store-server.md): a store's day may be closed only
 * when every terminal of the store has closed that day on the till (its Z report) and has
 * sent everything it holds. A terminal's changes arrive in order, so its day close having
 * arrived means all it journaled before the close has too; a backlog of 0 at its last
 * contact covers what came after (a late answer settling an order of that day). Revoked
 * terminals, and terminals enrolled after the day ended, do not hold it up. The store's Z
 * report is the day report frozen at the moment of closing, kept with who closed it.
 */




const DAY = /^\d{4}-[01]\d-[0-3]\d$/;
/** The latest instant anywhere on earth that is still `day` (UTC+14). */
const dayEndsBy = (day: string) => Date.parse(`${day}T00:00:00Z`) + 24 * 3_600_000 + 14 * 3_600_000;

function checkDay(day: string): string {
  if (!DAY.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw new ServerError(400, 'DATE_INVALID', 'date must be a day like 2026-12-04', 'date');
  return day;
}

export async function storeDayClose(db: Queryable, storeId: string, date: string): Promise<StoreDayClose> {
  const store = checkStoreId(storeId);
  const day = checkDay(date);
  const [closed] = await db.query<{ closed_at: string; closed_by: string }>('SELECT closed_at::text, closed_by FROM store_day_closes WHERE store_id = $1 AND day = $2', [store, day]);
  const terminals = await db.query<{ id: string; name: string; backlog: number; day_closed: boolean }>(
    'SELECT t.id, t.name, t.backlog, EXISTS (SELECT 1 FROM day_closes d WHERE d.terminal_id = t.id AND d.day = $2) AS day_closed FROM terminals t ' +
      'WHERE t.store_id = $1 AND t.revoked_at IS NULL AND coalesce(t.enrolled_at, 0) < $3 ORDER BY t.enrolled_at, t.id',
    [store, day, dayEndsBy(day)],
  );
  const holdingUp: HoldingUp[] = [];
  for (const t of terminals) {
    if (!t.day_closed) holdingUp.push({ terminal: t.id, name: t.name, reason: 'NOT_CLOSED', message: `${t.name} has not closed ${day}, or has not sent its close yet: close the day on that till (Supervisor, Day, Close day; or till close-day)` });
    else if (t.backlog > 0) holdingUp.push({ terminal: t.id, name: t.name, reason: 'NOT_SYNCED', message: `${t.name} closed ${day} but still holds ${t.backlog} change${t.backlog === 1 ? '' : 's'}: let it sync (till store sync)` });
  }
  return { closed: closed ? { closedAt: Number(closed.closed_at), closedBy: closed.closed_by } : null, holdingUp };
}

/** Closes the store's day, or says who holds it up (409). Closing a closed day again answers the first close. */
export async function closeStoreDay(db: Database, input: { store: string; date: string; by: string; now: number }): Promise<StoreZ> {
  return db.transaction(async (tx) => {
    // One closer at a time per store: the store's row is the lock.
    await tx.query('SELECT id FROM stores WHERE id = $1 FOR UPDATE', [checkStoreId(input.store)]);
    const status = await storeDayClose(tx, input.store, input.date);
    if (status.closed) return (await storeZ(tx, input.store, input.date))!;
    if (status.holdingUp.length > 0) {
      throw new ServerError(409, 'STORE_DAY_OPEN', `the store's day cannot close yet: ${status.holdingUp.map((h) => h.message).join('; ')}`, 'date');
    }
    const report = await storeReport(tx, { store: input.store, date: input.date, now: input.now });
    await tx.query('INSERT INTO store_day_closes (store_id, day, closed_at, closed_by, report) VALUES ($1, $2, $3, $4, $5)', [report.store, report.date, input.now, input.by, JSON.stringify(report)]);
    await audit(tx, input.by, 'store.day.close', { store: report.store, day: report.date }, input.now);
    return { store: report.store, day: report.date, closedAt: input.now, closedBy: input.by, report };
  });
}

/** The store's Z report as it was closed, or null while the day is open. */
export async function storeZ(db: Queryable, storeId: string, date: string): Promise<StoreZ | null> {
  const store = checkStoreId(storeId);
  const day = checkDay(date);
  const [row] = await db.query<{ closed_at: string; closed_by: string; report: StoreReport | string }>('SELECT closed_at::text, closed_by, report FROM store_day_closes WHERE store_id = $1 AND day = $2', [store, day]);
  if (!row) return null;
  const report = typeof row.report === 'string' ? (JSON.parse(row.report) as StoreReport) : row.report;
  return { store, day, closedAt: Number(row.closed_at), closedBy: row.closed_by, report };
}
