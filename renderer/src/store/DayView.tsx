import { useEffect, useState } from 'react';
import type { CurrencyLine, StoreReport, ReportException } from '../../../preload/contract/store-views';
import { money, time } from './store-format';
import type { StoreT } from './store-words';

export function Lines({ lines, t, testId }: { lines: CurrencyLine[]; t: StoreT; testId: string }) {
  return (
    <table className="store-table" data-testid={testId}>
      <thead>
        <tr>
          <th>{t('currency')}</th>
          <th>{t('paid')}</th>
          <th>{t('refunded')}</th>
          <th>{t('net')}</th>
          <th>{t('cancelled')}</th>
          <th>{t('failed')}</th>
          <th>{t('unresolved')}</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((c) => (
          <tr key={c.currency} data-currency={c.currency} data-net-minor={c.netMinor} data-paid-minor={c.paid.amountMinor}>
            <td>{c.currency}</td>
            <td>{`${c.paid.count} · ${money(c.paid.amountMinor, c.currency)}`}</td>
            <td>{`${c.refunded.count} · ${money(c.refunded.amountMinor, c.currency)}`}</td>
            <td><strong>{money(c.netMinor, c.currency)}</strong></td>
            <td>{c.cancelled.count}</td>
            <td>{c.failed.count}</td>
            <td>{`${c.unresolved.count} · ${money(c.unresolved.amountMinor, c.currency)}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function kindLabel(t: StoreT, kind: string): string {
  return kind === 'UNRESOLVED' || kind === 'ORDER_ALARM' || kind === 'PENDING_REFUND' || kind === 'OPEN_ALARM' ? t(`kind.${kind}`) : kind;
}

/** The store's day: the store total, each terminal with how fresh its figures are, the exceptions of all (each opens its order). */
/** A day with hundreds of exceptions shows the first ones and says how many more there are. */
const EXCEPTIONS_SHOWN = 50;

export function DayView({ day, t, locale, onOpen }: { day: StoreReport; t: StoreT; locale: string; onOpen: (e: ReportException) => void }) {
  const [allExceptions, setAllExceptions] = useState(false);
  // The bench's "first paint" (test/bench/store-screen-bench.ts): the frame after the day first shows.
  useEffect(() => {
    requestAnimationFrame(() => performance.mark('store-day-painted'));
  }, []);
  const exceptions = allExceptions ? day.exceptions : day.exceptions.slice(0, EXCEPTIONS_SHOWN);
  return (
    <div className="store-day" data-testid="store-day" data-store={day.store} data-date={day.date}>
      <section className="card">
        <h2>{t('storeTotal')}</h2>
        <Lines lines={day.currencies} t={t} testId="store-total" />
      </section>
      {day.terminals.map((terminal) => (
        <section className="card" key={terminal.id} data-testid={`store-terminal-${terminal.id}`} data-stale={terminal.stale === null ? 'no' : 'yes'} data-backlog={terminal.backlog}>
          <h3>
            {terminal.name}{' '}
            <span className="muted small">{`${t('orders', { count: terminal.orderCount })} · ${terminal.lastSyncAt === null ? t('neverSynced') : t('lastSynced', { time: time(terminal.lastSyncAt, locale) })}`}</span>
          </h3>
          {terminal.stale && (
            <p className="note note-error" data-testid="store-terminal-stale" title={terminal.stale}>
              {terminal.lastSyncAt === null
                ? t('staleNever')
                : terminal.backlog > 0
                  ? t('staleBacklog', { time: time(terminal.lastSyncAt, locale), count: terminal.backlog })
                  : t('staleSilent', { time: time(terminal.lastSyncAt, locale) })}
            </p>
          )}
          <Lines lines={terminal.currencies} t={t} testId="store-terminal-lines" />
        </section>
      ))}
      <section className="card">
        <h2>{t('exceptions')}</h2>
        {day.exceptions.length === 0 ? (
          <p className="muted">{t('noExceptions')}</p>
        ) : (
          <ul className="store-exceptions" data-testid="store-exceptions" data-count={day.exceptions.length}>
            {exceptions.map((e, i) => (
              <li key={i} data-kind={e.kind}>
                <strong>{`${e.terminal} · ${kindLabel(t, e.kind)}`}</strong>{' '}
                {e.orderId === null ? (
                  e.message
                ) : (
                  <button type="button" className="link" onClick={() => onOpen(e)} data-testid="store-exception-open">{e.message}</button>
                )}
              </li>
            ))}
          </ul>
        )}
        {exceptions.length < day.exceptions.length && (
          <button type="button" className="btn" onClick={() => setAllExceptions(true)} data-testid="store-exceptions-all">
            {t('showAll', { count: day.exceptions.length })}
          </button>
        )}
      </section>
    </div>
  );
}
