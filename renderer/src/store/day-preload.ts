import { storeCall } from './store-client';
import type { StoreReport } from '../../../preload/contract/store-views';

/**
 * The first day view without a wait: as soon as the session answers (with the stores this
 * user may see), the first store's day is asked for, while React is still drawing the
 * frame around it; the day view then takes that answer instead of asking again. Used once.
 */
let preloaded: { key: string; day: Promise<StoreReport> } | null = null;

const keyOf = (store: string, date: string) => `${store}\u0000${date}`;

export function preloadDay(store: string, date: string): void {
  const day = storeCall<StoreReport>('GET', `/api/stores/${encodeURIComponent(store)}/day?date=${date}`);
  day.catch(() => undefined); // Its own failure is seen by whoever takes it.
  preloaded = { key: keyOf(store, date), day };
}

/** The preloaded day for exactly this store and date, once; otherwise null. */
export function takePreloadedDay(store: string, date: string): Promise<StoreReport> | null {
  if (preloaded === null || preloaded.key !== keyOf(store, date)) return null;
  const { day } = preloaded;
  preloaded = null;
  return day;
}
