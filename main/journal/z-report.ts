import type { DayReport } from './reconcile';
import type { Actor } from './types';

/**
 * The close-of-day (Z) report: the day's reconciliation as it stood when the day was
 * closed, stored as JSON beside the closed day and never changed afterwards.
 */
export interface ZReport extends DayReport {
  closed: true;
  closedAt: number;
  closedBy: Actor;
}

export function toZReport(report: DayReport, closedAt: number, closedBy: Actor): ZReport {
  return { ...report, closed: true, closedAt, closedBy };
}
