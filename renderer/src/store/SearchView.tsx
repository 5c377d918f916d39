import { useState, type FormEvent } from 'react';
import { storeCall, StoreCallError } from './store-client';
import { dateTime, money } from './store-format';
import type { OrderRow, SearchPage, TerminalReport } from '../../../preload/contract/store-views';
import type { StoreT } from './store-words';

const STATES = ['PAID', 'REFUNDED', 'CANCELLED', 'FAILED', 'AWAITING_PAYMENT', 'CANCELLING', 'SENDING', 'NEW'];

/** Search across the store's terminals and days (server/store/orders.ts): 50 a page, newest first, "More" for the next. */
export function SearchView({ store, terminals, t, locale, onOpen }: { store: string; terminals: TerminalReport[]; t: StoreT; locale: string; onOpen: (o: OrderRow) => void }) {
  const [query, setQuery] = useState<URLSearchParams | null>(null);
  const [rows, setRows] = useState<OrderRow[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const fetchPage = async (params: URLSearchParams, after: string | null) => {
    const p = new URLSearchParams(params);
    if (after) p.set('after', after);
    try {
      const page = await storeCall<SearchPage>('GET', `/api/stores/${encodeURIComponent(store)}/orders?${p.toString()}`);
      setRows((shown) => (after ? [...shown, ...page.orders] : page.orders));
      setNext(page.next);
      setError(null);
    } catch (e) {
      setError(e instanceof StoreCallError ? e.error.message : String(e));
    }
  };

  const find = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const params = new URLSearchParams();
    for (const key of ['q', 'state', 'amount', 'terminal', 'from', 'to']) {
      const value = String(form.get(key) ?? '').trim();
      if (value) params.set(key, value);
    }
    setQuery(params);
    void fetchPage(params, null);
  };

  return (
    <div className="store-search" data-testid="store-search">
      <form className="card store-search-form" onSubmit={find}>
        <label>
          {t('searchQuery')} <input name="q" data-testid="store-search-q" />
        </label>
        <label>
          {t('state')}{' '}
          <select name="state" data-testid="store-search-state" defaultValue="">
            <option value="">{t('anyState')}</option>
            {STATES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>
          {t('amountMinor')} <input name="amount" inputMode="numeric" pattern="[0-9]*" data-testid="store-search-amount" />
        </label>
        <label>
          {t('terminal')}{' '}
          <select name="terminal" defaultValue="" data-testid="store-search-terminal">
            <option value="">{t('anyTerminal')}</option>
            {terminals.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
          </select>
        </label>
        <label>
          {t('from')} <input type="date" name="from" data-testid="store-search-from" />
        </label>
        <label>
          {t('to')} <input type="date" name="to" data-testid="store-search-to" />
        </label>
        <button type="submit" className="btn btn-primary" data-testid="store-search-find">{t('find')}</button>
      </form>
      {error && <p className="note note-error" role="alert" data-testid="store-search-error">{error}</p>}
      {query && rows.length === 0 && !error && <p className="muted" data-testid="store-search-none">{t('noResults')}</p>}
      {rows.length > 0 && (
        <table className="store-table store-results" data-testid="store-search-results">
          <thead>
            <tr>
              <th>{t('order')}</th>
              <th>{t('terminal')}</th>
              <th>{t('state')}</th>
              <th>{t('amount')}</th>
              <th>{t('created')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((o) => (
              <tr key={`${o.terminal}/${o.id}`} data-testid="store-search-row" data-trans-id={o.merchantTransId}>
                <td>
                  <button type="button" className="link" onClick={() => onOpen(o)}>{o.merchantTransId}</button>
                </td>
                <td>{o.terminalName}</td>
                <td>{o.state}</td>
                <td>{money(o.amountMinor, o.currency)}</td>
                <td>{dateTime(o.createdAt, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && query && (
        <button type="button" className="btn" onClick={() => void fetchPage(query, next)} data-testid="store-search-more">{t('more')}</button>
      )}
    </div>
  );
}
