import { localDay } from '../journal/business-day';
import type { Journal } from '../journal/journal';

/**
 * When a downloaded update may install (issue 15 §5, docs/operations.md "Updates"): never
 * mid-sale, never with an outcome still unknown, and only once today's day is closed, so
 * the restart cannot cut a sale or a reconciliation short. The Electron host asks this
 * every minute once an update is waiting (main/electron/app-updates.ts).
 */

export type UpdateWait = 'UNRESOLVED' | 'REFUNDS_PENDING' | 'DAY_OPEN';

export interface UpdateFacts {
  /** The till's local calendar day. */
  today: string;
  todayClosed: boolean;
  /** Orders whose outcome is not known yet (a sale in progress is one). */
  unresolved: number;
  pendingRefunds: number;
}

/** What the update still waits for, or null when it may install now. */
export function updateWait(facts: UpdateFacts): UpdateWait | null {
  if (facts.unresolved > 0) return 'UNRESOLVED';
  if (facts.pendingRefunds > 0) return 'REFUNDS_PENDING';
  if (!facts.todayClosed) return 'DAY_OPEN';
  return null;
}

export function updateFactsOf(journal: Journal, now: number): UpdateFacts {
  const today = localDay(now);
  return { today, todayClosed: journal.isDayClosed(today), unresolved: journal.countUnresolved(), pendingRefunds: journal.pendingRefunds().length };
}
