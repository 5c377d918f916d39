import type { CurrencyLine, StoreDay } from './store-client';
import { money } from './StoreApp';
import type { storeWords } from './store-words';

type T = ReturnType<typeof storeWords>;

function Lines({ lines, t, testId }: { lines: CurrencyLine[]; t: T; testId: string }) {
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

/** The store's day: the store total, each terminal with how fresh its figures are, the exceptions of all. */
export function DayView({ day, t }: { day: StoreDay; t: T }) {
  return (
    <div className="store-day" data-testid="store-day" data-store={day.store} data-date={day.date}>
      <section className="card">
        <h2>{t('storeTotal')}</h2>
        <Lines lines={day.currencies} t={t} testId="store-total" />
      </section>
      {day.terminals.map((terminal) => (
        <section className="card" key={terminal.id} data-testid={`store-terminal-${terminal.id}`} data-stale={terminal.stale === null ? 'no' : 'yes'} data-backlog={terminal.backlog}>
          <h3>
            {terminal.name} <span className="muted small">{`${t('orders', { count: terminal.orderCount })} · ${terminal.lastSyncAt === null ? t('neverSynced') : t('lastSynced', { time: new Date(terminal.lastSyncAt).toLocaleTimeString() })}`}</span>
          </h3>
          {terminal.stale && <p className="note note-error" data-testid="store-terminal-stale">{terminal.stale}</p>}
          <Lines lines={terminal.currencies} t={t} testId="store-terminal-lines" />
        </section>
      ))}
      <section className="card">
        <h2>{t('exceptions')}</h2>
        {day.exceptions.length === 0 ? (
          <p className="muted">{t('noExceptions')}</p>
        ) : (
          <ul data-testid="store-exceptions">
            {day.exceptions.map((e, i) => (
              <li key={i}>{`${e.terminal}: ${e.kind}${e.merchantTransId ? ` ${e.merchantTransId}` : ''} — ${e.message}`}</li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
