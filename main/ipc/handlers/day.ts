import { trustInForce } from '../../config/key-changes';
import { localDay } from '../../journal/business-day';
import { dayCsv } from '../../journal/csv';
import { reconcileDay } from '../../journal/reconcile';
import type { AlarmRecord } from '../../journal/types';
import type { CallContext, HandlerTable } from '../call-context';
import { alarmView, dayReportView } from '../views';
import { backupAfterClose } from '../../config/journal-backup';

/**
 * The supervisor's day: reconciliation, the Z report, the CSV export and the alarms to
 * clear. Without a day, today's local date, as `till reconcile` and `till close-day` take
 * it: a second "Close day" then meets DAY_CLOSED instead of closing tomorrow.
 */

function dayOf(request: { day?: string }): string {
  return request.day ?? localDay(Date.now());
}

/** Open alarms the supervisor can act on from this day's report: the till's own, and its orders'. */
function alarmsOf(ctx: CallContext, day: string): AlarmRecord[] {
  const journal = ctx.till.journal;
  return journal.openAlarms().filter((a) => a.orderId === null || journal.getOrder(a.orderId)?.businessDay === day);
}

export const dayHandlers: HandlerTable<'day.reconcile' | 'day.close' | 'day.csv' | 'alarm.clear'> = {
  'day.reconcile': (ctx, request) => {
    const day = dayOf(request);
    return dayReportView(reconcileDay(ctx.till.journal, day), alarmsOf(ctx, day));
  },
  'day.close': async (ctx, request) => {
    const day = dayOf(request);
    const report = ctx.till.journal.closeDay(day, 'supervisor', await trustInForce(ctx.till));
    // The day's journal copy (config/journal-backup.ts); a failure is said on stderr, the close stands.
    const backup = await backupAfterClose(ctx.till.db, ctx.till.config(), day);
    if (!backup.ok) process.stderr.write(`day ${day} closed; its journal backup failed: ${backup.error}\n`);
    return dayReportView(report, alarmsOf(ctx, day));
  },
  'day.csv': (ctx, request) => {
    const day = dayOf(request);
    return { filename: `orders-${day}.csv`, text: dayCsv(ctx.till.journal, day) };
  },
  'alarm.clear': (ctx, { alarmId }) => {
    // The journal returns the cleared alarm; the engine then lets blocked payments go again.
    const cleared = ctx.till.journal.clearAlarm(alarmId, 'supervisor');
    ctx.till.engine().clearAlarm(alarmId, 'supervisor');
    ctx.alarmChanged(cleared);
    return alarmView(cleared);
  },
};
