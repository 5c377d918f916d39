import { useEffect, useState } from 'react';
import { Lines } from './DayView';
import { storeCall, StoreCallError } from './store-client';
import { dateTime } from './store-format';
import type { StoreZ } from '../../../preload/contract/store-views';
import type { StoreT } from './store-words';

/** The store's Z report as it was closed: a page to print (store.css hides the rest when printing). */
export function StoreZView({ store, date, t, locale, onBack }: { store: string; date: string; t: StoreT; locale: string; onBack: () => void }) {
  const [z, setZ] = useState<StoreZ | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    storeCall<StoreZ>('GET', `/api/stores/${encodeURIComponent(store)}/z?date=${date}`).then(setZ, (e: unknown) => setError(e instanceof StoreCallError ? e.error.message : String(e)));
  }, [store, date]);
  return (
    <div className="store-z" data-testid="store-z">
      <p className="no-print">
        <button type="button" className="btn" onClick={onBack} data-testid="store-z-back">{t('back')}</button>{' '}
        <button type="button" className="btn btn-primary" onClick={() => window.print()} data-testid="store-z-print" disabled={z === null}>{t('print')}</button>
      </p>
      {error && <p className="note note-error" role="alert">{error}</p>}
      {z && (
        <article className="card">
          <h2>{t('zTitle', { store: z.store, day: z.day })}</h2>
          <p>{t('closedBy', { name: z.closedBy, time: dateTime(z.closedAt, locale) })}</p>
          <h3>{t('storeTotal')}</h3>
          <Lines lines={z.report.currencies} t={t} testId="store-z-total" />
          {z.report.terminals.map((terminal) => (
            <section key={terminal.id}>
              <h3>{`${terminal.name} · ${t('orders', { count: terminal.orderCount })}`}</h3>
              <Lines lines={terminal.currencies} t={t} testId="store-z-terminal" />
            </section>
          ))}
          <h3>{t('exceptions')}</h3>
          {z.report.exceptions.length === 0 ? <p>{t('noExceptions')}</p> : (
            <ul>
              {z.report.exceptions.map((e, i) => (
                <li key={i}>{`${e.terminal}: ${e.message}`}</li>
              ))}
            </ul>
          )}
        </article>
      )}
    </div>
  );
}
