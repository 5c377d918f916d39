import type { SqliteStatement } from '../../../native/sqlite';
import { TillError } from '../../errors';
import { assertDay, reconcileDay } from '../reconcile';
import type { Actor } from '../types';
import { toZReport, type TrustInForce, type ZReport } from '../z-report';
import { UNRESOLVED_SQL, assertActor, detailText } from './checks';
import type { JournalCore } from './core';

/** Business days: closing one for good with its Z report, and reading that report back. */
export class DaysRoom {
  private readonly insertClosedDay: SqliteStatement<[string, number, string, string]>;
  private readonly unresolvedOfDay: SqliteStatement<[string], { merchant_trans_id: string }>;
  private readonly countUnresolvedOfDay: SqliteStatement<[string], { n: number }>;
  private readonly pendingRefundsOfDay: SqliteStatement<[string], { merchant_refund_id: string }>;

  constructor(private readonly core: JournalCore) {
    const db = core.db;
    this.insertClosedDay = db.prepare('INSERT INTO business_days (day, closed_at, closed_by, z_report) VALUES (?, ?, ?, ?)');
    this.unresolvedOfDay = db.prepare(`SELECT merchant_trans_id FROM orders INDEXED BY orders_unresolved WHERE business_day = ? AND state IN ${UNRESOLVED_SQL} ORDER BY id LIMIT 5`);
    this.countUnresolvedOfDay = db.prepare(`SELECT count(*) AS n FROM orders INDEXED BY orders_unresolved WHERE business_day = ? AND state IN ${UNRESOLVED_SQL}`);
    this.pendingRefundsOfDay = db.prepare("SELECT merchant_refund_id FROM refunds WHERE business_day = ? AND state = 'PENDING' ORDER BY id");
  }

  /**
   * Takes the Z report and closes the day for good. Refused while any order of the day
   * is unresolved or any refund of the day is pending (DAY_UNRESOLVED), for a day already
   * closed (DAY_CLOSED), and for a day that has not begun (DAY_NOT_STARTED: closing it
   * would push every new order past it).
   */
  closeDay(day: string, actor: Actor, trust?: TrustInForce): ZReport {
    assertDay(day);
    assertActor(actor);
    return this.core.transaction(`close business day ${day}`, () => {
      if (this.core.selectClosedDay.get(day) !== undefined) throw new TillError('DAY_CLOSED', `business day ${day} is already closed`, { field: 'date' });
      const at = this.core.now();
      const current = this.core.businessDayFor(at);
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
      const report = toZReport(reconcileDay(this.core.db, day), at, actor, trust);
      this.insertClosedDay.run(day, at, actor, JSON.stringify(report));
      this.core.insertEvent.run(null, at, actor, 'day_closed', null, null, detailText({ day, orders: report.orderCount }));
      return report;
    });
  }

  /** The Z report stored when the day was closed, or undefined for an open day. */
  getZReport(day: string): ZReport | undefined {
    const row = this.core.selectClosedDay.get(day);
    return row === undefined ? undefined : (JSON.parse(row.z_report) as ZReport);
  }

  isDayClosed(day: string): boolean {
    return this.core.selectClosedDay.get(day) !== undefined;
  }
}
