import { useEffect, useState } from 'react';
import { storeCall, StoreCallError } from './store-client';
import { dateTime, money } from './store-format';
import type { OrderDetail } from '../../../preload/contract/store-views';
import type { StoreT } from './store-words';

/** One order of any terminal: what it is, its history, its gateway exchanges (result codes, never raw answers), its refunds. */
export function OrderDetailView({ store, terminal, id, t, locale, onBack }: { store: string; terminal: string; id: number; t: StoreT; locale: string; onBack: () => void }) {
  const [detail, setDetail] = useState<OrderDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    storeCall<OrderDetail>('GET', `/api/stores/${encodeURIComponent(store)}/orders/${encodeURIComponent(terminal)}/${id}`).then(setDetail, (e: unknown) =>
      setError(e instanceof StoreCallError ? e.error.message : String(e)),
    );
  }, [store, terminal, id]);
  return (
    <div className="store-order" data-testid="store-order">
      <p>
        <button type="button" className="btn" onClick={onBack} data-testid="store-order-back">{t('back')}</button>
      </p>
      {error && <p className="note note-error" role="alert">{error}</p>}
      {detail && (
        <>
          <section className="card" data-testid="store-order-summary" data-state={detail.order.state}>
            <h2>{`${t('order')} ${detail.order.merchantTransId}`}</h2>
            <dl className="store-facts">
              <dt>{t('terminal')}</dt>
              <dd>{detail.order.terminalName}</dd>
              <dt>{t('state')}</dt>
              <dd>{detail.order.state}{detail.order.alarm ? ` · ${detail.order.alarm}` : ''}</dd>
              <dt>{t('amount')}</dt>
              <dd>{money(detail.order.amountMinor, detail.order.currency)}{detail.order.refundedMinor !== '0' ? ` (${t('refunded')} ${money(detail.order.refundedMinor, detail.order.currency)})` : ''}</dd>
              <dt>{t('alipayId')}</dt>
              <dd>{detail.order.acquirementId ?? '—'}</dd>
              <dt>{t('created')}</dt>
              <dd>{dateTime(detail.order.createdAt, locale)}</dd>
            </dl>
          </section>
          <section className="card">
            <h3>{t('history')}</h3>
            <ol data-testid="store-order-events">
              {detail.events.map((e, i) => (
                <li key={i}>{`${dateTime(e.at, locale)} · ${e.actor} · ${e.kind}${e.to_state ? ` → ${e.to_state}` : ''}`}</li>
              ))}
            </ol>
          </section>
          <section className="card">
            <h3>{t('attempts')}</h3>
            {detail.attempts.length === 0 ? <p className="muted">{t('none')}</p> : (
              <table className="store-table" data-testid="store-order-attempts">
                <tbody>
                  {detail.attempts.map((a, i) => (
                    <tr key={i}>
                      <td>{a.api}</td>
                      <td>{dateTime(a.sent_at, locale)}</td>
                      <td>{a.outcome}</td>
                      <td>{a.result_code ?? a.unknown_reason ?? ''}</td>
                      <td>{a.repeats > 1 ? `×${a.repeats}` : ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section className="card">
            <h3>{t('refunds')}</h3>
            {detail.refunds.length === 0 ? <p className="muted">{t('none')}</p> : (
              <ul data-testid="store-order-refunds">
                {detail.refunds.map((r) => (
                  <li key={r.merchant_refund_id}>{`${r.merchant_refund_id} · ${money(r.amount_minor, r.currency)} · ${r.state}${r.result_code ? ` (${r.result_code})` : ''}`}</li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </div>
  );
}
