import { useEffect, useState } from 'react';
import { storeCall, StoreCallError } from './store-client';
import { dateTime } from './store-format';
import type { StoreDayClose } from '../../../preload/contract/store-views';
import type { StoreT } from './store-words';

/**
 * Closing the store's day (server/store/store-close.ts): who still holds it up, or the button
 * (two presses: it is not undone), or who closed it, with the store Z report to print.
 * `version` changes whenever the live stream says something moved.
 */
export function StoreCloseBar({ store, date, version, t, locale, onShowZ }: { store: string; date: string; version: number; t: StoreT; locale: string; onShowZ: () => void }) {
  const [status, setStatus] = useState<StoreDayClose | null>(null);
  const [armed, setArmed] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const base = `/api/stores/${encodeURIComponent(store)}/close?date=${date}`;

  useEffect(() => {
    let stale = false;
    storeCall<StoreDayClose>('GET', base).then((s) => !stale && setStatus(s), () => undefined);
    return () => {
      stale = true;
    };
  }, [base, version]);

  useEffect(() => {
    if (!armed) return;
    const timer = setTimeout(() => setArmed(false), 5_000);
    return () => clearTimeout(timer);
  }, [armed]);

  const close = async () => {
    setArmed(false);
    try {
      const z = await storeCall<{ closedAt: number; closedBy: string }>('POST', base);
      setStatus({ closed: { closedAt: z.closedAt, closedBy: z.closedBy }, holdingUp: [] });
      setError(null);
    } catch (e) {
      setError(e instanceof StoreCallError ? e.error.message : String(e));
    }
  };

  if (status === null) return null;
  return (
    <section className="card store-close" data-testid="store-close" data-closed={status.closed ? 'yes' : 'no'}>
      <h2>{t('closeTitle')}</h2>
      {status.closed ? (
        <p>
          <span data-testid="store-closed-by">{t('closedBy', { name: status.closed.closedBy, time: dateTime(status.closed.closedAt, locale) })}</span>{' '}
          <button type="button" className="btn btn-primary" onClick={onShowZ} data-testid="store-z-open">{t('printZ')}</button>
        </p>
      ) : status.holdingUp.length > 0 ? (
        <>
          <p>{t('holdingUp')}</p>
          <ul data-testid="store-holding-up">
            {status.holdingUp.map((h) => (
              <li key={h.terminal} data-reason={h.reason}>{h.message}</li>
            ))}
          </ul>
        </>
      ) : (
        <p>
          {t('closeReady')}{' '}
          {armed ? (
            <button type="button" className="btn btn-danger" onClick={() => void close()} data-testid="store-close-confirm">{t('closeConfirm', { day: date })}</button>
          ) : (
            <button type="button" className="btn btn-danger" onClick={() => setArmed(true)} data-testid="store-close-button">{t('closeButton')}</button>
          )}
        </p>
      )}
      {error && <p className="note note-error" role="alert" data-testid="store-close-error">{error}</p>}
    </section>
  );
}
