import { useState } from 'react';
import type { OrderView, TillErrorView } from '../../../preload/contract';
import { useI18n } from '../i18n/i18n-context';
import { StatusBadge } from '../order/StatusBadge';
import { ErrorNote } from '../ui/ErrorNote';
import { OrderHistoryPanel } from './OrderHistoryPanel';
import { useSupervisorCall } from './use-supervisor-call';

/** The router wants at least this many trailing characters of merchantTransId. */
export const SEARCH_MIN = 3;

export function OrdersTab() {
  const call = useSupervisorCall();
  const { t, money, time } = useI18n();
  const [tail, setTail] = useState('');
  const [results, setResults] = useState<OrderView[] | null>(null);
  const [error, setError] = useState<TillErrorView | null>(null);
  const [selected, setSelected] = useState<number | null>(null);

  async function search(): Promise<void> {
    const query = tail.trim();
    if (query.length < SEARCH_MIN) return;
    const result = await call('orders.search', { tail: query });
    setError(result.ok ? null : result.error);
    setResults(result.ok ? result.value : null);
    setSelected(result.ok && result.value.length === 1 ? (result.value[0]?.id ?? null) : null);
  }

  return (
    <div className="tab orders-tab" data-testid="orders-tab">
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <label className="field grow">
          <span>{t('orders.searchLabel', { min: SEARCH_MIN })}</span>
          <input data-testid="order-search-input" value={tail} maxLength={64} autoComplete="off" onChange={(e) => setTail(e.target.value)} />
        </label>
        <button type="submit" className="btn btn-primary" data-testid="order-search-button" disabled={tail.trim().length < SEARCH_MIN}>
          {t('orders.search')}
        </button>
      </form>
      <ErrorNote error={error} testId="order-search-error" />
      {results !== null &&
        (results.length === 0 ? (
          <p className="muted" data-testid="order-search-empty">
            {t('orders.none')}
          </p>
        ) : (
          <ul className="recent-list" data-testid="order-search-results">
            {results.map((order) => (
              <li key={order.id}>
                <button type="button" className={`row-button${selected === order.id ? ' selected' : ''}`} data-testid={`order-result-${order.id}`} onClick={() => setSelected(order.id)}>
                  <span className="muted">{time(order.createdAt)}</span>
                  <span>{order.merchantTransId}</span>
                  <span className="grow amount-cell">{money(order.amountMinor, order.currency)}</span>
                  <StatusBadge order={order} testId={`order-result-status-${order.id}`} />
                </button>
              </li>
            ))}
          </ul>
        ))}
      {selected !== null && <OrderHistoryPanel key={selected} orderId={selected} />}
    </div>
  );
}
